import ArgumentParser
import TickCommands
import TickCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry points of executables that include the HTTP server: your own `tick` with Swift handlers, and the
/// stock `tick-serve`.
///
/// ```swift
/// // Sources/my-tick/main.swift
/// import TickCore
/// import TickServe
///
/// var handlers = HandlerRegistry()
/// handlers.register("greet", GreetHandler())
/// await TickServeMain.run(handlers: handlers)
/// ```
public enum TickServeMain: Sendable {
    /// Runs a complete `tick` (every subcommand, the same flags, exit codes and summary) whose `serve` runs
    /// the HTTP server in this process, with `handlers` added to the built-in and configured handlers of
    /// every subcommand. Exits with the subcommand's exit code.
    /// - Parameter handlers: your Swift handlers; each replaces a built-in or configured handler of its name.
    public static func run(handlers: HandlerRegistry = HandlerRegistry()) async {
        await HandlerRegistry.$added.withValue(handlers) {
            await TickWithServer.main()
        }
    }

    /// Runs the `tick-serve` command (what the stock `tick serve` execs) with `handlers` added.
    /// - Parameter handlers: Swift handlers for the server's ticks.
    public static func runServer(handlers: HandlerRegistry = HandlerRegistry()) async {
        await HandlerRegistry.$added.withValue(handlers) {
            await TickServeCommand.main()
        }
    }
}

/// The `tick` command tree with the in-process `serve`, named after the running executable (`my-tick`).
struct TickWithServer: AsyncParsableCommand {
    static let configuration: CommandConfiguration = {
        var configuration = Tick.configuration
        configuration.commandName = executableName()
        configuration.subcommands = Tick.subcommandsExceptServe + [InProcessServeCommand.self]
        return configuration
    }()

    /// The base name of argv[0], so help and errors name the user's executable.
    static func executableName() -> String {
        let path = CommandLine.arguments.first ?? "tick"
        return path.split(separator: "/").last.map(String.init) ?? "tick"
    }
}
