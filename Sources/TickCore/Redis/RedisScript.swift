/// A Lua script run with `EVAL` or `EVALSHA`, with its SHA-1 computed once.
///
/// The source is sent with every `EVAL` (plain `EVALSHA` can miss on Upstash's replicas), so it is kept small:
/// indentation, whole-line `--` comments and spaces beside operators and brackets are dropped when the script is
/// made (Lua needs none of them), and `redis.call(` becomes `R(` (a local alias), which takes about a third off
/// tick's scripts.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source, as sent.
    public let source: String
    /// The lower-case hex SHA-1 of the source, as `SCRIPT LOAD` returns it.
    public let sha1: String

    /// The `EVAL` of this script with its source (one request, works on every replica), to send alone or in a pipeline.
    public func evalCommand(keys: [RedisArgument] = [], arguments: [RedisArgument]) -> RedisCommand {
        RedisCommand("EVAL", arguments: [RedisArgument(source), RedisArgument(keys.count)] + keys + arguments)
    }

    /// Makes a script from its Lua source (compacted, see the type's overview).
    public init(_ source: String) {
        self.source = Self.compact(source)
        self.sha1 = Digest.hex(Digest.sha1(Array(self.source.utf8)))
    }

    /// `source` without leading whitespace, blank lines, lines that are only a comment and spaces beside
    /// ``tight`` bytes, with `redis.call(` as `R(` after a `local R=redis.call` (outside string literals). Safe for
    /// tick's scripts: they have no multi-line string literals (`[[...]]`), where leading spaces would be content,
    /// and define no `R` of their own. Works on UTF-8 bytes: every `tick` process builds its scripts at start-up.
    static func compact(_ source: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(source.utf8.count)
        var aliased = false
        for line in Array(source.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let code = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard !code.isEmpty, !code.starts(with: "--".utf8) else { continue }
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            aliased = tighten(code, into: &out) || aliased
        }
        if aliased { out.insert(contentsOf: Array("local R=redis.call\n".utf8), at: 0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a space beside a byte can go: `=`, brackets, `,`, `;`, comparisons, `+`, `*`, `/`. Not `-` (`a - -b`
    /// would become a comment) nor `.` (`1 ..` would become a malformed number).
    private static let tight: [Bool] = (0..<256).map { "=(){}[],;<>+*/~".utf8.contains(UInt8($0)) }
    private static let call = Array("redis.call(".utf8)

    /// Whether a space sits beside a `..` whose other side is not a digit (`1..x` would be a malformed number).
    private static func concatenation(before rest: ArraySlice<UInt8>, after out: [UInt8]) -> Bool {
        let dot = UInt8(ascii: "."), digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        if rest.starts(with: [dot, dot]), let last = out.last, !digits.contains(last), last != dot { return true }
        if out.count >= 2, out[out.count - 1] == dot, out[out.count - 2] == dot, let next = rest.first, !digits.contains(next), next != dot { return true }
        return false
    }

    /// Appends one line without the spaces beside ``tight`` bytes and with `R(` for `redis.call(`, outside string
    /// literals (quoted with `'` or `"`, backslash escapes honoured). Returns whether it wrote an `R(`.
    static func tighten(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) -> Bool {
        var quote: UInt8?
        var escaped = false
        var aliased = false
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            index += 1
            if let open = quote {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = byte
            case UInt8(ascii: " "):
                let next = index < line.endIndex ? line[index] : UInt8(ascii: " ")
                let last = out.last ?? UInt8(ascii: " ")
                if next == UInt8(ascii: " ") || tight[Int(next)] || tight[Int(last)] || last == UInt8(ascii: " ") || last == UInt8(ascii: "\n") { continue }
                if concatenation(before: line[index...], after: out) { continue }
            case UInt8(ascii: "r") where line[(index - 1)...].starts(with: call):
                out += [UInt8(ascii: "R"), UInt8(ascii: "(")]
                index += call.count - 1
                aliased = true
                continue
            default: break
            }
            out.append(byte)
        }
        return aliased
    }
}
