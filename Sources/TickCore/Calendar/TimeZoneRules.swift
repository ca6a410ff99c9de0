#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One IANA time zone's rules, read from the system's tz database (`/usr/share/zoneinfo`, Debian's `tzdata`
/// package; `TZDIR` overrides the directory): UTC offsets at any instant, and wall-clock times to instants.
///
/// Nothing here is a hand-written table: the transitions and the POSIX TZ rule for later years come from the
/// zone's TZif file (RFC 8536, version 2 or later, 64-bit section). ``utc`` needs no file.
///
/// Instants are Unix seconds. *Local seconds* are seconds since 1970-01-01T00:00 on the zone's wall clock
/// (see ``CivilDateTime``).
///
/// Why hand-written: on Linux, Foundation's `TimeZone` for a named zone lives in FoundationInternationalization,
/// which loads `lib_FoundationICU.so` (40 MB on this toolchain) into every process that uses it. TickCore links
/// only FoundationEssentials so that `tick run`, started every minute, starts in a few milliseconds
/// (docs/architecture.md). TZif is small and stable (RFC 8536); the tests check transitions against `zdump -v`.
public struct TimeZoneRules: Sendable, Hashable, CustomStringConvertible {
    /// An offset from UTC with its daylight-saving flag and abbreviation, such as `+7200 CEST`.
    public struct LocalTimeType: Sendable, Hashable {
        /// Seconds east of UTC (Berlin in summer: 7200).
        public let offset: Int
        /// Whether this is daylight saving time.
        public let isDaylightSaving: Bool
        /// The abbreviation, such as `CEST` (or `+09` where the tz database has none).
        public let abbreviation: String

        /// Makes a local time type.
        /// - Parameters:
        ///   - offset: seconds east of UTC.
        ///   - isDaylightSaving: whether it is daylight saving time.
        ///   - abbreviation: its abbreviation.
        public init(offset: Int, isDaylightSaving: Bool, abbreviation: String) {
            self.offset = offset
            self.isDaylightSaving = isDaylightSaving
            self.abbreviation = abbreviation
        }
    }

    /// A change of UTC offset.
    public struct Transition: Sendable, Hashable {
        /// When it happens, Unix seconds.
        public let instant: Int64
        /// The offset just before, seconds east of UTC.
        public let offsetBefore: Int
        /// The offset from `instant` on.
        public let offsetAfter: Int

        /// Makes a transition.
        /// - Parameters:
        ///   - instant: when it happens, Unix seconds.
        ///   - offsetBefore: the offset just before, seconds east of UTC.
        ///   - offsetAfter: the offset from `instant` on.
        public init(instant: Int64, offsetBefore: Int, offsetAfter: Int) {
            self.instant = instant
            self.offsetBefore = offsetBefore
            self.offsetAfter = offsetAfter
        }
    }

    /// What a wall-clock time corresponds to.
    public enum LocalTimeResolution: Sendable, Hashable {
        /// Exactly one instant.
        case unique(Int64)
        /// Two instants: the wall clock passed this time twice (clocks went back).
        case repeated(first: Int64, second: Int64)
        /// No instant: the clock skipped this time (clocks went forward). `next` is the first instant after
        /// the gap, the transition itself (for 02:30 on Berlin's spring-forward day: 03:00 local, 01:00 UTC).
        case skipped(next: Int64)

        /// The instant a schedule fires for this wall-clock time: the only one, the first of two, or the
        /// first instant after a gap.
        public var firingInstant: Int64 {
            switch self {
            case .unique(let instant): instant
            case .repeated(let first, _): first
            case .skipped(let next): next
            }
        }
    }

    /// Where the tz database is when `TZDIR` is not set.
    public static let defaultDirectory = "/usr/share/zoneinfo"

    /// UTC, without reading any file.
    public static let utc = TimeZoneRules(
        identifier: "UTC", transitions: [], transitionTypes: [],
        types: [LocalTimeType(offset: 0, isDaylightSaving: false, abbreviation: "UTC")], footer: nil)

    /// The zone's IANA name, such as `Europe/Berlin`.
    public let identifier: String

    /// Transition instants, ascending.
    let transitions: [Int64]
    /// For each transition, the index into `types` in effect from it on.
    let transitionTypes: [Int]
    /// The local time types; `types[0]` applies before the first transition.
    let types: [LocalTimeType]
    /// The rule after the last transition, if the file has one.
    let footer: POSIXTimeZoneRule?

    init(identifier: String, transitions: [Int64], transitionTypes: [Int], types: [LocalTimeType], footer: POSIXTimeZoneRule?) {
        self.identifier = identifier
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.types = types
        self.footer = footer
    }

    /// The tz database directory: `TZDIR` when set and not empty, else ``defaultDirectory``.
    public static var directory: String {
        if let value = getenv("TZDIR").map({ String(cString: $0) }), !value.isEmpty { return value }
        return defaultDirectory
    }

    /// Loads a zone from the tz database.
    ///
    /// `UTC` needs no file; every other name is read from `<directory>/<identifier>`.
    /// - Parameters:
    ///   - identifier: an IANA name such as `Asia/Tokyo`.
    ///   - directory: the tz database directory; nil for ``directory`` (`TZDIR`, else `/usr/share/zoneinfo`).
    /// - Throws: ``TimeZoneError`` when the name is invalid or unknown, or the file unusable.
    public init(identifier: String, directory: String? = nil) throws(TimeZoneError) {
        if identifier == "UTC" {
            self = .utc
            return
        }
        try Self.checkIdentifier(identifier)
        let root = directory ?? Self.directory
        let path = root.hasSuffix("/") ? root + identifier : root + "/" + identifier
        let bytes: [UInt8]
        switch readWholeFile(path, limit: 1 << 20) {
        case .success(let contents): bytes = contents
        case .failure(let failure):
            if failure.code == ENOENT || failure.code == ENOTDIR {
                throw TimeZoneError(
                    .notFound, identifier: identifier,
                    "not found in \(root) (check the name, such as Europe/Berlin; install the tzdata package, or set TZDIR to the tz database directory)")
            }
            if failure.code == EISDIR {
                throw TimeZoneError(.notFound, identifier: identifier, "\(path) is a directory of zones, not a zone (such as Europe/Berlin)")
            }
            throw TimeZoneError(.unreadable, identifier: identifier, "cannot read \(path): \(failure.reason)")
        }
        try self.init(identifier: identifier, tzif: bytes)
    }

    /// Reads a zone from TZif bytes.
    /// - Parameters:
    ///   - identifier: the zone's name, kept for messages.
    ///   - tzif: the file's bytes (version 2 or later).
    /// - Throws: ``TimeZoneError`` with code `malformed` when the bytes are not a usable TZif file.
    public init(identifier: String, tzif: [UInt8]) throws(TimeZoneError) {
        self = try TZifReader.read(tzif, identifier: identifier)
    }

    public var description: String { identifier }

    /// The local time type in effect at an instant.
    /// - Parameter instant: Unix seconds.
    /// - Returns: the offset, daylight-saving flag and abbreviation.
    public func localTimeType(at instant: Int64) -> LocalTimeType {
        guard let last = transitions.last else { return footer?.type(at: instant) ?? types[0] }
        if instant >= last, let footer { return footer.type(at: instant) }
        // The last transition at or before `instant` (binary search).
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? types[0] : types[transitionTypes[low - 1]]
    }

    /// Seconds east of UTC at an instant.
    /// - Parameter instant: Unix seconds.
    /// - Returns: the UTC offset (Tokyo: 32400).
    public func offset(at instant: Int64) -> Int { localTimeType(at: instant).offset }

    /// The wall-clock time at an instant.
    /// - Parameter instant: Unix seconds.
    /// - Returns: the local date and time.
    public func localTime(at instant: Int64) -> CivilDateTime {
        CivilDateTime(localSeconds: instant + Int64(offset(at: instant)))
    }

    /// The offset changes whose instants fall in a range (changes of abbreviation alone are left out).
    /// - Parameter range: Unix seconds.
    /// - Returns: the transitions, ascending.
    public func transitions(in range: ClosedRange<Int64>) -> [Transition] {
        var result: [Transition] = []
        for (index, instant) in transitions.enumerated() where range.contains(instant) {
            let before = index == 0 ? types[0].offset : types[transitionTypes[index - 1]].offset
            let after = types[transitionTypes[index]].offset
            if before != after { result.append(Transition(instant: instant, offsetBefore: before, offsetAfter: after)) }
        }
        if let footer {
            let start = transitions.last.map { max(range.lowerBound, $0 + 1) } ?? range.lowerBound
            if start <= range.upperBound { result += footer.transitions(in: start...range.upperBound) }
        }
        return result
    }

    /// The instants at which the wall clock shows a given time.
    /// - Parameter localSeconds: the wall-clock time as seconds since 1970-01-01T00:00 local.
    /// - Returns: one instant, two (clocks went back), or none (clocks went forward: the gap's end).
    public func resolve(localSeconds local: Int64) -> LocalTimeResolution {
        if transitions.isEmpty && footer?.daylight == nil { return .unique(local - Int64(types[0].offset)) }
        // No zone's offset exceeds a day, so every instant showing `local` lies within two days of it.
        let window = (local - 2 * 86_400)...(local + 2 * 86_400)
        let nearby = transitions(in: window)
        var offsets = Set([offset(at: window.lowerBound)])
        for transition in nearby { offsets.insert(transition.offsetAfter) }
        let instants = offsets.map { local - Int64($0) }.filter { offset(at: $0) == Int(local - $0) }.sorted()
        if let first = instants.first {
            if let last = instants.last, last != first { return .repeated(first: first, second: last) }
            return .unique(first)
        }
        for transition in nearby where transition.offsetAfter > transition.offsetBefore {
            let gapStart = transition.instant + Int64(transition.offsetBefore)
            let gapEnd = transition.instant + Int64(transition.offsetAfter)
            if local >= gapStart && local < gapEnd { return .skipped(next: transition.instant) }
        }
        return .unique(local - Int64(offset(at: local)))  // unreachable for well-formed data
    }

    /// The instants at which the wall clock shows a given date and time.
    /// - Parameter time: the wall-clock time.
    /// - Returns: one instant, two (clocks went back), or none (clocks went forward: the gap's end).
    public func resolve(_ time: CivilDateTime) -> LocalTimeResolution { resolve(localSeconds: time.localSeconds) }

    /// Rejects names that are not plain relative paths of the tz database.
    private static func checkIdentifier(_ identifier: String) throws(TimeZoneError) {
        let allowed = identifier.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || [UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: ".")].contains(byte)
        }
        let components = identifier.split(separator: "/", omittingEmptySubsequences: false)
        guard !identifier.isEmpty, identifier.utf8.count <= 255, allowed,
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw TimeZoneError(
                .invalidIdentifier, identifier: identifier,
                "not an IANA time zone name (such as UTC, Europe/Berlin or America/New_York)")
        }
    }
}
