/// Suggestions for a mistyped word: the unknown key of a config file, an unknown subcommand.
public enum Spelling: Sendable {
    /// The candidate nearest to `word` by edit distance (case-insensitive), when it is close enough to be a
    /// typo: at most a third of the longer word's characters differ (at least 1, at most 3).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let letters = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(letters, Array(candidate.lowercased()))
            let allowed = min(3, max(1, max(letters.count, candidate.count) / 3))
            if distance <= allowed, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
