/// A Lua script run with `EVAL` or `EVALSHA`, with its SHA-1 computed once.
///
/// The source is sent with every `EVAL` (plain `EVALSHA` can miss on Upstash's replicas), so it is kept small:
/// indentation and whole-line `--` comments are dropped when the script is made (Lua needs neither), which
/// takes about a quarter off tick's scripts.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source, as sent.
    public let source: String
    /// The lower-case hex SHA-1 of the source, as `SCRIPT LOAD` returns it.
    public let sha1: String

    /// Makes a script from its Lua source (compacted, see the type's overview).
    public init(_ source: String) {
        self.source = Self.compact(source)
        self.sha1 = Digest.hex(Digest.sha1(Array(self.source.utf8)))
    }

    /// `source` without leading whitespace, blank lines and lines that are only a comment. Safe for tick's
    /// scripts: they have no multi-line string literals (`[[...]]`), where leading spaces would be content.
    static func compact(_ source: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(source.utf8.count)
        for line in Array(source.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let code = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard !code.isEmpty, !code.starts(with: "--".utf8) else { continue }
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            out += code
        }
        return String(decoding: out, as: UTF8.self)
    }
}
