import ArgumentParser
import TickCLI
import TickCore

/// `tick pause`: runs skip the named queues until `tick resume`.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause queues: runs lease nothing from them until tick resume (one request).",
        discussion: """
            Jobs can still be enqueued into a paused queue. Jobs already running are not stopped: they finish, \
            or go back to ready at the end of their run. Delayed jobs still become ready and expired leases are \
            still taken back. tick stats, tick doctor and the dashboard show the queue as paused.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Argument(help: "The queues to pause.")
    var queues: [String] = []
    @Flag(name: .long, help: "Pause every queue, including queues created later.")
    var all = false

    func validate() throws {
        if queues.isEmpty != all { throw ValidationError("name the queues to pause, or --all (not both)") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            let queue = try environment.queue(prefix: environment.prefix(queueOptions.prefix))
            try await queue.pause(all ? [QueueKeys.allQueues] : queues)
            print(all ? "every queue paused: runs lease nothing until tick resume --all" : "paused: \(queues.joined(separator: ", "))")
        }
    }
}

/// `tick resume`: runs claim from the named queues again.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume paused queues (one request).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Argument(help: "The queues to resume.")
    var queues: [String] = []
    @Flag(name: .long, help: "Resume every queue, and lift a pause of --all.")
    var all = false

    func validate() throws {
        if queues.isEmpty != all { throw ValidationError("name the queues to resume, or --all (not both)") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            let queue = try environment.queue(prefix: environment.prefix(queueOptions.prefix))
            let resumed = try await queue.resume(all ? nil : queues)
            if all {
                print("every queue resumed (\(resumed.count) pause\(resumed.count == 1 ? "" : "s") lifted)")
                return
            }
            let unpaused = queues.count - resumed.count
            print("resumed: \(queues.joined(separator: ", "))\(unpaused > 0 ? " (\(unpaused) were not paused)" : "")")
            if resumed.allStillPaused, !global.quiet {
                printWarning("every queue is still paused by tick pause --all: run tick resume --all to lift it")
            }
        }
    }
}
