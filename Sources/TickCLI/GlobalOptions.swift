import ArgumentParser
import Logging
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// Options every command of `tick` and `tick-serve` shares: logging, verbosity and colour.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical (default info).")
    public var logLevel: Logger.Level?

    @Option(name: .long, help: "Log line format: auto (text on a terminal, JSON otherwise), text or json.")
    public var logFormat: LogFormatOption = .auto

    @Flag(name: .shortAndLong, help: "Errors only (--log-level error).")
    public var quiet = false

    @Flag(name: .shortAndLong, help: "More detail: -v debug (claims, jobs, commits, hand-backs), -vv trace (timings).")
    public var verbose: Int

    @Option(name: .long, help: "Colour on a terminal: auto (unless NO_COLOR is set), always or never.")
    public var color: ColorOption = .auto

    public init() {}

    public func validate() throws {
        if quiet && verbose > 0 { throw ValidationError("-q and -v contradict each other: give one") }
        if logLevel != nil && (quiet || verbose > 0) { throw ValidationError("--log-level or -q/-v, not both") }
    }

    /// The level logs are written at: `--log-level`, else `-q` (error), `-v` (debug), `-vv` (trace), else info.
    public var level: Logger.Level {
        if let logLevel { return logLevel }
        if quiet { return .error }
        switch verbose {
        case 0: return .info
        case 1: return .debug
        default: return .trace
        }
    }

    /// Sets up logging and returns the command's logger.
    public func makeLogger(_ label: String) -> Logger {
        let format: LogLineHandler.Format =
            switch logFormat {
            case .auto: .automatic
            case .text: .text
            case .json: .json
            }
        let level = self.level
        // On a terminal, text lines erase the live progress line they would otherwise be appended to.
        let clearsLine = format == .text && isatty(STDERR_FILENO) == 1
        return Logger(label: label) { label in LogLineHandler(label: label, level: level, format: format, clearsLine: clearsLine) }
    }
}

/// `--log-format`.
public enum LogFormatOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, text, json
}

/// `--color`.
public enum ColorOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
