/// How strings in a successful reply are written, chosen by the `Upstash-Encoding` request header.
public enum ReplyEncoding: Sendable, Hashable {
    /// Strings are JSON strings; invalid UTF-8 is replaced by U+FFFD (as Upstash does).
    case plain
    /// Every bulk and status string, recursively in arrays, is base64-encoded, except the exact
    /// string `OK`. Error texts are never encoded.
    case base64
}

/// Writes the gateway's JSON replies by hand: the set of shapes is small and this avoids
/// building intermediate objects for every response.
///
/// Shapes: `{"result":<value>}`, `{"error":"..."}` and arrays of those. A value is `null`, an integer,
/// a string or an array of values. An error nested inside an array value (from a Lua script or
/// inside EXEC results below the top level) is written as a plain JSON string.
struct JSONReplyWriter {
    /// The JSON written so far.
    private(set) var bytes: [UInt8] = []
    /// How strings are written.
    let encoding: ReplyEncoding

    /// Creates an empty writer.
    /// - Parameter encoding: How strings in values are written.
    init(encoding: ReplyEncoding) {
        self.encoding = encoding
        self.bytes.reserveCapacity(64)
    }

    /// `{"result":...}` for a single command, or `{"error":"..."}` when the reply is an error.
    static func single(_ reply: RESPValue, encoding: ReplyEncoding) -> [UInt8] {
        var writer = JSONReplyWriter(encoding: encoding)
        writer.writeEntry(reply)
        return writer.bytes
    }

    /// `[{"result":...}|{"error":"..."}, ...]` for a pipeline or a committed transaction.
    static func entries(_ replies: [RESPValue], encoding: ReplyEncoding) -> [UInt8] {
        var writer = JSONReplyWriter(encoding: encoding)
        writer.bytes.append(UInt8(ascii: "["))
        for (offset, reply) in replies.enumerated() {
            if offset > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            writer.writeEntry(reply)
        }
        writer.bytes.append(UInt8(ascii: "]"))
        return writer.bytes
    }

    /// `{"error":"..."}`.
    static func error(_ message: String) -> [UInt8] {
        var writer = JSONReplyWriter(encoding: .plain)
        writer.writeError(message)
        return writer.bytes
    }

    // MARK: Pieces

    private mutating func writeEntry(_ reply: RESPValue) {
        if case .error(let message) = reply {
            self.writeError(message)
            return
        }
        self.bytes.append(contentsOf: #"{"result":"#.utf8)
        self.writeValue(reply)
        self.bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeError(_ message: String) {
        self.bytes.append(contentsOf: #"{"error":"#.utf8)
        self.writeJSONString(Array(message.utf8))
        self.bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: RESPValue) {
        switch value {
        case .null:
            self.bytes.append(contentsOf: "null".utf8)
        case .integer(let integer):
            self.bytes.append(contentsOf: String(integer).utf8)
        case .bulkString(let string), .status(let string):
            self.writeEncodedString(string)
        case .error(let message):
            self.writeJSONString(Array(message.utf8))
        case .array(let elements):
            self.bytes.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { self.bytes.append(UInt8(ascii: ",")) }
                self.writeValue(element)
            }
            self.bytes.append(UInt8(ascii: "]"))
        }
    }

    private static let ok: [UInt8] = [UInt8(ascii: "O"), UInt8(ascii: "K")]

    private mutating func writeEncodedString(_ string: [UInt8]) {
        switch self.encoding {
        case .base64 where string != Self.ok:
            self.bytes.append(UInt8(ascii: "\""))
            Base64.encode(string, into: &self.bytes)
            self.bytes.append(UInt8(ascii: "\""))
        case .base64, .plain:
            self.writeJSONString(string)
        }
    }

    /// Writes `string` as a JSON string literal; invalid UTF-8 becomes U+FFFD.
    private mutating func writeJSONString(_ string: [UInt8]) {
        self.bytes.append(UInt8(ascii: "\""))
        if string.allSatisfy({ $0 < 0x80 }) {
            self.appendEscaped(string)
        } else {
            // Repairs invalid sequences with U+FFFD.
            self.appendEscaped(String(decoding: string, as: UTF8.self).utf8)
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ utf8: some Sequence<UInt8>) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"):
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F:
                self.bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                ])
                self.bytes.append(Self.hexDigits[Int(byte >> 4)])
                self.bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default:
                self.bytes.append(byte)
            }
        }
    }
}
