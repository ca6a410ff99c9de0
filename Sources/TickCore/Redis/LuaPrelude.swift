/// A Lua prelude cut into its top-level definitions (`local function name(...) ... end`, `local a, b = ...`), so a
/// script can carry only those its body uses, directly or through another definition it uses.
///
/// A definition starts at a line that begins with `local ` without indentation and runs to the next such line.
/// A definition is kept when one of the names it defines appears as a whole word in the body or in a kept
/// definition after it (definitions come before their users, as Lua needs). `local p = ARGV[1]` and anything
/// else named `p` is always kept. Works on UTF-8 bytes: a `tick` process builds its scripts at start-up.
struct LuaPrelude: Sendable {
    struct Definition: Sendable {
        var names: [[UInt8]]
        var source: [UInt8]
    }

    let definitions: [Definition]

    init(_ source: String) {
        var definitions: [Definition] = []
        let local = Array("local ".utf8)
        for line in Array(source.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: local) || definitions.isEmpty {
                definitions.append(Definition(names: Self.names(declaredBy: Array(line)), source: []))
            }
            definitions[definitions.count - 1].source += line
            definitions[definitions.count - 1].source.append(UInt8(ascii: "\n"))
        }
        self.definitions = definitions
    }

    /// The definitions `body` needs, in their order: one pass over the definitions, last to first, with the
    /// set of words the body and the definitions kept so far use.
    func needed(by body: String) -> String {
        var used = Self.words(in: Array(body.utf8)[...])
        var kept = [Bool](repeating: false, count: definitions.count)
        for index in definitions.indices.reversed() {
            let definition = definitions[index]
            guard definition.names.contains(where: { $0 == [UInt8(ascii: "p")] || used.contains($0) }) else { continue }
            kept[index] = true
            used.formUnion(Self.words(in: definition.source[...]))
        }
        var out: [UInt8] = []
        for index in definitions.indices where kept[index] { out += definitions[index].source }
        return String(decoding: out, as: UTF8.self)
    }

    /// The whole words of `text`: its longest runs of word bytes (letters, digits, `_`, any non-ASCII byte).
    static func words(in text: ArraySlice<UInt8>) -> Set<[UInt8]> {
        Set(text.split(omittingEmptySubsequences: true) { !isWordByte($0) }.map(Array.init))
    }

    /// `local function name(` → `[name]`; `local a, b = ...` → `[a, b]`.
    static func names(declaredBy line: [UInt8]) -> [[UInt8]] {
        var rest = line.dropFirst("local ".utf8.count)
        let function = Array("function ".utf8)
        if rest.starts(with: function) {
            rest = rest.dropFirst(function.count)
            return [Array(rest.prefix { $0 != UInt8(ascii: "(") })]
        }
        return rest.prefix { $0 != UInt8(ascii: "=") }.split(separator: UInt8(ascii: ",")).map { Array($0.filter { $0 != UInt8(ascii: " ") }) }
    }

    private static func isWordByte(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 || byte >= 128
    }
}
