#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Runs a command once per item (or page): the way to write handlers in any language.
///
/// The command runs without a shell, in its own process group, on a dedicated thread (not on Swift's
/// cooperative pool), so many items can be in flight at once.
///
/// **Input.** Standard input is the item's JSON payload; for a page of a cursor job it is
/// `{"cursor": "<cursor>" | null, "page": N}`.
///
/// **Environment.** The worker's environment (captured when the handler is made) without tick's own secrets
/// (``withheldEnvironmentVariables``), plus ``Configuration/environment``, plus, set by tick last:
/// `TICK_JOB_ID`, `TICK_QUEUE`, `TICK_HANDLER`, `TICK_ATTEMPT`, `TICK_IDEMPOTENCY_KEY`, `TICK_DEADLINE`
/// (Unix time in milliseconds), and `TICK_ITEM_INDEX` (the item's index; for a page, the page number,
/// also given as `TICK_PAGE`).
///
/// **Outcome.**
/// - exit 0: done. Standard output, if not blank, is the result: its JSON value, or (when it is not JSON)
///   its text as a JSON string. For a page, standard output must be `{"next": "<cursor>" | null, "result": ...}`.
/// - exit 65 (`EX_DATAERR`: the input is bad), or another status in ``Configuration/permanentExitCodes``:
///   failed for good (the job is dead-lettered), with the exit status and the tail of standard error.
/// - exit 75 (`EX_TEMPFAIL`), any other non-zero exit, or death by a signal (a crash, the OOM killer):
///   retry later with the job's backoff until its `max_attempts`, with the same kind of reason.
/// - the program cannot be started because it is missing or not executable: failed (tick checks commands
///   before a run claims anything, so this happens only when one is removed while tick runs).
/// - the item's deadline passes: SIGTERM to the process group, SIGKILL after ``Configuration/killGrace``,
///   then retry later. Cancellation (the run's deadline, or SIGTERM to tick) does the same.
/// - more than ``Configuration/stdoutLimit`` bytes of standard output: failed (the rest is read and
///   discarded, so memory stays bounded).
///
/// When the command exits, anything it left running in its process group is killed.
///
/// **Children die with their run.** Each command's parent is a small supervisor (the `CChildSupervisor`
/// target: a forked copy of the worker running only async-signal-safe C, so it needs no extra binary and works
/// the same in `tick run`, `tick drain`, `tick-serve` and any program linking TickCore). The worker holds the
/// write end of a lifeline pipe to it; when the worker dies for any reason, SIGKILL included, the kernel closes
/// that end and the supervisor SIGKILLs the command's whole process group, grandchildren included, at once (no
/// grace: the item runs again in a later run, and its side effect must not race that retry). While the worker
/// lives, the supervisor only reports the command's exit status; timeouts, the kill grace and the results
/// are the worker's, as above. `PR_SET_PDEATHSIG` is no substitute: `posix_spawn` cannot set it, it reaches
/// only the direct child, and it fires when the spawning thread exits. Cost: a `fork` per item (about a
/// millisecond of CPU with a `/bin/true` command; docs/architecture.md has the figures).
public struct ExecHandler: JobHandler {
    /// tick's own secrets, never passed to a command: `UPSTASH_REDIS_REST_TOKEN`, `CRON_SECRET`,
    /// `TICK_DASHBOARD_TOKEN`. Pass one explicitly through ``Configuration/environment`` if a command needs it.
    public static let withheldEnvironmentVariables: Set<String> = [
        "UPSTASH_REDIS_REST_TOKEN", "CRON_SECRET", "TICK_DASHBOARD_TOKEN",
    ]

    /// The variables tick sets for each item; a configuration cannot override them.
    public static let itemEnvironmentVariables: Set<String> = [
        "TICK_JOB_ID", "TICK_QUEUE", "TICK_HANDLER", "TICK_ATTEMPT", "TICK_IDEMPOTENCY_KEY", "TICK_DEADLINE",
        "TICK_ITEM_INDEX", "TICK_PAGE",
    ]

    /// The exit status that asks for a retry: 75, `EX_TEMPFAIL` from `sysexits.h`.
    public static let temporaryFailureStatus: Int32 = 75

    /// How much of standard error a failure reason shows: its last 1 KiB.
    public static let reasonStderrBytes = 1024

    /// What the handler runs.
    public let configuration: Configuration
    /// The inherited environment, secrets already removed.
    private let inheritedEnvironment: [String: String]

    /// Makes a handler.
    /// - Parameters:
    ///   - configuration: the command, its extra environment and limits.
    ///   - inheritedEnvironment: the environment commands inherit (before tick's secrets are removed);
    ///     `nil` (the default) takes the worker process's environment now.
    public init(_ configuration: Configuration, inheritedEnvironment: [String: String]? = nil) {
        self.configuration = configuration
        let environment = inheritedEnvironment ?? ProcessInfo.processInfo.environment
        self.inheritedEnvironment = environment.filter { !Self.withheldEnvironmentVariables.contains($0.key) }
    }

    /// Makes a handler for a command with the default limits.
    /// - Parameters:
    ///   - command: the program and its arguments; no shell is involved.
    ///   - environment: variables added to the inherited environment.
    ///   - inheritedEnvironment: the environment commands inherit; `nil` takes the worker's.
    public init(command: [String], environment: [String: String] = [:], inheritedEnvironment: [String: String]? = nil) {
        self.init(Configuration(command: command, environment: environment), inheritedEnvironment: inheritedEnvironment)
    }

    /// Runs the command for one item or page and maps how it ended to an outcome (see the type's overview).
    /// - Parameters:
    ///   - input: the item (its payload goes to standard input) or the page (its cursor does).
    ///   - context: the job's identity and the item's deadline, passed in `TICK_*` variables.
    /// - Returns: the outcome; never throws, every failure is an outcome.
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        let executable = configuration.command.first ?? ""
        guard !executable.isEmpty else {
            return .failed(reason: "exec handler \"\(context.handlerName)\" has no command: set \"command\" in the config file")
        }
        let started = ContinuousClock.now
        var request = ChildProcess.Request(
            argv: configuration.command,
            environment: environment(for: input, context: context),
            stdin: Self.stdin(for: input),
            deadline: context.deadline,
            killGrace: max(.zero, configuration.killGrace),
            stdoutLimit: max(0, configuration.stdoutLimit),
            stderrLimit: max(Self.reasonStderrBytes, configuration.stderrLimit)
        )
        request.progress = ExecProgress(context: context).receive
        let report = await ChildProcess.run(request)
        let outcome = outcome(of: report, input: input, allowed: context.deadline - started)
        context.logger.debug(
            "exec handler finished",
            metadata: [
                "exec.command": "\(executable)",
                "exec.ending": "\(report.ending)",
                "exec.duration_ms": "\(Self.milliseconds(ContinuousClock.now - started))",
            ]
        )
        return outcome
    }

    // MARK: - Input

    static func stdin(for input: HandlerInput) -> [UInt8] { HandlerOutput.body(for: input) }

    /// The child's environment, `NAME=value` each, sorted by name.
    func environment(for input: HandlerInput, context: HandlerContext) -> [String] {
        var variables = inheritedEnvironment
        variables.merge(configuration.environment) { _, configured in configured }
        variables["TICK_JOB_ID"] = context.jobID
        variables["TICK_QUEUE"] = context.queue
        variables["TICK_HANDLER"] = context.handlerName
        variables["TICK_ATTEMPT"] = String(context.attempt)
        variables["TICK_IDEMPOTENCY_KEY"] = context.idempotencyKey
        variables["TICK_DEADLINE"] = String(context.deadlineUnixMilliseconds)
        variables["TICK_PROGRESS_FD"] = String(ExecProgress.descriptor)
        switch input {
        case .item(let index, _):
            variables["TICK_ITEM_INDEX"] = String(index)
            variables["TICK_PAGE"] = nil
        case .page(let number, _):
            variables["TICK_ITEM_INDEX"] = String(number)
            variables["TICK_PAGE"] = String(number)
        }
        return variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    // MARK: - Outcome

    func outcome(of report: ChildProcess.Report, input: HandlerInput, allowed: Duration) -> HandlerOutcome {
        switch report.interruption {
        case .timedOut:
            return .retryLater(reason: "timed out after \(Self.milliseconds(max(.zero, allowed))) ms", after: nil)
        case .cancelled:
            return .retryLater(reason: "cancelled at the run's deadline", after: nil)
        case nil:
            break
        }
        let executable = configuration.command.first ?? ""
        switch report.ending {
        case .exited(0):
            if report.stdoutOverflowed {
                return .failed(reason: "stdout exceeded \(Self.size(configuration.stdoutLimit))")
            }
            return Self.success(stdout: report.stdout, input: input)
        case .exited(let status):
            let reason = Self.reason("exit \(status)", stderr: report.stderrTail)
            return configuration.isPermanent(status) ? .failed(reason: reason) : .retryLater(reason: reason, after: nil)
        case .signaled(let signal):
            return .retryLater(reason: Self.reason("killed by signal \(signal)", stderr: report.stderrTail), after: nil)
        case .notStarted(let code):
            let reason = "cannot start \(executable): \(ChildProcessErrno(errno: code).text)"
            // A missing or unusable program stays so; running out of processes or descriptors does not.
            let permanent: Set<Int32> = [ENOENT, EACCES, ENOEXEC, ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR, EPERM]
            return permanent.contains(code) ? .failed(reason: reason) : .retryLater(reason: reason, after: nil)
        case .skipped:
            // Only when the deadline passed or the task was cancelled before the start: handled above.
            return .retryLater(reason: "not started", after: nil)
        case .statusLost:
            // The child's supervisor died before it reported (something killed it): the item's fate is
            // unknown, so it runs again.
            return .retryLater(reason: Self.reason("exit status lost: the child's supervisor was killed", stderr: report.stderrTail), after: nil)
        }
    }

    static func success(stdout: [UInt8], input: HandlerInput) -> HandlerOutcome {
        HandlerOutput.success(stdout, input: input, source: "stdout")
    }

    // MARK: - Text

    /// `what`, then the last KiB of standard error (valid UTF-8, trimmed) if there is any.
    static func reason(_ what: String, stderr: [UInt8]) -> String {
        var tail = stderr.suffix(reasonStderrBytes)
        // Do not start in the middle of a UTF-8 sequence.
        while let first = tail.first, first & 0xC0 == 0x80 { tail = tail.dropFirst() }
        let text = String(decoding: HandlerOutput.trimmed(Array(tail)), as: UTF8.self)
        return text.isEmpty ? what : "\(what): \(text)"
    }

    static func size(_ bytes: Int) -> String {
        if bytes > 0 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes > 0 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
