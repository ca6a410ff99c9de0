import ArgumentParser
import Logging
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command's body, turning a ``TickError`` into one line on stderr and its exit code.
///
/// Every failure a user can cause ends here with an actionable sentence and a distinct exit code
/// (README.md lists them); anything else is an internal error (exit 1).
/// - Parameters:
///   - color: `--color`: whether `error` is printed in colour on a terminal.
///   - body: the command's work.
func reportingErrors(_ color: ColorOption = .auto, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as any TickError {
        printError(error.description, palette: Palette(color, descriptor: STDERR_FILENO))
        throw ExitCode(error.exitCode.rawValue)
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("internal error: \(error) (please report it)", palette: Palette(color, descriptor: STDERR_FILENO))
        throw ExitCode(TickExitCode.internalError.rawValue)
    }
}

/// Writes `tick: error: <message>` to stderr, `error` in colour on a terminal (unless NO_COLOR is set).
func printError(_ message: String, palette: Palette = Palette(.auto, descriptor: STDERR_FILENO)) {
    printStderr(palette.error("error"), message)
}

/// Writes `tick: warning: <message>` to stderr.
func printWarning(_ message: String) { printStderr("warning", message) }

/// Writes `tick: note: <message>` to stderr (information, not a problem).
func printNote(_ message: String) { printStderr("note", message) }

/// Writes `tick: <kind>: <message>` to stderr, unbuffered.
private func printStderr(_ kind: String, _ message: String) {
    var line = Array("tick: \(kind): \(message)\n".utf8)
    _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
