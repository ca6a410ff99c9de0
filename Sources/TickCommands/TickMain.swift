import ArgumentParser
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a `tick` executable: parses the command line and runs the subcommand it names.
public enum TickMain {
    /// Runs `tick` with the process's arguments and exits with the subcommand's exit code.
    public static func run() async {
        rejectUnknownCommand()
        await Tick.main()
    }

    /// Exits 64 naming the known commands when the first argument is not one (`tick bogus`).
    static func rejectUnknownCommand() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let message = UnknownCommand.message(for: arguments, known: UnknownCommand.names(of: Tick.self)) else { return }
        printError(message)
        exit(TickExitCode.usage.rawValue)
    }
}
