import ArgumentParser
import Logging
import TickCore

/// Options every command of `tick` and `tick-serve` shares: logging.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log line format: auto (text on a terminal, JSON otherwise), text or json.")
    public var logFormat: LogFormatOption = .auto

    public init() {}

    /// Sets up logging and returns the command's logger.
    public func makeLogger(_ label: String) -> Logger {
        let format: LogLineHandler.Format =
            switch logFormat {
            case .auto: .automatic
            case .text: .text
            case .json: .json
            }
        return Logger(label: label) { [logLevel] label in LogLineHandler(label: label, level: logLevel, format: format) }
    }
}

/// `--log-format`.
public enum LogFormatOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, text, json
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
