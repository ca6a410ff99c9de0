import ArgumentParser

/// The path cron takes every minute, `tick run [options]`, parsed against `RunCommand` alone.
///
/// Parsing against the whole tree (19 subcommands) makes ArgumentParser reflect over the commands' options several
/// times and probe for a completion-script request, and the unknown-command check reads every command's
/// configuration: the largest share of an idle run's own work before anything is sent (docs/benchmarks.md).
/// `tick run` with options that `RunCommand` accepts is parsed here. Anything else returns `nil` and goes through the
/// full tree, which prints the usual help and messages: a parse or validation error throws, and help, version,
/// completion-script and tool-info requests come back as ArgumentParser's own commands, not a `RunCommand`.
enum CronPath {
    /// The `run` command for `arguments` (the process's, without the program name), or `nil` to use the full tree.
    static func parse(_ arguments: [String]) -> RunCommand? {
        guard arguments.first == "run" else { return nil }
        return (try? RunCommand.parseAsRoot(Array(arguments.dropFirst()))) as? RunCommand
    }
}
