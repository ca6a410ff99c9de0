import Testing
import TickCore  // NOT @testable: the public API only

/// Helpers shared by the cron, time zone and vercel.json tests.
enum CronTime {
    /// Unix seconds of `2026-03-29T01:00Z` (or `…T01:00:30Z`); a malformed string is a test failure.
    static func utc(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int64 {
        guard let time = civil(text) else {
            Issue.record("bad time in test: \(text)", sourceLocation: sourceLocation)
            return 0
        }
        return time.localSeconds
    }

    /// `2026-03-29T01:00Z`: the instant as ISO 8601 UTC, to the minute (seconds when not zero).
    static func iso(_ seconds: Int64) -> String {
        let time = CivilDateTime(localSeconds: seconds)
        let text = time.description
        return (time.second == 0 ? String(text.dropLast(3)) : text) + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS][Z]`.
    static func civil(_ text: String) -> CivilDateTime? {
        let trimmed = text.hasSuffix("Z") ? String(text.dropLast()) : text
        let halves = trimmed.split(separator: "T")
        guard halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-").compactMap { Int($0) }
        let time = halves[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, time.count == 2 || time.count == 3 else { return nil }
        return CivilDateTime(year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1], second: time.count == 3 ? time[2] : 0)
    }

    /// A zone from the system tz database; a missing zone is a test failure naming the tzdata package.
    static func zone(_ identifier: String) throws -> TimeZoneRules {
        do {
            return try TimeZoneRules(identifier: identifier)
        } catch {
            Issue.record("\(error) (these tests need Debian's tzdata package in /usr/share/zoneinfo)")
            throw error
        }
    }
}
