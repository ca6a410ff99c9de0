#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TickConfigFile {
    /// The handlers of this file, ready to run.
    ///
    /// Each handler's item timeout is its `timeout_ms`, else ``defaultItemTimeout`` (60 s).
    /// - Parameters:
    ///   - inheritedEnvironment: the environment `exec` commands inherit (tick's secrets are removed from
    ///     it); `nil` (the default) takes the worker process's environment now.
    ///   - queue: the queue whose Redis holds `http` handlers' rates; without it a rate is not enforced.
    /// - Returns: a registry with one entry per configured handler.
    public func registry(inheritedEnvironment: [String: String]? = nil, queue: JobQueue? = nil) -> HandlerRegistry {
        var registry = HandlerRegistry()
        register(into: &registry, inheritedEnvironment: inheritedEnvironment, queue: queue)
        return registry
    }

    /// Adds this file's handlers to `registry`, replacing handlers of the same name (such as built-ins).
    /// - Parameters:
    ///   - registry: the registry to add to.
    ///   - inheritedEnvironment: the environment `exec` commands inherit; `nil` takes the worker's.
    ///   - queue: the queue whose Redis holds `http` handlers' rates.
    public func register(into registry: inout HandlerRegistry, inheritedEnvironment: [String: String]? = nil, queue: JobQueue? = nil) {
        let environment = inheritedEnvironment ?? ProcessInfo.processInfo.environment
        // One connection pool (and thread) for every http handler, so calls to one host share connections.
        var driver: CurlMultiDriver?
        for name in handlers.keys.sorted() {
            guard let entry = handlers[name] else { continue }
            let timeout = entry.itemTimeout ?? Self.defaultItemTimeout
            let stop = entry.stopOnFailure
            switch entry.kind {
            case .exec(let configuration):
                registry.register(name, ExecHandler(configuration, inheritedEnvironment: environment), itemTimeout: timeout, stopOnFailure: stop)
            case .noop:
                registry.register(name, NoopHandler(), itemTimeout: timeout, stopOnFailure: stop)
            case .http(let configuration):
                let shared = driver ?? CurlMultiDriver()
                driver = shared
                let handler = HTTPHandler(configuration, name: name, rateWindows: queue?.rateWindows, driver: shared)
                registry.register(name, handler, itemTimeout: timeout, concurrencyLimit: configuration.concurrency, stopOnFailure: stop)
            }
        }
    }
}

extension TickConfigFile {
    /// The config file a run uses: `configPath`, else `TICK_CONFIG`, else `tick.json` in the working
    /// directory when it exists.
    /// - Parameters:
    ///   - configPath: the file named by `--config`, if any.
    ///   - environment: `TICK_CONFIG`, and the variables `${NAME}` in http handlers refer to.
    /// - Returns: the file, or `nil` when none is named and there is no `tick.json`.
    /// - Throws: ``ConfigFileError`` (exit code 78) when a named file is missing or any file is invalid.
    public static func standard(configPath: String?, environment: [String: String]) throws(ConfigFileError) -> TickConfigFile? {
        let explicit = configPath ?? environment["TICK_CONFIG"]
        do {
            return try TickConfigFile.load(path: explicit ?? TickConfigFile.defaultPath, environment: environment)
        } catch {
            // No tick.json in the working directory (and none named): no config file.
            if error.isMissingFile, explicit == nil { return nil }
            throw error
        }
    }
}

extension HandlerRegistry {
    /// The handlers a run uses: the built-ins (`noop`: succeeds at once, for smoke tests and benchmarks;
    /// `sleep`: waits the payload's `ms`, default 50, simulated work for demos), then the config file's,
    /// which replace built-ins of the same name, then the Swift handlers of your own executable
    /// (``added``, bound by `TickMain.run(handlers:)`, each cancelled at its item's deadline by a
    /// ``DeadlineHandler``), which replace both. `tick run`, `tick drain`,
    /// `tick doctor` and `tick serve` all build their handlers here, so a job behaves the same whichever way
    /// its tick was started.
    /// - Parameters:
    ///   - config: the config file (``TickConfigFile/standard(configPath:environment:)``), if any.
    ///   - environment: the process environment, which `exec` commands inherit (less tick's secrets).
    ///   - queue: the queue whose Redis holds `http` handlers' rates.
    public static func standard(config: TickConfigFile?, environment: [String: String], queue: JobQueue?) -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        registry.register("sleep", SleepHandler())
        config?.register(into: &registry, inheritedEnvironment: environment, queue: queue)
        registry.merge(added.cancellingAtDeadlines())
        return registry
    }

    /// ``standard(config:environment:queue:)`` with the config file found as
    /// ``TickConfigFile/standard(configPath:environment:)`` finds it.
    /// - Throws: ``ConfigFileError`` (exit code 78) when a named file is missing or any file is invalid.
    public static func standard(configPath: String?, environment: [String: String], queue: JobQueue?) throws(ConfigFileError) -> HandlerRegistry {
        standard(config: try TickConfigFile.standard(configPath: configPath, environment: environment), environment: environment, queue: queue)
    }
}
