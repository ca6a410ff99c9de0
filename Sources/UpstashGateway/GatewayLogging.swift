import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logging helpers for the `tick-gateway` executable, which does not depend on swift-log itself.
public enum GatewayLogging: Sendable {
    /// A logger writing one line per message to standard error, at `LOG_LEVEL` (default `info`).
    /// - Returns: The logger.
    public static func standardErrorLogger() -> Logger {
        var logger = Logger(label: "tick-gateway", factory: { StreamLogHandler.standardError(label: $0) })
        let level = getenv("LOG_LEVEL").map { String(cString: $0) }.flatMap { Logger.Level(rawValue: $0) }
        logger.logLevel = level ?? .info
        return logger
    }

    /// Writes `message` and a newline to standard error.
    /// - Parameter message: The text to write.
    public static func printError(_ message: String) {
        let line = Array((message + "\n").utf8)
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
