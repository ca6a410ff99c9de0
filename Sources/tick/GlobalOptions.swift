import ArgumentParser
import Logging
import TickCore

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Lowest log level written to stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log line format: auto (text on a terminal, JSON otherwise), text or json.")
    var logFormat: LogFormatOption = .auto

    /// Sets up logging and returns the command's logger.
    func makeLogger(_ label: String) -> Logger {
        let format: LogLineHandler.Format =
            switch logFormat {
            case .auto: .automatic
            case .text: .text
            case .json: .json
            }
        return Logger(label: label) { [logLevel] label in LogLineHandler(label: label, level: logLevel, format: format) }
    }
}

enum LogFormatOption: String, ExpressibleByArgument, CaseIterable {
    case auto, text, json
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
