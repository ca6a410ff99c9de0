/// Removes a connection string's password from any text before tick prints it.
///
/// libpq's messages do not normally contain the password, but a malformed string is quoted back
/// (`invalid percent-encoded token: "…"`), and a password libpq could not parse is not known to it.
/// So the redactor removes both the password libpq parsed and every password-looking part of the raw
/// string: the URI user-info after the first `:`, a `password=` query parameter, and a `password=`
/// key/value pair, each raw and percent-decoded.
struct PQRedactor: Sendable {
    private let secrets: [Secret]

    /// A redactor for one connection string.
    /// - Parameters:
    ///   - conninfo: the raw connection string.
    ///   - parsedPassword: the password libpq parsed from it, if any.
    init(conninfo: String, parsedPassword: String?) {
        var candidates = Self.passwordCandidates(in: conninfo)
        if let parsedPassword { candidates.append(parsedPassword) }
        let unique = Set(candidates.flatMap { [$0, Self.percentDecoded($0)] }).filter { !$0.isEmpty }
        // Longest first, so a password containing a shorter candidate is removed whole.
        self.secrets = unique.sorted { $0.count > $1.count }.map(Secret.init)
    }

    private init(secrets: [Secret]) { self.secrets = secrets }

    /// A redactor that also removes `extra` (for example the password libpq really used).
    func adding(_ extra: String?) -> PQRedactor {
        guard let extra, !extra.isEmpty, !secrets.contains(Secret(extra)) else { return self }
        return PQRedactor(secrets: (secrets + [Secret(extra)]).sorted { $0.revealed.count > $1.revealed.count })
    }

    /// `text` with every known password replaced by `***`.
    func callAsFunction(_ text: String) -> String {
        secrets.reduce(text) { $1.redact($0) }
    }

    /// Every part of a connection string that may be a password, without judging whether it parses.
    static func passwordCandidates(in conninfo: String) -> [String] {
        var candidates: [String] = []
        let text = PQText.trimmed(conninfo)
        for scheme in ["postgresql://", "postgres://"] where text.lowercased().hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    candidates.append(String(userInfo[userInfo.index(after: colon)...]))
                }
                // A password containing an unencoded "@" or "/" is split by libpq: keep the pieces too.
                candidates.append(contentsOf: authority[..<at].split(separator: "@").dropFirst().map(String.init))
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "password" { candidates.append(String(parts[1])) }
                }
            }
        }
        candidates.append(contentsOf: keyValuePasswords(in: text))
        return candidates
    }

    /// The values of `password=` pairs in a key/value string (quoted values may contain spaces).
    private static func keyValuePasswords(in text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let range = rest.firstRange(of: "password") {
            var index = range.upperBound
            rest = rest[index...]
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            guard index < text.endIndex, text[index] == "=" else { continue }
            index = text.index(after: index)
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
            var value = ""
            if index < text.endIndex, text[index] == "'" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "'" {
                    if text[index] == "\\", text.index(after: index) < text.endIndex {
                        index = text.index(after: index)
                    }
                    value.append(text[index])
                    index = text.index(after: index)
                }
            } else {
                while index < text.endIndex, text[index] != " " {
                    value.append(text[index])
                    index = text.index(after: index)
                }
            }
            result.append(value)
            rest = text[index...]
        }
        return result
    }

    /// `%XX` sequences decoded as UTF-8; invalid sequences are kept as written.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        return String(decoding: PercentDecoding.decode(text.utf8), as: UTF8.self)
    }
}
