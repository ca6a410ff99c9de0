/// One Redis command: its arguments as raw bytes, the first being the command name.
public struct RedisCommand: Sendable, Hashable {
    /// All arguments, byte-exact; `arguments[0]` is the command name.
    public var arguments: [[UInt8]]

    /// Creates a command.
    /// - Parameter arguments: The command name followed by its arguments, byte-exact.
    public init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// Creates a command from text arguments (UTF-8).
    /// - Parameter arguments: The command name followed by its arguments.
    public init(_ arguments: String...) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    /// The command name upper-cased (ASCII only), such as `SET`; empty for an empty command.
    public var name: String {
        guard let first = self.arguments.first else { return "" }
        return Self.upperASCII(first)
    }

    /// Upper-cases the ASCII letters of `bytes` and decodes them as UTF-8 (invalid bytes repaired).
    static func upperASCII(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
