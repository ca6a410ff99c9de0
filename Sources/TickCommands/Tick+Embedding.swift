import ArgumentParser

extension Tick {
    /// Every subcommand of `tick` but `serve` (which execs the `tick-serve` binary): for an executable that
    /// puts its own `serve` beside them, such as `TickServeMain.run(handlers:)`'s in-process one.
    public static var subcommandsExceptServe: [any ParsableCommand.Type] {
        configuration.subcommands.filter { ObjectIdentifier($0) != ObjectIdentifier(ServeCommand.self) }
    }
}
