import ArgumentParser

/// The path cron takes every minute, `tick run [options]`, parsed against `RunCommand` alone.
///
/// Parsing against the whole tree (19 subcommands) makes ArgumentParser reflect over the commands' options several
/// times and probe for a completion-script request, and the unknown-command check reads every command's
/// configuration: the largest share of an idle run's own work before anything is sent (docs/benchmarks.md). `tick run` with options that `RunCommand`
/// accepts is parsed here; anything else (help, version, completion scripts, a parse error) returns `nil` and
/// goes through the full tree, which prints the usual help and messages.
enum CronPath {
    /// The `run` command for `arguments` (the process's, without the program name), or `nil` to use the full tree.
    static func parse(_ arguments: [String]) -> RunCommand? {
        guard arguments.first == "run" else { return nil }
        let options = arguments.dropFirst()
        guard !options.contains(where: isBuiltIn) else { return nil }
        return (try? RunCommand.parseAsRoot(Array(options))) as? RunCommand
    }

    /// The flags ArgumentParser answers itself (help, version, completion, tool info) and `help` as a word.
    private static func isBuiltIn(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument == "-help" || argument == "help" || argument == "--version"
            || argument.hasPrefix("--generate-completion-script") || argument.hasPrefix("---") || argument == "--experimental-dump-help"
    }
}
