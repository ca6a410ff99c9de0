extension HandlerRegistry {
    /// Handlers added to every registry that ``standard(config:environment:queue:)`` builds in this task and
    /// its child tasks: how your own executable's Swift handlers reach `run`, `drain`, `doctor` and `serve`
    /// without a global variable.
    ///
    /// `TickMain.run(handlers:)` (and `TickServeMain.run(handlers:)`) bind it around the whole command, so
    /// every subcommand sees the same handlers; a test binds it around the code under test:
    ///
    /// ```swift
    /// var handlers = HandlerRegistry()
    /// handlers.register("greet", GreetHandler())
    /// await HandlerRegistry.$added.withValue(handlers) {
    ///     // TickEnvironment().runner(…) here runs greet jobs too
    /// }
    /// ```
    ///
    /// It is a task-local value: bound for a scope, never mutated in place, and not seen by detached tasks.
    /// A handler added here replaces a built-in or configured handler of the same name, and runs inside a
    /// ``DeadlineHandler``: its task is cancelled at the item's deadline.
    @TaskLocal public static var added = HandlerRegistry()

    /// This registry with each handler wrapped in a ``DeadlineHandler``: cancelled at its item's deadline.
    public func cancellingAtDeadlines() -> HandlerRegistry {
        var wrapped = HandlerRegistry()
        for name in names {
            guard let entry = self[name] else { continue }
            let handler = entry.handler is DeadlineHandler ? entry.handler : DeadlineHandler(entry.handler)
            wrapped.register(name, handler, itemTimeout: entry.itemTimeout, concurrencyLimit: entry.concurrencyLimit, stopOnFailure: entry.stopOnFailure)
        }
        return wrapped
    }

    /// Registers every handler of `other` into this registry, replacing handlers of the same name.
    /// - Parameter other: the handlers to add, with their timeouts and limits.
    public mutating func merge(_ other: HandlerRegistry) {
        for name in other.names {
            guard let entry = other[name] else { continue }
            register(name, entry.handler, itemTimeout: entry.itemTimeout, concurrencyLimit: entry.concurrencyLimit, stopOnFailure: entry.stopOnFailure)
        }
    }
}
