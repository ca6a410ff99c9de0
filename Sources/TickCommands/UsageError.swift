import TickCore

/// A command line that cannot work, found after parsing (exit 64): one sentence saying what to type instead,
/// printed as `tick: error: …` without the usage block.
struct UsageError: TickError {
    let description: String
    init(_ description: String) { self.description = description }
    var exitCode: TickExitCode { .usage }
}
