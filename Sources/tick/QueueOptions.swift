import ArgumentParser

/// Options that name the queue keys in Redis.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: "Prefix of every Redis key (TICK_PREFIX).")
    var prefix: String?

    func resolvedPrefix(_ environment: [String: String]) -> String { prefix ?? environment["TICK_PREFIX"] ?? "tick" }
}
