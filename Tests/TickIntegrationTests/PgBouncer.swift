import Foundation
import Testing

/// A `pgbouncer` a test starts in front of the test PostgreSQL, in transaction pool mode, the way Supabase's
/// pooler on port 6543 is used. Its config, auth file (the only place the password is written), pid and log
/// files live in a private temporary directory.
///
/// Call ``stop()`` in a `defer` right after ``start(_:sourceLocation:)``; `deinit` stops it too, so no
/// `pgbouncer` outlives its test. A missing binary or a taken port is a test failure that says what to do,
/// never a skip.
final class PgBouncer {
    let configuration: PgBouncerConfiguration
    /// The private directory holding `pgbouncer.ini`, `userlist.txt`, `pgbouncer.pid` and `pgbouncer.log`.
    let directory: URL
    private let process: Process
    private var stopped = false

    private init(configuration: PgBouncerConfiguration, directory: URL, process: Process) {
        self.configuration = configuration
        self.directory = directory
        self.process = process
    }

    deinit { stop() }

    /// Writes the files, starts `pgbouncer` in the foreground (as the PostgreSQL OS user when this process is
    /// root, since pgbouncer refuses to run as root) and waits until it listens.
    /// - Throws: after recording an issue, when the binary is missing, the port is taken, or it does not come up.
    static func start(_ configuration: PgBouncerConfiguration, sourceLocation: SourceLocation = #_sourceLocation) throws -> PgBouncer {
        let binary = try PgBouncerBinary.locate(sourceLocation: sourceLocation)
        let port = configuration.listenPort
        guard !LoopbackPort.isAccepting(port) else {
            throw failure(
                "127.0.0.1:\(port) is already in use by another process: this suite starts its own pgbouncer there (the port tick "
                    + "recognises as Supabase's transaction pooler). Stop that process (`ss -ltnp 'sport = :\(port)'` names it) and run "
                    + "again; CI runs on a fresh machine", sourceLocation)
        }
        let directory = try PgBouncerFiles.write(configuration)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let ini = directory.appendingPathComponent("pgbouncer.ini").path
        process.arguments = (PgBouncerFiles.runAsUser.map { ["-u", $0] } ?? []) + [ini]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.currentDirectoryURL = directory
        do { try withTerminationSignalsUnblocked { try process.run() } } catch {
            try? FileManager.default.removeItem(at: directory)
            throw failure("could not start \(binary): \(error)", sourceLocation)
        }
        let bouncer = PgBouncer(configuration: configuration, directory: directory, process: process)
        try bouncer.waitUntilListening(sourceLocation: sourceLocation)
        return bouncer
    }

    /// Whether the process is still running.
    var isRunning: Bool { !stopped && process.isRunning }

    /// The pid of the `pgbouncer` process.
    var pid: Int32 { process.processIdentifier }

    /// pgbouncer's log (it never logs passwords).
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("pgbouncer.log"), encoding: .utf8)) ?? ""
    }

    /// How many client logins pgbouncer accepted for `database` (its `login attempt: db=…` lines).
    func clientLogins(database: String) -> Int {
        log.split(separator: "\n").filter { $0.contains("login attempt: db=\(database) ") }.count
    }

    /// How many server connections pgbouncer opened to `database` (its `new connection to server` lines).
    func serverConnections(database: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(": \(database)/") && $0.contains("new connection to server") }.count
    }

    /// SIGTERM (pgbouncer exits at once), SIGKILL after 5 s, then the private directory is removed. Idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        let pid = process.processIdentifier
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        if process.isRunning {
            process.terminate()
            DispatchQueue.global().asyncAfter(deadline: .now() + 5, execute: killer)
        }
        process.waitUntilExit()
        killer.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening(sourceLocation: SourceLocation) throws {
        let port = configuration.listenPort
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard process.isRunning else {
                let tail = log.split(separator: "\n").suffix(5).joined(separator: "\n")
                stop()
                throw Self.failure("pgbouncer exited at start (status \(process.terminationStatus)); its log ends:\n\(tail)", sourceLocation)
            }
            if log.contains("listening on 127.0.0.1:\(port)"), LoopbackPort.isAccepting(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw Self.failure("pgbouncer did not listen on 127.0.0.1:\(port) within 10 s", sourceLocation)
    }

    /// Runs `body` with SIGTERM, SIGINT and SIGHUP unblocked on this thread, so that a child spawned in it
    /// does not inherit them blocked (the test runner's worker threads block them, and Foundation's `Process`
    /// passes the mask on): otherwise pgbouncer would never see the SIGTERM of ``stop()``.
    private static func withTerminationSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var signals = sigset_t()
        var previous = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Records `message` as an issue (at the test's call site) and returns the error to throw.
    static func failure(_ message: String, _ sourceLocation: SourceLocation) -> Failure {
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        return Failure(message: message)
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
