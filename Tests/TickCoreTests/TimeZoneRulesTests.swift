import Foundation
import Testing
import TickCore  // NOT @testable: the public API only

/// The TZif reader against the system tz database (Debian's tzdata), and the POSIX TZ footer rule.
/// Expected transitions were checked with `zdump -v` from the same tzdata (2025b).
struct TimeZoneRulesTests {
    @Test func utcNeedsNoFile() throws {
        let utc = try TimeZoneRules(identifier: "UTC", directory: "/nonexistent")
        #expect(utc == .utc)
        #expect(utc.offset(at: 0) == 0)
        #expect(utc.resolve(localSeconds: 1_000_000) == .unique(1_000_000))
    }

    @Test func tokyoIsNineHoursAhead() throws {
        let tokyo = try CronTime.zone("Asia/Tokyo")
        let instant = CronTime.utc("2026-07-01T00:00Z")
        #expect(tokyo.offset(at: instant) == 9 * 3600)
        #expect(tokyo.localTimeType(at: instant).abbreviation == "JST")
        #expect(tokyo.localTime(at: instant).description == "2026-07-01T09:00:00")
        #expect(tokyo.transitions(in: CronTime.utc("2000-01-01T00:00Z")...CronTime.utc("2030-01-01T00:00Z")).isEmpty)
    }

    struct TransitionCase: Sendable, CustomTestStringConvertible {
        var zone: String
        var instant: String
        var before: Int
        var after: Int
        var testDescription: String { "\(zone) \(instant)" }
    }

    /// 2026/2027 come from the file's table; 2040 and 2100 lie past Debian's table (which ends in 2037) and
    /// come from the footer rule.
    static let transitions: [TransitionCase] = [
        TransitionCase(zone: "Europe/Berlin", instant: "2026-03-29T01:00Z", before: 3600, after: 7200),
        TransitionCase(zone: "Europe/Berlin", instant: "2026-10-25T01:00Z", before: 7200, after: 3600),
        TransitionCase(zone: "Europe/Berlin", instant: "2027-03-28T01:00Z", before: 3600, after: 7200),
        TransitionCase(zone: "Europe/Berlin", instant: "2027-10-31T01:00Z", before: 7200, after: 3600),
        TransitionCase(zone: "Europe/Berlin", instant: "2040-03-25T01:00Z", before: 3600, after: 7200),
        TransitionCase(zone: "Europe/Berlin", instant: "2040-10-28T01:00Z", before: 7200, after: 3600),
        TransitionCase(zone: "America/New_York", instant: "2026-03-08T07:00Z", before: -18000, after: -14400),
        TransitionCase(zone: "America/New_York", instant: "2026-11-01T06:00Z", before: -14400, after: -18000),
        TransitionCase(zone: "America/New_York", instant: "2027-03-14T07:00Z", before: -18000, after: -14400),
        TransitionCase(zone: "America/New_York", instant: "2027-11-07T06:00Z", before: -14400, after: -18000),
        TransitionCase(zone: "America/New_York", instant: "2040-03-11T07:00Z", before: -18000, after: -14400),
        TransitionCase(zone: "America/New_York", instant: "2040-11-04T06:00Z", before: -14400, after: -18000),
        TransitionCase(zone: "America/New_York", instant: "2100-03-14T07:00Z", before: -18000, after: -14400),
        TransitionCase(zone: "America/New_York", instant: "2100-11-07T06:00Z", before: -14400, after: -18000),
        TransitionCase(zone: "Australia/Sydney", instant: "2026-04-04T16:00Z", before: 39600, after: 36000),
        TransitionCase(zone: "Australia/Sydney", instant: "2026-10-03T16:00Z", before: 36000, after: 39600),
    ]

    @Test("offsets change at the transitions", arguments: transitions)
    func offsetsAtTransitions(_ row: TransitionCase) throws {
        let zone = try CronTime.zone(row.zone)
        let instant = CronTime.utc(row.instant)
        #expect(zone.offset(at: instant - 1) == row.before)
        #expect(zone.offset(at: instant) == row.after)
        let found = zone.transitions(in: (instant - 86_400)...(instant + 86_400))
        #expect(found == [TimeZoneRules.Transition(instant: instant, offsetBefore: row.before, offsetAfter: row.after)])
    }

    @Test func resolvingWallClockTimes() throws {
        let berlin = try CronTime.zone("Europe/Berlin")
        func local(_ text: String) -> Int64 { CronTime.utc(text) }  // wall-clock reading as local seconds
        #expect(berlin.resolve(localSeconds: local("2026-03-29T01:30Z")) == .unique(CronTime.utc("2026-03-29T00:30Z")))
        #expect(berlin.resolve(localSeconds: local("2026-03-29T02:30Z")) == .skipped(next: CronTime.utc("2026-03-29T01:00Z")))
        #expect(berlin.resolve(localSeconds: local("2026-03-29T03:00Z")) == .unique(CronTime.utc("2026-03-29T01:00Z")))
        #expect(
            berlin.resolve(localSeconds: local("2026-10-25T02:30Z"))
                == .repeated(first: CronTime.utc("2026-10-25T00:30Z"), second: CronTime.utc("2026-10-25T01:30Z")))
        #expect(berlin.resolve(localSeconds: local("2026-10-25T03:00Z")) == .unique(CronTime.utc("2026-10-25T02:00Z")))
        let newYork = try CronTime.zone("America/New_York")
        let fallBack = try #require(CivilDateTime(year: 2026, month: 11, day: 1, hour: 1, minute: 30))
        #expect(newYork.resolve(fallBack).firingInstant == CronTime.utc("2026-11-01T05:30Z"))
        // Dublin's "negative DST" (IST standard in summer, GMT as the winter "daylight" time) resolves the same way.
        let dublin = try CronTime.zone("Europe/Dublin")
        #expect(dublin.resolve(localSeconds: local("2026-03-29T01:30Z")) == .skipped(next: CronTime.utc("2026-03-29T01:00Z")))
    }

    /// Slim TZif files list no transitions past the point where the footer rule takes over, so future years
    /// depend on the rule. A file with no transitions at all, only the footer, must agree with the full file.
    @Test("footer-only files agree with the full table", arguments: [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago", "America/Nuuk", "Europe/Dublin",
        "Pacific/Chatham", "Australia/Lord_Howe", "Asia/Tokyo", "Asia/Tehran",
    ])
    func footerRuleMatchesTheTable(_ identifier: String) throws {
        let full = try CronTime.zone(identifier)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TimeZoneRules.defaultDirectory + "/" + identifier)))
        let footer = try #require(TZifBuilder.footer(of: bytes))
        let slim = try TimeZoneRules(identifier: identifier, tzif: TZifBuilder.file(transitions: [], types: [(0, false, "LMT")], footer: footer))
        // Every transition of 2026-2037 (Debian's table ends in 2037), the second either side of each, and every
        // 12 hours between: the offset only changes at a transition, so this is every hour's answer too, at a
        // twentieth of the CPU (an hourly sweep held the test pool's threads for seconds).
        let start = CronTime.utc("2026-01-01T00:00Z")
        let end = CronTime.utc("2037-12-31T00:00Z")
        let transitions = full.transitions(in: start...end)
        #expect(slim.transitions(in: start...end) == transitions)
        let instants = transitions.flatMap { [$0.instant - 1, $0.instant, $0.instant + 1] } + Array(stride(from: start, to: end, by: 43_200))
        for instant in instants where slim.offset(at: instant) != full.offset(at: instant) {
            Issue.record("\(identifier) at \(CronTime.iso(instant)): footer gives \(slim.offset(at: instant)), table \(full.offset(at: instant))")
            return
        }
        #expect(slim.localTimeType(at: start) == full.localTimeType(at: start))
    }

    /// A slim-style file: a few table transitions, then the footer for everything after.
    @Test func tableThenFooter() throws {
        let berlinRule = "CET-1CEST,M3.5.0,M10.5.0/3"
        let bytes = TZifBuilder.file(
            transitions: [(CronTime.utc("2024-03-31T01:00Z"), 1), (CronTime.utc("2024-10-27T01:00Z"), 0)],
            types: [(3600, false, "CET"), (7200, true, "CEST")], footer: berlinRule)
        let zone = try TimeZoneRules(identifier: "Test/Berlin", tzif: bytes)
        #expect(zone.offset(at: CronTime.utc("2024-07-01T00:00Z")) == 7200, "from the table")
        #expect(zone.offset(at: CronTime.utc("2026-03-29T00:59Z")) == 3600, "from the footer")
        #expect(zone.offset(at: CronTime.utc("2026-03-29T01:00Z")) == 7200)
        #expect(zone.offset(at: CronTime.utc("2027-10-31T00:59Z")) == 7200)
        #expect(zone.offset(at: CronTime.utc("2027-10-31T01:00Z")) == 3600)
        #expect(zone.localTimeType(at: CronTime.utc("2027-07-01T00:00Z")).abbreviation == "CEST")
        #expect(zone.resolve(localSeconds: CronTime.utc("2027-03-28T02:30Z")) == .skipped(next: CronTime.utc("2027-03-28T01:00Z")))
    }

    @Test func loadsFromAnotherDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-tz-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Test"), withIntermediateDirectories: true)
        let bytes = TZifBuilder.file(transitions: [], types: [(19800, false, "IST")], footer: "IST-5:30")
        try Data(bytes).write(to: directory.appendingPathComponent("Test/Kolkata"))
        let zone = try TimeZoneRules(identifier: "Test/Kolkata", directory: directory.path)
        #expect(zone.offset(at: 0) == 19800)
        #expect(zone.identifier == "Test/Kolkata")
    }

    @Test func directoryDefaultsToUsrShareZoneinfo() {
        if ProcessInfo.processInfo.environment["TZDIR"].map({ $0.isEmpty }) ?? true {
            #expect(TimeZoneRules.directory == "/usr/share/zoneinfo")
        } else {
            #expect(TimeZoneRules.directory == ProcessInfo.processInfo.environment["TZDIR"])
        }
    }

    struct BadZone: Sendable, CustomTestStringConvertible {
        var identifier: String
        var code: TimeZoneError.Code
        var message: String
        var testDescription: String { identifier }
    }

    static let badZones: [BadZone] = [
        BadZone(identifier: "Europe/Berln", code: .notFound, message: "not found in /usr/share/zoneinfo"),
        BadZone(identifier: "../../etc/passwd", code: .invalidIdentifier, message: "not an IANA time zone name"),
        BadZone(identifier: "/etc/passwd", code: .invalidIdentifier, message: "not an IANA time zone name"),
        BadZone(identifier: "", code: .invalidIdentifier, message: "not an IANA time zone name"),
        BadZone(identifier: "Europe Berlin", code: .invalidIdentifier, message: "not an IANA time zone name"),
        BadZone(identifier: "zone.tab", code: .malformed, message: "not a usable TZif file: no TZif header"),
        BadZone(identifier: "Europe", code: .notFound, message: "is a directory"),
    ]

    @Test("bad zones are rejected with the reason", arguments: badZones)
    func badZone(_ row: BadZone) {
        do {
            let zone = try TimeZoneRules(identifier: row.identifier, directory: "/usr/share/zoneinfo")
            Issue.record("loaded \(zone)")
        } catch {
            #expect(error.code == row.code)
            #expect(error.description.contains(row.message), "\(error.description)")
            #expect(error.exitCode == .config)
        }
    }

    @Test func malformedFiles() throws {
        let good = TZifBuilder.file(transitions: [], types: [(0, false, "UTC")], footer: "UTC0")
        #expect(throws: TimeZoneError.self) { try TimeZoneRules(identifier: "x", tzif: Array(good.dropLast(3))) }
        #expect(throws: TimeZoneError.self) { try TimeZoneRules(identifier: "x", tzif: TZifBuilder.file(transitions: [], types: [(0, false, "UTC")], footer: "not a rule")) }
        var version1 = good
        version1[4] = 0
        #expect(throws: TimeZoneError.self) { try TimeZoneRules(identifier: "x", tzif: version1) }
        #expect(throws: TimeZoneError.self) { try TimeZoneRules(identifier: "x", tzif: TZifBuilder.file(transitions: [(10, 5)], types: [(0, false, "UTC")], footer: "")) }
        #expect(throws: TimeZoneError.self) { try TimeZoneRules(identifier: "x", tzif: []) }
    }

    @Test func emptyFooterKeepsTheLastType() throws {
        let zone = try TimeZoneRules(
            identifier: "x", tzif: TZifBuilder.file(transitions: [(1000, 1)], types: [(0, false, "AAA"), (3600, false, "BBB")], footer: ""))
        #expect(zone.offset(at: 999) == 0)
        #expect(zone.offset(at: 1000) == 3600)
        #expect(zone.offset(at: 4_000_000_000) == 3600)
    }
}

/// Writes TZif version-2 files for tests (RFC 8536): a minimal version-1 block, the 64-bit block, the footer.
enum TZifBuilder {
    static func file(transitions: [(Int64, UInt8)], types: [(Int32, Bool, String)], footer: String) -> [UInt8] {
        var characters: [UInt8] = []
        var indices: [UInt8] = []
        for type in types {
            indices.append(UInt8(characters.count))
            characters += Array(type.2.utf8) + [0]
        }
        var out: [UInt8] = []
        func header(timeCount: Int, typeCount: Int, charCount: Int) {
            out += Array("TZif".utf8) + [UInt8(ascii: "2")] + [UInt8](repeating: 0, count: 15)
            for count in [0, 0, 0, timeCount, typeCount, charCount] { out += bigEndian(UInt32(count)) }
        }
        // Version-1 block: no transitions, one type, one character.
        header(timeCount: 0, typeCount: 1, charCount: 1)
        out += bigEndian(UInt32(0)) + [0, 0] + [0]
        header(timeCount: transitions.count, typeCount: types.count, charCount: characters.count)
        for transition in transitions { out += bigEndian(UInt64(bitPattern: transition.0)) }
        out += transitions.map(\.1)
        for (index, type) in types.enumerated() { out += bigEndian(UInt32(bitPattern: type.0)) + [type.1 ? 1 : 0, indices[index]] }
        out += characters
        out += Array("\n\(footer)\n".utf8)
        return out
    }

    /// The footer TZ string of a TZif file.
    static func footer(of bytes: [UInt8]) -> String? {
        guard bytes.last == 0x0A, let start = bytes.dropLast().lastIndex(of: 0x0A) else { return nil }
        return String(decoding: bytes[(start + 1)..<(bytes.count - 1)], as: UTF8.self)
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
