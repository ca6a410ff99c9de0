/// Parses JSON text (RFC 8259) into a ``JSONValue`` in one pass, choosing each value's kind from its first byte.
///
/// It replaces `JSONDecoder` for ``JSONValue``: a decoder of an enum must try each kind in turn and build a
/// `DecodingError` for every miss, which was most of a drain's CPU (docs/benchmarks.md). Integers that fit 64 bits
/// stay exact, as do whole numbers written with a fraction or exponent (`1.0`, `2e3`, as `JSONDecoder` reads them);
/// other numbers are doubles. A duplicated key keeps its last value.
/// Nesting is limited to ``maximumDepth``, so hostile input cannot exhaust the stack.
struct JSONParser {
    /// How deep arrays and objects may nest (as `JSONDecoder`).
    static let maximumDepth = 512

    /// Why the text is not JSON, and where.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        let offset: Int
        var description: String { "\(message) at byte \(offset)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The one value of `text`, with nothing but white space around it.
    static func parse(_ text: [UInt8]) throws(Failure) -> JSONValue {
        try text.withUnsafeBufferPointer { buffer throws(Failure) in
            var parser = JSONParser(bytes: buffer)
            return try parser.document()
        }
    }

    private mutating func document() throws(Failure) -> JSONValue {
        skipSpace()
        let value = try self.value()
        skipSpace()
        guard offset == bytes.count else { throw failure("unexpected text after the JSON value") }
        return value
    }

    private func failure(_ message: String) -> Failure { Failure(message: message, offset: offset) }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of the text") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw failure("unexpected end of the text") }
        let start = word.utf8Start
        for index in 0..<count where bytes[offset + index] != start[index] { throw failure("unexpected character") }
        offset += count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        offset += 1
        var values: [JSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(values)
        }
        while true {
            skipSpace()
            values.append(try value())
            skipSpace()
            switch current {
            case UInt8(ascii: ",")?: offset += 1
            case UInt8(ascii: "]")?:
                offset += 1
                depth -= 1
                return .array(values)
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        offset += 1
        skipSpace()
        if current == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object([:])
        }
        // Room for a job's usual fields at once, instead of growing through 1, 2, 4 and 8.
        var members = [String: JSONValue](minimumCapacity: 6)
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try string()
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
            offset += 1
            skipSpace()
            members[key] = try value()
            skipSpace()
            switch current {
            case UInt8(ascii: ",")?: offset += 1
            case UInt8(ascii: "}")?:
                offset += 1
                depth -= 1
                return .object(members)
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    /// A string at the current `"`; the common case (no escapes) is one validated copy of its bytes.
    private mutating func string() throws(Failure) -> String {
        offset += 1
        let start = offset
        var ascii = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                // ASCII is valid UTF-8 as it is: only other text needs the validating copy.
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else { throw Failure(message: "a string is not valid UTF-8", offset: start) }
                return text
            }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw failure("a control character inside a string must be escaped") }
            offset += 1
        }
        throw failure("a string is not closed")
    }

    /// The rest of a string that holds escapes, from its first byte at `start`.
    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        var out = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw Failure(message: "a string is not valid UTF-8", offset: start) }
                return text
            case UInt8(ascii: "\\"): try escape(into: &out)
            case 0..<0x20: throw failure("a control character inside a string must be escaped")
            default: out.append(byte)
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        guard let byte = current else { throw failure("a string is not closed") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard current == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw failure("a \\u escape holds half of a surrogate pair")
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a \\u escape holds half of a surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("a \\u escape holds half of a surrogate pair") }
            UTF8.encode(unicode) { out.append($0) }
        default: throw failure("unknown escape")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// A number: an exact `Int64` when it has no fraction or exponent and fits, else a `Double`.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw failure("a number needs digits") }
        if first == UInt8(ascii: "0") {
            offset += 1
        } else {
            skipDigits()
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            offset += 1
            guard digitsFollow() else { throw failure("a number needs digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard digitsFollow() else { throw failure("a number needs digits in its exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if integral, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else { throw Failure(message: "a number is out of range", offset: start) }
        // As JSONDecoder reads `JSONValue`: a whole number written with a fraction or exponent (`1.0`, `2e3`) is an integer.
        if value == value.rounded(), let exact = Int64(exactly: value) { return .integer(exact) }
        return .double(value)
    }

    private mutating func skipDigits() {
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { offset += 1 }
    }

    private mutating func digitsFollow() -> Bool {
        let start = offset
        skipDigits()
        return offset > start
    }
}
