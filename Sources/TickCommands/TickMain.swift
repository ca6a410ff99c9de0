import ArgumentParser
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a `tick` executable: parses the command line and runs the subcommand it names.
public enum TickMain {
    /// Runs `tick` with the process's arguments and exits with the subcommand's exit code.
    public static func run() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let command = CronPath.parse(arguments) {
            do { try await command.run() } catch { Tick.exit(withError: error) }
            return
        }
        rejectUnknownCommand(arguments)
        await Tick.main()
    }

    /// Runs `tick` with your Swift handlers added to the built-in and configured handlers of every
    /// subcommand (bound as ``HandlerRegistry/added`` for the command's task: no global state).
    ///
    /// This `tick` links no SwiftNIO; its `serve` execs the stock `tick-serve`, which does not have your
    /// handlers, so it refuses to start while `handlers` is not empty. For a `serve` that runs your handlers,
    /// use `TickServeMain.run(handlers:)` of the `TickServe` product instead.
    /// - Parameter handlers: your handlers; each replaces a built-in or configured handler of its name.
    public static func run(handlers: HandlerRegistry) async {
        await HandlerRegistry.$added.withValue(handlers) {
            await run()
        }
    }

    /// Exits 64 naming the known commands when the first argument is not one (`tick bogus`).
    static func rejectUnknownCommand(_ arguments: [String]) {
        guard let message = UnknownCommand.message(for: arguments, known: UnknownCommand.names(of: Tick.self)) else { return }
        printError(message)
        exit(TickExitCode.usage.rawValue)
    }
}
