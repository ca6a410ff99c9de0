/// One Redis command: its name and arguments, each an arbitrary byte string.
///
/// ```swift
/// RedisCommand("SET", "job:1", payload, "EX", 60)
/// ```
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    /// The command name and its arguments, in order.
    public var arguments: [RedisArgument]

    /// Makes a command from its name and arguments.
    public init(_ name: String, _ arguments: RedisArgument...) {
        self.arguments = [RedisArgument(name)] + arguments
    }

    /// Makes a command from its name and an array of arguments.
    public init(_ name: String, arguments: [RedisArgument]) {
        self.arguments = [RedisArgument(name)] + arguments
    }

    /// The command name, upper-cased.
    public var name: String { arguments.first.map { String(decoding: $0.bytes, as: UTF8.self).uppercased() } ?? "" }

    /// The command name and argument count only: arguments may hold secrets or personal data.
    public var description: String { "\(name) (\(arguments.count - 1) arguments)" }
}

/// One argument of a ``RedisCommand``: bytes, made from a string, an integer or raw bytes.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The argument's bytes.
    public var bytes: [UInt8]

    /// An argument from raw bytes (any bytes, including NUL and invalid UTF-8).
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// An argument from text, sent as UTF-8.
    public init(_ text: String) { self.bytes = Array(text.utf8) }
    /// An argument from an integer, sent as its decimal text.
    public init(_ value: Int) { self.bytes = Array(String(value).utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(value) }

    /// The argument as a `String`, if its bytes are valid UTF-8.
    var utf8String: String? { String(validating: bytes, as: UTF8.self) }
}
