import ArgumentParser

/// The entry point of a `tick` executable: parses the command line and runs the subcommand it names.
public enum TickMain {
    /// Runs `tick` with the process's arguments and exits with the subcommand's exit code.
    public static func run() async {
        await Tick.main()
    }
}
