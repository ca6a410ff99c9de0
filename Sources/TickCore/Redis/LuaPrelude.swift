/// A Lua prelude cut into its top-level definitions (`local function name(...) ... end`, `local a, b = ...`), so a
/// script can carry only those its body uses, directly or through another definition it uses.
///
/// A definition starts at a line that begins with `local ` without indentation and runs to the next such line.
/// A definition is kept when one of the names it defines appears as a whole word in the body or in a kept
/// definition after it (definitions come before their users, as Lua needs). `local p = ARGV[1]` and anything
/// else named `p` is always kept.
struct LuaPrelude: Sendable {
    struct Definition: Sendable {
        var names: [String]
        var source: String
    }

    let definitions: [Definition]

    init(_ source: String) {
        var definitions: [Definition] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("local ") || definitions.isEmpty {
                definitions.append(Definition(names: Self.names(declaredBy: line), source: ""))
            }
            definitions[definitions.count - 1].source += line + "\n"
        }
        self.definitions = definitions
    }

    /// The definitions `body` needs, in their order.
    func needed(by body: String) -> String {
        var text = body
        var kept = [Bool](repeating: false, count: definitions.count)
        for index in definitions.indices.reversed() {
            let definition = definitions[index]
            guard definition.names.contains(where: { $0 == "p" || Self.mentions(text, $0) }) else { continue }
            kept[index] = true
            text += definition.source
        }
        return definitions.indices.filter { kept[$0] }.map { definitions[$0].source }.joined()
    }

    /// `local function name(` → `[name]`; `local a, b = ...` → `[a, b]`.
    static func names(declaredBy line: Substring) -> [String] {
        var rest = line.dropFirst("local ".count)
        if rest.hasPrefix("function ") {
            rest = rest.dropFirst("function ".count)
            return [String(rest.prefix { $0 != "(" })]
        }
        return rest.prefix { $0 != "=" }.split(separator: ",").map { String($0.filter { $0 != " " }) }
    }

    /// Whether `name` appears in `text` as a whole word.
    static func mentions(_ text: String, _ name: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text[searchStart...].firstRange(of: name) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !isWordCharacter(before), !isWordCharacter(after) { return true }
            searchStart = range.upperBound
        }
        return false
    }

    private static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "_"
    }
}
