import ArgumentParser
import TickCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tick serve`: replaces this process with the `tick-serve` binary (the HTTP wrapper), with the same arguments.
///
/// The HTTP server lives in its own binary so that `tick` itself, which cron starts every minute, never links
/// SwiftNIO or Hummingbird (docs/serve.md measures the difference).
struct ServeCommand: ParsableCommand {
    /// Environment variable naming the `tick-serve` binary to run instead of the one beside `tick`.
    static let binaryVariable = "TICK_SERVE_BIN"

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve one tick per HTTP request (runs the tick-serve binary; see 'tick serve --help').",
        discussion: """
            Execs tick-serve from the directory of this tick binary (or $TICK_SERVE_BIN) with the same arguments, \
            so every flag, --help included, is tick-serve's.
            """,
        // Every argument, --help included, goes to tick-serve.
        helpNames: []
    )

    @Argument(parsing: .captureForPassthrough, help: "Arguments for tick-serve.")
    var arguments: [String] = []

    func run() throws {
        let added = HandlerRegistry.added.names
        guard added.isEmpty else {
            // Your own executable (TickMain.run(handlers:)): the stock tick-serve would not know its handlers.
            printError(
                "this executable has Swift handlers (\(added.joined(separator: ", "))) that the stock tick-serve does not: build it with TickServeMain.run(handlers:) (library product TickServe) for a serve that runs them in-process"
            )
            throw ExitCode(TickExitCode.config.rawValue)
        }
        let binary = Self.binaryPath()
        let found = access(binary, X_OK) == 0
        if arguments.contains(where: { ["--help", "-h", "help"].contains($0) }) {
            print(Self.help(binary: binary, found: found))
            guard found else { return }
            fflush(nil)  // the text above, before execv replaces the process
        }
        guard found else {
            printError(
                "tick serve needs the tick-serve binary, not found at \(binary): build it with `swift build --product tick-serve` (and install it beside tick), or set \(Self.binaryVariable)"
            )
            throw ExitCode(TickExitCode.config.rawValue)
        }
        let argv = ["tick-serve"] + arguments
        var pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        execv(binary, pointers)
        // execv returns only on failure.
        let reason = String(cString: strerror(errno))
        printError("cannot run \(binary): \(reason)")
        throw ExitCode(TickExitCode.config.rawValue)
    }

    /// What `tick serve` is and where its binary is looked for, printed before tick-serve's own `--help` (or
    /// alone, when tick-serve is missing).
    static func help(binary: String, found: Bool) -> String {
        let source = getenv(binaryVariable) == nil ? "beside this tick binary; \(binaryVariable) overrides" : "from \(binaryVariable)"
        let status =
            found
            ? "found; its own flags follow."
            : "not found. Build it with `swift build --product tick-serve` and install it beside tick, or set \(binaryVariable)."
        return """
            tick serve: an HTTP wrapper around runs, for Vercel Cron and other HTTP schedulers (docs/serve.md). Each \
            authenticated GET (Authorization: Bearer $CRON_SECRET) runs one tick in-process and answers with its \
            summary; with TICK_DASHBOARD_TOKEN set it also serves a dashboard at /dashboard (docs/dashboard.md).

            tick serve execs the tick-serve binary with the same arguments, so tick itself never links the HTTP \
            server. Looked for at \(binary) (\(source)): \(status)

            """
    }

    /// `$TICK_SERVE_BIN`, else `tick-serve` in the directory of the running executable.
    static func binaryPath() -> String {
        if let override = getenv(binaryVariable).map({ String(cString: $0) }), !override.isEmpty { return override }
        return directoryOfExecutable() + "/tick-serve"
    }

    /// The directory of the running `tick` (from /proc/self/exe; falls back to argv[0]).
    static func directoryOfExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments.first ?? "tick"
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }
}
