/// A Redis reply as the Upstash REST API carries it: `null`, an integer, a (binary) string, an array,
/// or, inside a pipeline or transaction result, an error.
public enum RedisValue: Sendable, Hashable {
    case null
    case integer(Int64)
    /// A string reply's bytes (decoded from base64, so binary-safe).
    case bytes([UInt8])
    case array([RedisValue])
    /// An error reply for one command of a pipeline or transaction, such as `WRONGTYPE ...`.
    case error(String)

    /// The reply as text, when it is a string (invalid UTF-8 is repaired) or an integer.
    public var string: String? {
        switch self {
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// The reply as an integer, when it is one or a string of digits.
    public var int: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .bytes(let bytes): Int(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array reply; `nil` for any other reply.
    public var array: [RedisValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    /// Whether the reply is `null`.
    public var isNull: Bool { self == .null }

    /// The error text, when the reply is an error.
    public var errorMessage: String? {
        if case .error(let message) = self { message } else { nil }
    }
}
