import ArgumentParser
import TickCore

/// `tick script NAME`: prints a queue script's Lua source, for producers that enqueue without `tick`.
struct ScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Print the Lua source of a queue script (enqueue, claim, acknowledge, stats).",
        discussion: "Producers in other languages run the enqueue script with EVAL; docs/producers.md shows how."
    )

    enum Name: String, ExpressibleByArgument, CaseIterable { case enqueue, claim, acknowledge, stats }

    @Argument(help: "The script: enqueue, claim, acknowledge or stats.")
    var name: Name

    @Flag(name: .long, help: "Print the script's SHA-1 (for EVALSHA) instead of its source.")
    var sha1 = false

    func run() {
        let script: RedisScript =
            switch name {
            case .enqueue: QueueScripts.enqueue
            case .claim: QueueScripts.claim
            case .acknowledge: QueueScripts.acknowledge
            case .stats: QueueScripts.stats
            }
        print(sha1 ? script.sha1 : script.source)
    }
}
