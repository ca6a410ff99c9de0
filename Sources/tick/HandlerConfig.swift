import TickCore

/// The handlers `tick` runs: the built-in ones, plus those of the config file.
enum HandlerConfig {
    /// Built-in handlers, always present: `noop` (succeeds at once; for smoke tests and benchmarks) and
    /// `sleep` (waits the payload's `ms`, default 50; simulated work for demos).
    static func builtIns() -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        registry.register("sleep", SleepHandler())
        return registry
    }

    /// The registry for a run: built-ins, then the config file (`--config`, `TICK_CONFIG`, or `tick.json`
    /// when it exists), whose handlers replace built-ins of the same name.
    static func registry(path: String?, environment: [String: String]) throws -> HandlerRegistry {
        var registry = builtIns()
        let explicit = path ?? environment["TICK_CONFIG"]
        let file: TickConfigFile
        do {
            file = try TickConfigFile.load(path: explicit ?? TickConfigFile.defaultPath)
        } catch {
            // No tick.json in the working directory (and none named): the built-in handlers only.
            if error.isMissingFile, explicit == nil { return registry }
            throw error
        }
        file.register(into: &registry, inheritedEnvironment: environment)
        return registry
    }
}
