#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server commands' stderr lines.
enum ServeMessages {
    /// Writes `tick-serve: error: <message>` to stderr, unbuffered.
    static func printError(_ message: String) {
        let line = Array("tick-serve: error: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
