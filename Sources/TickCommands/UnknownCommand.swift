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

    /// The candidate `word` begins, or the nearest by edit distance when close enough to be a typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let prefixed = candidates.first(where: { $0.hasPrefix(lowered) && lowered.count >= 2 }) { return prefixed }
        return Spelling.closest(to: lowered, among: candidates)
    }
}
