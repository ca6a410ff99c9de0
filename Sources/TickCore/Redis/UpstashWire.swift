#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Upstash REST wire format: commands as JSON arrays of strings out, `{"result"}`/`{"error"}` in,
/// with `Upstash-Encoding: base64` so every string reply is binary-safe.
enum UpstashWire {
    /// Encodes commands as a JSON array of strings, or (when `nested`) an array of such arrays.
    /// - Returns: the JSON bytes, or the index of the first argument that is not valid UTF-8.
    static func encode(_ commands: [RedisCommand], nested: Bool) -> Result<[UInt8], InvalidArgument> {
        var out: [UInt8] = []
        out.reserveCapacity(commands.reduce(2) { $0 + $1.arguments.reduce(4) { $0 + $1.bytes.count + 3 } })
        if nested { out.append(UInt8(ascii: "[")) }
        for (c, command) in commands.enumerated() {
            if c > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (a, argument) in command.arguments.enumerated() {
                if a > 0 { out.append(UInt8(ascii: ",")) }
                guard isUTF8(argument.bytes) else {
                    return .failure(InvalidArgument(command: c, argument: a))
                }
                JSONText.appendQuoted(argument.bytes, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if nested { out.append(UInt8(ascii: "]")) }
        return .success(out)
    }

    /// Whether `bytes` are valid UTF-8, without building a `String` when they are ASCII (nearly every argument).
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
    }

    struct InvalidArgument: Error {
        var command: Int
        var argument: Int
    }

    /// Percent-encodes one path segment for the path-style request form.
    static func pathSegment(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return out
    }

    /// One `{"result": ...}` or `{"error": "..."}` object.
    struct Envelope {
        /// The `result` member (`.null` when the reply is an error).
        var reply: JSONValue
        /// The `error` member.
        var error: String?

        /// Reads an envelope from a parsed JSON object; `nil` when it is not one.
        init?(_ json: JSONValue) {
            guard case .object(let members) = json else { return nil }
            if let error = members["error"] {
                guard case .string(let message) = error else { return nil }
                self.error = message
                self.reply = .null
            } else if let result = members["result"] {
                self.reply = result
            } else {
                return nil
            }
        }

        /// The reply as a ``RedisValue``, decoding base64 strings.
        func value() throws(WireError) -> RedisValue {
            if let error { return .error(error) }
            return try Self.redisValue(reply)
        }

        /// A `result` value: `null`, integer, base64 string (or `OK`) or array of these; a double is kept as its text.
        static func redisValue(_ json: JSONValue) throws(WireError) -> RedisValue {
            switch json {
            case .null: return .null
            case .integer(let value): return .integer(value)
            case .double(let value): return .bytes(Array(String(value).utf8))
            case .string(let text):
                if text == "OK" { return .bytes(Array("OK".utf8)) }
                guard let data = Data(base64Encoded: text) else { throw WireError(detail: "a string reply is not base64 although Upstash-Encoding: base64 was asked for") }
                return .bytes(Array(data))
            case .array(let values):
                var out: [RedisValue] = []
                out.reserveCapacity(values.count)
                for value in values { out.append(try redisValue(value)) }
                return .array(out)
            case .bool, .object: throw WireError(detail: "unexpected JSON value in a reply")
            }
        }
    }

    struct WireError: Error { var detail: String }

    /// Decodes the body of a single-command reply.
    static func decodeEnvelope(_ body: [UInt8]) throws(WireError) -> Envelope {
        guard let json = try? JSONParser.parse(body), let envelope = Envelope(json) else {
            throw WireError(detail: "the body is not an Upstash reply object: \(preview(body))")
        }
        return envelope
    }

    /// Decodes the body of a pipeline or transaction reply: an array of envelopes.
    static func decodeEnvelopes(_ body: [UInt8]) throws(WireError) -> [Envelope] {
        guard case .array(let values)? = try? JSONParser.parse(body) else {
            throw WireError(detail: "the body is not an array of Upstash replies: \(preview(body))")
        }
        var envelopes: [Envelope] = []
        envelopes.reserveCapacity(values.count)
        for value in values {
            guard let envelope = Envelope(value) else { throw WireError(detail: "the body is not an array of Upstash replies: \(preview(body))") }
            envelopes.append(envelope)
        }
        return envelopes
    }

    /// The start of a body, for error messages.
    static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(120), as: UTF8.self)
        return body.count > 120 ? text + "…" : text
    }
}
