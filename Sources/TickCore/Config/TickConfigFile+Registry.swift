#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TickConfigFile {
    /// The handlers of this file, ready to run.
    ///
    /// Each handler's item timeout is its `timeout_ms`, else ``defaultItemTimeout`` (60 s).
    /// - Parameter inheritedEnvironment: the environment `exec` commands inherit (tick's secrets are removed
    ///   from it); `nil` (the default) takes the worker process's environment now.
    /// - Returns: a registry with one entry per configured handler.
    public func registry(inheritedEnvironment: [String: String]? = nil) -> HandlerRegistry {
        var registry = HandlerRegistry()
        register(into: &registry, inheritedEnvironment: inheritedEnvironment)
        return registry
    }

    /// Adds this file's handlers to `registry`, replacing handlers of the same name (such as built-ins).
    /// - Parameters:
    ///   - registry: the registry to add to.
    ///   - inheritedEnvironment: the environment `exec` commands inherit; `nil` takes the worker's.
    public func register(into registry: inout HandlerRegistry, inheritedEnvironment: [String: String]? = nil) {
        let environment = inheritedEnvironment ?? ProcessInfo.processInfo.environment
        for name in handlers.keys.sorted() {
            guard let entry = handlers[name] else { continue }
            let timeout = entry.itemTimeout ?? Self.defaultItemTimeout
            switch entry.kind {
            case .exec(let configuration):
                registry.register(name, ExecHandler(configuration, inheritedEnvironment: environment), itemTimeout: timeout)
            case .noop:
                registry.register(name, NoopHandler(), itemTimeout: timeout)
            }
        }
    }
}
