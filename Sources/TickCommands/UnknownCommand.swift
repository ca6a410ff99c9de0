import ArgumentParser
import TickCore

/// `tick bogus`: a first argument that is neither a flag nor a known command. `run` is the default command, so
/// without this check the parser would answer "Unexpected argument 'bogus'" followed by `tick run`'s usage.
enum UnknownCommand {
    /// The names a first argument may be: every subcommand of `command`, and `help`.
    static func names(of command: any ParsableCommand.Type) -> [String] {
        command.configuration.subcommands.map { $0._commandName } + ["help"]
    }

    /// The message for `arguments` (the process's, without the program name) when the first one names no
    /// command, else `nil`: the known commands and the closest one.
    static func message(for arguments: [String], known: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !known.contains(first) else { return nil }
        var message = "unknown command '\(first)'"
        if let closest = closest(to: first, among: known) { message += ": did you mean '\(closest)'?" }
        return message + (message.hasSuffix("?") ? "" : ".") + " Commands: \(known.filter { $0 != "help" }.joined(separator: ", ")) (tick --help lists them)."
    }

    /// The candidate nearest to `word` by edit distance, when close enough to be a typo (or a prefix of it).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let prefixed = candidates.first(where: { $0.hasPrefix(lowered) && lowered.count >= 2 }) { return prefixed }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(lowered), Array(candidate))
            let allowed = min(3, max(1, max(lowered.count, candidate.count) / 3))
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
