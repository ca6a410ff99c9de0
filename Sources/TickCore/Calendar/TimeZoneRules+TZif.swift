/// Reads TZif files (RFC 8536), version 2 or later: skips the 32-bit version-1 block and reads the 64-bit
/// block and the footer (the POSIX TZ rule for instants after the last transition).
enum TZifReader {
    static func read(_ bytes: [UInt8], identifier: String) throws(TimeZoneError) -> TimeZoneRules {
        func malformed(_ why: String) -> TimeZoneError {
            TimeZoneError(.malformed, identifier: identifier, "not a usable TZif file: \(why)")
        }
        var cursor = ByteCursor(bytes: bytes)
        guard let first = cursor.header() else { throw malformed("no TZif header") }
        guard first.version >= UInt8(ascii: "2") else { throw malformed("version 1 files (32-bit only) are not supported") }
        // Skip the version-1 data block.
        guard cursor.skip(first.dataLength(timeSize: 4)) else { throw malformed("truncated version-1 block") }
        guard let header = cursor.header() else { throw malformed("no version-2 header") }
        guard header.leapCount == 0 else {
            throw malformed("the file counts leap seconds (a right/ zone); use the zone from the main tz directory")
        }
        guard header.typeCount >= 1, header.typeCount <= 256, header.charCount >= 1,
            header.isStandardCount == 0 || header.isStandardCount == header.typeCount,
            header.isUTCCount == 0 || header.isUTCCount == header.typeCount
        else { throw malformed("inconsistent counts in the header") }

        var transitions: [Int64] = []
        transitions.reserveCapacity(header.timeCount)
        for _ in 0..<header.timeCount {
            guard let instant = cursor.int64() else { throw malformed("truncated transition times") }
            if let previous = transitions.last, instant <= previous { throw malformed("transition times out of order") }
            transitions.append(instant)
        }
        var transitionTypes: [Int] = []
        transitionTypes.reserveCapacity(header.timeCount)
        for _ in 0..<header.timeCount {
            guard let index = cursor.uint8(), Int(index) < header.typeCount else { throw malformed("bad transition type index") }
            transitionTypes.append(Int(index))
        }
        var rawTypes: [(offset: Int32, isDST: Bool, abbreviationIndex: Int)] = []
        for _ in 0..<header.typeCount {
            guard let offset = cursor.int32(), let isDST = cursor.uint8(), let index = cursor.uint8(), Int(index) < header.charCount,
                offset > -89_999, offset < 93_600  // RFC 8536: -25:59:59 < offset < 26:00:00
            else { throw malformed("bad local time type") }
            rawTypes.append((offset, isDST != 0, Int(index)))
        }
        guard let characters = cursor.take(header.charCount).map(Array.init) else { throw malformed("truncated abbreviations") }
        guard cursor.skip(header.isStandardCount + header.isUTCCount) else { throw malformed("truncated indicators") }
        let types = rawTypes.map { raw in
            let tail = characters[raw.abbreviationIndex...]
            let abbreviation = String(decoding: tail.prefix { $0 != 0 }, as: UTF8.self)
            return TimeZoneRules.LocalTimeType(offset: Int(raw.offset), isDaylightSaving: raw.isDST, abbreviation: abbreviation)
        }

        // Footer: "\n<TZ string>\n". An empty TZ string means no rule.
        var footer: POSIXTimeZoneRule?
        guard cursor.uint8() == UInt8(ascii: "\n") else { throw malformed("no footer") }
        var text: [UInt8] = []
        while true {
            guard let byte = cursor.uint8() else { throw malformed("unterminated footer") }
            if byte == UInt8(ascii: "\n") { break }
            text.append(byte)
        }
        if !text.isEmpty {
            let string = String(decoding: text, as: UTF8.self)
            guard let rule = POSIXTimeZoneRule(string) else { throw malformed("cannot parse the footer TZ string \(JSONText.quoted(string))") }
            footer = rule
        }
        return TimeZoneRules(identifier: identifier, transitions: transitions, transitionTypes: transitionTypes, types: types, footer: footer)
    }
}

/// A TZif header's fields.
private struct TZifHeader {
    var version: UInt8
    var isUTCCount: Int
    var isStandardCount: Int
    var leapCount: Int
    var timeCount: Int
    var typeCount: Int
    var charCount: Int

    /// The length of the data block that follows, for transition times of `timeSize` bytes.
    func dataLength(timeSize: Int) -> Int {
        timeCount * timeSize + timeCount + typeCount * 6 + charCount + leapCount * (timeSize + 4) + isStandardCount + isUTCCount
    }
}

/// Big-endian reads over a byte array, each returning nil past the end.
private struct ByteCursor {
    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= bytes.count - offset else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func skip(_ count: Int) -> Bool { take(count) != nil }

    mutating func uint8() -> UInt8? { take(1)?.first }

    mutating func int32() -> Int32? {
        guard let slice = take(4) else { return nil }
        return Int32(bitPattern: slice.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    mutating func int64() -> Int64? {
        guard let slice = take(8) else { return nil }
        return Int64(bitPattern: slice.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// `TZif`, a version byte, 15 reserved bytes and six counts.
    mutating func header() -> TZifHeader? {
        guard let magic = take(4), Array(magic) == Array("TZif".utf8), let version = uint8(), skip(15) else { return nil }
        var counts: [Int] = []
        for _ in 0..<6 {
            guard let count = int32(), count >= 0, count < 1 << 20 else { return nil }
            counts.append(Int(count))
        }
        return TZifHeader(
            version: version, isUTCCount: counts[0], isStandardCount: counts[1], leapCount: counts[2],
            timeCount: counts[3], typeCount: counts[4], charCount: counts[5])
    }
}
