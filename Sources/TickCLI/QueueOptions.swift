import ArgumentParser
import TickCore

/// Options that name the queue keys in Redis.
public struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: "Prefix of every Redis key (TICK_PREFIX).")
    public var prefix: String?

    public init() {}

    /// The flag, else `TICK_PREFIX`, else `tick`.
    public func resolvedPrefix(_ environment: [String: String]) -> String { TickEnvironment(environment).prefix(prefix) }
}
