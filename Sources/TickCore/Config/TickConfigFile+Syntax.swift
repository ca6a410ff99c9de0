extension TickConfigFile {
    /// The top-level keys this version reads.
    public static let topLevelKeys: [String] = ["handlers", "schedules", "retention", "alerts", "notify", "queues"]

    /// A `NOTIFY` channel tick accepts: an unquoted PostgreSQL identifier, lower case.
    static func isValidChannel(_ name: String) -> Bool {
        guard let first = name.utf8.first, (1...63).contains(name.utf8.count), first == UInt8(ascii: "_") || (first >= 97 && first <= 122) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    /// `bytes` as JSON, checked strictly first so a mistake is reported with its line and column.
    static func syntax(_ bytes: [UInt8], path: String) throws(ConfigFileError) -> JSONValue {
        if let mistake = JSONSyntax.firstMistake(in: bytes) {
            throw ConfigFileError(
                .invalidJSON, path: path, line: mistake.line, column: mistake.column,
                "\(path):\(mistake.line):\(mistake.column): not valid JSON: \(mistake.message)")
        }
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            // Strictly valid, yet not decodable: invalid UTF-8, a number too large, or nesting too deep.
            throw ConfigFileError(
                .invalidJSON, path: path, "\(path): not valid JSON: save it as UTF-8, and check for a number out of range or nesting deeper than 512 levels")
        }
    }

    /// One warning per unknown top-level key, sorted by key, each naming the closest known key.
    static func unknownTopLevelKeys(in top: [String: JSONValue], path: String) -> [ConfigFileWarning] {
        top.keys.sorted().filter { !topLevelKeys.contains($0) }.map { key in
            ConfigFileWarning(path: path, key: key, suggestion: closest(to: key, among: topLevelKeys))
        }
    }

    /// The candidate nearest to `key`, when it is close enough to be a typo (``Spelling/closest(to:among:)``).
    static func closest(to key: String, among candidates: [String]) -> String? { Spelling.closest(to: key, among: candidates) }
}

/// A config file problem that does not stop a run: an unknown top-level key (a typo, or a key of a newer
/// version during a rolling deploy). Runs log it as a warning; `tick doctor` reports it as an error.
public struct ConfigFileWarning: Sendable, Hashable, CustomStringConvertible {
    /// The file, as given.
    public let path: String
    /// The unknown key.
    public let key: String
    /// The known key it is probably a typo of, if one is close.
    public let suggestion: String?

    /// Makes a warning.
    /// - Parameters:
    ///   - path: the file.
    ///   - key: the unknown top-level key.
    ///   - suggestion: the closest known key, if any.
    public init(path: String, key: String, suggestion: String?) {
        self.path = path
        self.key = key
        self.suggestion = suggestion
    }

    /// The sentence shown to the user, like `tick.json: unknown top-level key "handler" (ignored): did you
    /// mean "handlers"?`.
    public var description: String {
        let known = TickConfigFile.topLevelKeys.map(TickConfigFile.quoted).joined(separator: ", ")
        let head = "\(path): unknown top-level key \(TickConfigFile.quoted(key)) (ignored)"
        if let suggestion { return "\(head): did you mean \(TickConfigFile.quoted(suggestion))? This version reads \(known)" }
        return "\(head): this version reads \(known); remove it, or upgrade tick if a newer version added it"
    }
}
