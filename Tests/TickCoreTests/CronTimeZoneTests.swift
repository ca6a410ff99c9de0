import Testing
import TickCore  // NOT @testable: the public API only

/// Cron expressions evaluated on a zone's wall clock, across daylight-saving transitions.
///
/// Rules: a skipped local time (spring forward) fires once, at the first instant after the gap; a repeated
/// local time (fall back) fires once, at its first occurrence.
struct CronTimeZoneTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var zone: String
        var from: String
        var expected: [String]
        var note: String
        var testDescription: String { "\(expression) in \(zone): \(note)" }
    }

    static let table: [Case] = [
        Case(expression: "0 9 * * *", zone: "Asia/Tokyo", from: "2025-12-31T12:00Z", expected: ["2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"], note: "09:00 JST is 00:00 UTC"),
        Case(expression: "0 9 * * 1-5", zone: "Asia/Tokyo", from: "2026-01-02T00:00Z", expected: ["2026-01-05T00:00Z"], note: "the weekday is Tokyo's"),
        // Europe/Berlin: clocks go 02:00 → 03:00 on 2026-03-29 and 03:00 → 02:00 on 2026-10-25.
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", from: "2026-03-28T00:00Z", expected: ["2026-03-28T01:30Z", "2026-03-29T01:00Z", "2026-03-30T00:30Z"], note: "spring forward: 02:30 fires at 03:00 CEST"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", from: "2026-10-24T00:00Z", expected: ["2026-10-24T00:30Z", "2026-10-25T00:30Z", "2026-10-26T01:30Z"], note: "fall back: 02:30 fires once, at 02:30 CEST"),
        Case(expression: "*/30 2 * * *", zone: "Europe/Berlin", from: "2026-03-28T23:00Z", expected: ["2026-03-29T01:00Z", "2026-03-30T00:00Z"], note: "02:00 and 02:30 collapse into one fire at 03:00"),
        Case(expression: "0 3 * * *", zone: "Europe/Berlin", from: "2026-03-28T23:00Z", expected: ["2026-03-29T01:00Z", "2026-03-30T01:00Z"], note: "03:00 exists on the spring-forward day"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", from: "2027-03-27T00:00Z", expected: ["2027-03-27T01:30Z", "2027-03-28T01:00Z", "2027-03-29T00:30Z"], note: "2027 spring forward"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", from: "2027-10-30T00:00Z", expected: ["2027-10-30T00:30Z", "2027-10-31T00:30Z", "2027-11-01T01:30Z"], note: "2027 fall back"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", from: "2040-03-24T00:00Z", expected: ["2040-03-24T01:30Z", "2040-03-25T01:00Z", "2040-03-26T00:30Z"], note: "2040, from the footer rule"),
        // America/New_York: 02:00 → 03:00 on 2026-03-08; 02:00 → 01:00 on 2026-11-01.
        Case(expression: "30 2 * * *", zone: "America/New_York", from: "2026-03-07T00:00Z", expected: ["2026-03-07T07:30Z", "2026-03-08T07:00Z", "2026-03-09T06:30Z"], note: "spring forward: 02:30 fires at 03:00 EDT"),
        Case(expression: "30 2 * * *", zone: "America/New_York", from: "2026-10-31T00:00Z", expected: ["2026-10-31T06:30Z", "2026-11-01T07:30Z", "2026-11-02T07:30Z"], note: "fall back: 02:30 exists once"),
        Case(expression: "30 1 * * *", zone: "America/New_York", from: "2026-10-31T12:00Z", expected: ["2026-11-01T05:30Z", "2026-11-02T06:30Z"], note: "fall back: 01:30 fires once, at 01:30 EDT"),
        Case(expression: "30 1 * * *", zone: "America/New_York", from: "2026-11-01T06:10Z", expected: ["2026-11-02T06:30Z"], note: "during the repeated hour, its second 01:30 does not fire"),
        Case(expression: "0 * * * *", zone: "America/New_York", from: "2026-11-01T03:30Z", expected: ["2026-11-01T04:00Z", "2026-11-01T05:00Z", "2026-11-01T07:00Z"], note: "hourly: the repeated 01:00 fires once"),
        Case(expression: "30 2 * * *", zone: "America/New_York", from: "2027-03-13T00:00Z", expected: ["2027-03-13T07:30Z", "2027-03-14T07:00Z", "2027-03-15T06:30Z"], note: "2027 spring forward"),
        Case(expression: "30 1 * * *", zone: "America/New_York", from: "2027-11-06T12:00Z", expected: ["2027-11-07T05:30Z", "2027-11-08T06:30Z"], note: "2027 fall back"),
        // Southern hemisphere: Sydney goes 02:00 → 03:00 on 2026-10-04.
        Case(expression: "30 2 * * *", zone: "Australia/Sydney", from: "2026-10-02T12:00Z", expected: ["2026-10-02T16:30Z", "2026-10-03T16:00Z", "2026-10-04T15:30Z"], note: "spring forward in October"),
    ]

    @Test("next fire times across DST", arguments: table)
    func nextFireTimes(_ row: Case) throws {
        let zone = try CronTime.zone(row.zone)
        let expression = try CronExpression(row.expression)
        let fires = expression.next(row.expected.count, after: CronTime.utc(row.from), in: zone).map(CronTime.iso)
        #expect(fires == row.expected)
    }

    struct Day: Sendable, CustomTestStringConvertible {
        var zone: String
        var day: String
        var expression: String
        var expected: String
        var testDescription: String { "\(expression) on \(day) in \(zone)" }
    }

    /// A daily job fires exactly once on each transition day, at the right instant.
    static let transitionDays: [Day] = [
        Day(zone: "Europe/Berlin", day: "2026-03-29", expression: "30 2 * * *", expected: "2026-03-29T01:00Z"),
        Day(zone: "Europe/Berlin", day: "2026-10-25", expression: "30 2 * * *", expected: "2026-10-25T00:30Z"),
        Day(zone: "America/New_York", day: "2026-03-08", expression: "30 2 * * *", expected: "2026-03-08T07:00Z"),
        Day(zone: "America/New_York", day: "2026-11-01", expression: "30 2 * * *", expected: "2026-11-01T07:30Z"),
        Day(zone: "America/New_York", day: "2026-11-01", expression: "30 1 * * *", expected: "2026-11-01T05:30Z"),
    ]

    @Test("a daily job fires once on a transition day", arguments: transitionDays)
    func firesOncePerTransitionDay(_ row: Day) throws {
        let zone = try CronTime.zone(row.zone)
        let expression = try CronExpression(row.expression)
        let date = try #require(CronTime.civil(row.day + "T00:00"))
        // The local day's bounds as instants (midnight exists on all these days).
        let start = zone.resolve(date).firingInstant
        let end = start + 26 * 3600
        let fires = expression.next(5, after: start - 1, in: zone).filter { $0 < end && zone.localTime(at: $0).day == date.day }
        #expect(fires.map(CronTime.iso) == [row.expected])
    }

    @Test func everyFireIsAtAWholeLocalMinuteOrAGapEnd() throws {
        let berlin = try CronTime.zone("Europe/Berlin")
        let expression = try CronExpression("*/7 * * * *")
        var cursor = CronTime.utc("2026-03-28T22:00Z")
        var previous = cursor
        for _ in 0..<2000 {
            guard let fire = expression.next(after: cursor, in: berlin) else { break }
            #expect(fire > previous)
            let local = berlin.localTime(at: fire)
            #expect(local.second == 0)
            #expect(local.minute % 7 == 0 || (local.hour == 3 && local.minute == 0))
            previous = fire
            cursor = fire
        }
    }
}
