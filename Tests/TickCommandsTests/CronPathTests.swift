import ArgumentParser
import Testing
import TickCLI

@testable import TickCommands

/// `tick run …` parsed against `RunCommand` alone (the cron path) must mean what the full tree makes of it, and
/// whatever the cron path does not take must be left to the full tree.
@Suite("the cron path")
struct CronPathTests {
    /// What a parsed `run` means, field by field.
    static func meaning(_ command: RunCommand) -> String {
        let global = command.global, flags = command.runOptions
        return [
            "\(String(describing: global.logLevel))", global.logFormat.rawValue, "\(global.quiet)", "\(global.verbose)",
            global.color.rawValue, "\(String(describing: command.queueOptions.prefix))", flags.queue.joined(separator: "|"),
            "\(flags.batch)", "\(flags.concurrency)", "\(flags.budget)", "\(flags.leaseMargin)",
            "\(String(describing: flags.config))", "\(String(describing: command.trigger))",
        ].joined(separator: " ")
    }

    @Test(
        "parses each accepted command line as the full tree does",
        arguments: [
            ["run"],
            ["run", "--budget", "50"],
            ["run", "--budget=12.5", "--batch", "7", "--concurrency", "3", "--lease-margin", "4"],
            ["run", "--queue", "emails", "--queue", "reports", "--prefix", "app1"],
            ["run", "-v", "-v", "--log-format", "json", "--color", "never"],
            ["run", "-vv"],
            ["run", "-q", "--trigger", "http", "--config", "/etc/tick/tick.json"],
            ["run", "--trigger=manual", "--batch=1"],
        ]
    )
    func sameMeaning(arguments: [String]) throws {
        let fast = try #require(CronPath.parse(arguments), "the cron path refused \(arguments)")
        let full = try #require(try Tick.parseAsRoot(arguments) as? RunCommand)
        #expect(Self.meaning(fast) == Self.meaning(full))
    }

    @Test(
        "leaves help, version, completions, other commands and every parse error to the full tree",
        arguments: [
            [], ["drain"], ["--budget", "5"], ["run", "--help"], ["run", "-h"], ["run", "help"], ["run", "--version"],
            ["run", "--generate-completion-script", "bash"], ["run", "--batch", "many"], ["run", "--bogus"],
            ["run", "extra"], ["run", "--trigger", "sometimes"], ["run", "--budget"], ["run", "-v", "--log-level", "debug"],
        ]
    )
    func leftToTheFullTree(arguments: [String]) {
        #expect(CronPath.parse(arguments) == nil)
    }
}
