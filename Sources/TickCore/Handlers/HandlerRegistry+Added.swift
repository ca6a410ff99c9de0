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
    /// A handler added here replaces a built-in or configured handler of the same name.
    @TaskLocal public static var added = HandlerRegistry()

    /// Registers every handler of `other` into this registry, replacing handlers of the same name.
    /// - Parameter other: the handlers to add, with their timeouts and limits.
    public mutating func merge(_ other: HandlerRegistry) {
        for name in other.names {
            guard let entry = other[name] else { continue }
            register(name, entry.handler, itemTimeout: entry.itemTimeout, concurrencyLimit: entry.concurrencyLimit, stopOnFailure: entry.stopOnFailure)
        }
    }
}
