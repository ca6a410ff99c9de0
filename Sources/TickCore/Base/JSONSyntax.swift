/// A strict check of JSON text (RFC 8259) that says where the first mistake is, for files people edit by
/// hand: a trailing comma, a comment, a single-quoted string or a duplicated key is an error, with its line
/// and column, where a lenient decoder would accept it or name no position.
///
/// It only checks; decoding is left to ``JSONValue/init(parsing:)``. It does not recurse, so deep nesting
/// cannot exhaust the stack.
struct JSONSyntax {
    /// The first mistake in a text.
    struct Mistake: Sendable, Hashable {
        /// 1-based line number.
        let line: Int
        /// 1-based column, counted in characters (Unicode scalars) of its line.
        let column: Int
        /// What is wrong, and how to fix it.
        let message: String
    }

    /// The first mistake in `bytes`, or `nil` when they are one valid JSON value.
    /// - Parameter bytes: UTF-8 text.
    static func firstMistake(in bytes: [UInt8]) -> Mistake? {
        var scanner = JSONSyntax(bytes: bytes)
        do {
            try scanner.document()
            return nil
        } catch {
            return scanner.mistake(error.message, at: error.offset)
        }
    }

    private struct Failure: Error {
        let message: String
        let offset: Int
    }

    /// An open array or object.
    private struct Container {
        let isObject: Bool
        /// The object's keys so far, raw.
        var keys: Set<[UInt8]> = []
        /// Whether an element comes next (after the opening bracket or a comma).
        var needsElement = true
        /// The closing bracket.
        var closing: UInt8 { isObject ? UInt8(ascii: "}") : UInt8(ascii: "]") }
    }

    private let bytes: [UInt8]
    private var offset = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
    }

    private func failure(_ message: String) -> Failure { Failure(message: message, offset: offset) }

    /// What the byte at the current offset is, for messages.
    private var found: String {
        guard let byte = current else { return "the end of the file" }
        if byte == UInt8(ascii: "/") { return "a comment (JSON has none)" }
        if byte == UInt8(ascii: "'") { return "a single quote (JSON strings use double quotes)" }
        if byte == UInt8(ascii: "\"") { return "a string" }
        if byte >= 0x21 && byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
        return "an unexpected character"
    }

    /// One value, then nothing but white space.
    private mutating func document() throws(Failure) {
        var stack: [Container] = []
        try value(&stack)
        while let top = stack.last {
            if !top.needsElement {
                try continueContainer(&stack)
            } else {
                stack[stack.count - 1].needsElement = false
                if top.isObject { try member(&stack) } else { try value(&stack) }
            }
        }
        skipSpace()
        guard current == nil else { throw failure("unexpected \(found) after the end of the JSON value") }
    }

    /// A value; an opening `[` or `{` of a non-empty container is pushed, its elements read by the caller.
    private mutating func value(_ stack: inout [Container]) throws(Failure) {
        skipSpace()
        switch current {
        case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
            let container = Container(isObject: current == UInt8(ascii: "{"))
            offset += 1
            skipSpace()
            if current == container.closing {
                offset += 1
            } else {
                stack.append(container)
            }
        case UInt8(ascii: "\"")?:
            _ = try string()
        case UInt8(ascii: "t")?: try literal("true")
        case UInt8(ascii: "f")?: try literal("false")
        case UInt8(ascii: "n")?: try literal("null")
        case let byte? where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39):
            try number()
        default:
            throw failure("expected a value, found \(found)")
        }
    }

    /// After an element of the innermost container: a comma (then an element is due), or its end.
    private mutating func continueContainer(_ stack: inout [Container]) throws(Failure) {
        guard let container = stack.last else { return }
        skipSpace()
        let end = container.isObject ? "\"}\"" : "\"]\""
        if current == container.closing {
            offset += 1
            stack.removeLast()
            return
        }
        guard current == UInt8(ascii: ",") else {
            throw failure("expected \",\" or \(end), found \(found): is a comma missing?")
        }
        let comma = offset
        offset += 1
        skipSpace()
        if current == container.closing {
            throw Failure(message: "trailing comma: remove the \",\" before \(end)", offset: comma)
        }
        stack[stack.count - 1].needsElement = true
    }

    /// `"key": value` inside the innermost object; a key seen before in that object is an error.
    private mutating func member(_ stack: inout [Container]) throws(Failure) {
        skipSpace()
        guard current == UInt8(ascii: "\"") else {
            throw failure("expected a key in double quotes, found \(found)")
        }
        let start = offset
        let key = try string()
        guard stack[stack.count - 1].keys.insert(key).inserted else {
            let name = String(decoding: key.dropFirst().dropLast(), as: UTF8.self)
            throw Failure(message: "duplicate key \"\(name)\": each key may appear once in an object", offset: start)
        }
        skipSpace()
        guard current == UInt8(ascii: ":") else { throw failure("expected \":\" after the key, found \(found)") }
        offset += 1
        try value(&stack)
    }

    /// A string, returned as its raw bytes with the quotes.
    private mutating func string() throws(Failure) -> [UInt8] {
        let start = offset
        offset += 1
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return Array(bytes[start..<offset])
            case UInt8(ascii: "\\"):
                offset += 1
                try escape()
            case 0x00..<0x20:
                throw failure("a control character (such as a line break) inside a string: write it as an escape like \\n")
            default:
                offset += 1
            }
        }
        throw Failure(message: "a string is not closed: add its closing double quote", offset: start)
    }

    /// The escape after a backslash.
    private mutating func escape() throws(Failure) {
        guard let byte = current else { throw failure("a string is not closed: add its closing double quote") }
        if Array(#""\/bfnrt"#.utf8).contains(byte) {
            offset += 1
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("invalid escape \\\(Character(Unicode.Scalar(byte))) in a string") }
        offset += 1
        for _ in 0..<4 {
            guard let digit = current, Self.isHexDigit(digit) else { throw failure("\\u must be followed by four hex digits") }
            offset += 1
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let expected = Array(word.utf8)
        guard offset + expected.count <= bytes.count, Array(bytes[offset..<(offset + expected.count)]) == expected else {
            throw failure("expected a value, found \(found) (strings need double quotes)")
        }
        offset += expected.count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(Failure) {
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if current == UInt8(ascii: "-") { offset += 1 }
        guard isDigit(current) else { throw failure("invalid number: expected a digit, found \(found)") }
        if current == UInt8(ascii: "0") {
            offset += 1
            if isDigit(current) { throw failure("invalid number: no leading zeros") }
        } else {
            while isDigit(current) { offset += 1 }
        }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(current) else { throw failure("invalid number: expected a digit after \".\"") }
            while isDigit(current) { offset += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(current) else { throw failure("invalid number: expected a digit in the exponent") }
            while isDigit(current) { offset += 1 }
        }
    }

    /// `message` at byte `offset`, with its line and column.
    private func mistake(_ message: String, at offset: Int) -> Mistake {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // Columns count characters: skip UTF-8 continuation bytes.
        let column = bytes[lineStart..<end].filter { $0 & 0xC0 != 0x80 }.count + 1
        return Mistake(line: line, column: column, message: message)
    }
}
