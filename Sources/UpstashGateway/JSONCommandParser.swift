/// Parses the JSON bodies of `POST /`, `/pipeline` and `/multi-exec` straight into byte arguments.
///
/// A small hand-written parser instead of Foundation's: it keeps string arguments byte-exact,
/// keeps integer literals exact however long they are, and rejects what Redis cannot take.
///
/// Element rules (documented in the README of the gateway):
/// - a string is passed as its UTF-8 bytes (escapes decoded; a lone surrogate becomes U+FFFD);
/// - an integer literal is passed as written (`100`, `-7`); another number with an integral value is
///   passed without a fraction (`1.0` and `1e2` become `1` and `100`), any other number in its shortest
///   round-trip form (`1.5`);
/// - `true`/`false` are passed as the strings `true`/`false` (what `JSON.stringify` or `str()` would give);
/// - `null`, nested arrays and objects are rejected with HTTP 400.
struct JSONCommandParser {
    private let bytes: [UInt8]
    private var index: Int = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `["CMD", arg, ...]`.
    /// - Parameter body: The request body.
    /// - Returns: The command.
    /// - Throws: ``GatewayError`` with code `badRequest` when the body is not such an array.
    static func parseCommand(_ body: [UInt8]) throws(GatewayError) -> RedisCommand {
        var parser = JSONCommandParser(body)
        let command = try parser.parseFlatArray()
        try parser.expectEnd()
        return command
    }

    /// Parses `[["CMD", arg, ...], ...]`.
    /// - Parameter body: The request body.
    /// - Returns: The commands, in order.
    /// - Throws: ``GatewayError`` with code `badRequest` when the body is not such an array.
    static func parseCommandList(_ body: [UInt8]) throws(GatewayError) -> [RedisCommand] {
        var parser = JSONCommandParser(body)
        var commands: [RedisCommand] = []
        parser.skipWhitespace()
        try parser.expect(UInt8(ascii: "["), "expected a JSON array of commands")
        parser.skipWhitespace()
        if parser.peek() == UInt8(ascii: "]") {
            parser.index += 1
        } else {
            while true {
                parser.skipWhitespace()
                guard parser.peek() == UInt8(ascii: "[") else {
                    throw Self.error("each command must be a JSON array such as [\"SET\",\"key\",\"value\"]")
                }
                commands.append(try parser.parseFlatArray())
                parser.skipWhitespace()
                if try parser.endOfList() { break }
            }
        }
        try parser.expectEnd()
        return commands
    }

    // MARK: Structure

    private mutating func parseFlatArray() throws(GatewayError) -> RedisCommand {
        self.skipWhitespace()
        try self.expect(UInt8(ascii: "["), "expected a JSON array such as [\"SET\",\"key\",\"value\"]")
        var arguments: [[UInt8]] = []
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "]") {
            self.index += 1
            return RedisCommand(arguments: arguments)
        }
        while true {
            self.skipWhitespace()
            arguments.append(try self.parseScalar())
            self.skipWhitespace()
            if try self.endOfList() { break }
        }
        return RedisCommand(arguments: arguments)
    }

    /// After an element: consumes `,` (returns false) or `]` (returns true).
    private mutating func endOfList() throws(GatewayError) -> Bool {
        switch self.peek() {
        case UInt8(ascii: ","):
            self.index += 1
            return false
        case UInt8(ascii: "]"):
            self.index += 1
            return true
        default:
            throw Self.error("expected ',' or ']' at offset \(self.index)")
        }
    }

    private mutating func parseScalar() throws(GatewayError) -> [UInt8] {
        guard let byte = self.peek() else { throw Self.error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "\""):
            return try self.parseString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try self.parseNumber()
        case UInt8(ascii: "t"):
            try self.expectLiteral("true")
            return Array("true".utf8)
        case UInt8(ascii: "f"):
            try self.expectLiteral("false")
            return Array("false".utf8)
        case UInt8(ascii: "n"):
            try self.expectLiteral("null")
            throw Self.error("null is not a valid command argument")
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw Self.error("command arguments must be strings, numbers or booleans, not nested arrays or objects")
        default:
            throw Self.error("unexpected character at offset \(self.index)")
        }
    }

    // MARK: Scalars

    private mutating func parseString() throws(GatewayError) -> [UInt8] {
        self.index += 1  // opening quote
        var out: [UInt8] = []
        var runStart = self.index
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: self.bytes[runStart..<self.index])
                self.index += 1
                return out
            }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: self.bytes[runStart..<self.index])
                self.index += 1
                try self.parseEscape(into: &out)
                runStart = self.index
                continue
            }
            if byte < 0x20 {
                throw Self.error("unescaped control character in string at offset \(self.index)")
            }
            self.index += 1
        }
        throw Self.error("unterminated string")
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(GatewayError) {
        guard let byte = self.peek() else { throw Self.error("unterminated escape") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try self.parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by `\uDC00`-`\uDFFF`.
                if self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                {
                    let save = self.index
                    self.index += 2
                    let low = try self.parseHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        self.index = save
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            let unicodeScalar = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: String(Character(unicodeScalar)).utf8)
        default:
            throw Self.error("invalid escape '\\\(Unicode.Scalar(byte))' in string")
        }
    }

    private mutating func parseHex4() throws(GatewayError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw Self.error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(GatewayError) -> [UInt8] {
        let start = self.index
        while let byte = self.peek(), Self.isNumberByte(byte) {
            self.index += 1
        }
        let literal = Array(self.bytes[start..<self.index])
        let text = String(decoding: literal, as: UTF8.self)
        let digits = literal.first == UInt8(ascii: "-") ? literal.dropFirst() : literal[...]
        if !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) {
            // `-?digits`: passed exactly as written, however long.
            return literal
        }
        guard let value = Double(text), value.isFinite else {
            throw Self.error("invalid number '\(text)'")
        }
        if value == value.rounded(), abs(value) < 9.0e15 {
            return Array(String(Int64(value)).utf8)
        }
        return Array(value.description.utf8)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    // MARK: Helpers

    private func peek() -> UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            self.index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(GatewayError) {
        guard self.peek() == byte else { throw Self.error(message) }
        self.index += 1
    }

    private mutating func expectLiteral(_ literal: String) throws(GatewayError) {
        let utf8 = Array(literal.utf8)
        guard self.index + utf8.count <= self.bytes.count,
            Array(self.bytes[self.index..<(self.index + utf8.count)]) == utf8
        else {
            throw Self.error("unexpected character at offset \(self.index)")
        }
        self.index += utf8.count
    }

    private mutating func expectEnd() throws(GatewayError) {
        self.skipWhitespace()
        guard self.index == self.bytes.count else {
            throw Self.error("unexpected data after the JSON value at offset \(self.index)")
        }
    }

    private static func error(_ detail: String) -> GatewayError {
        GatewayError(.badRequest, "ERR failed to parse command: \(detail)")
    }
}
