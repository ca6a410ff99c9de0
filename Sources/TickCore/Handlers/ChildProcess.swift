#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One run of a child process, as ``ExecHandler`` needs it: started in its own process group by a
/// ``ChildSupervisor`` (which kills the group if tick dies), fed `stdin`, its output read with `poll()`,
/// stopped at a deadline or on cancellation, then reaped.
///
/// The blocking work (poll, waitpid) runs on a dedicated thread per child, never on Swift's cooperative
/// pool, which is as wide as the CPU count: many children in flight must not starve other tasks.
enum ChildProcess {
    /// What to run and within which limits.
    struct Request: Sendable {
        /// The command: `argv[0]` is a path, or a name looked up in the worker's `PATH`.
        var argv: [String]
        /// The child's complete environment, `NAME=value` each.
        var environment: [String]
        /// Written to the child's standard input, which is then closed.
        var stdin: [UInt8]
        /// When the child gets SIGTERM.
        var deadline: ContinuousClock.Instant
        /// How long after SIGTERM the process group gets SIGKILL.
        var killGrace: Duration
        /// At most this many bytes of standard output are kept; the rest is read and discarded.
        var stdoutLimit: Int
        /// The last this-many bytes of standard error are kept.
        var stderrLimit: Int
        /// After the child exits, how long to keep reading output that processes it left behind still
        /// write, before they are killed.
        var outputLinger: Duration = ChildProcess.defaultOutputLinger
        /// Called with each line the child writes to its progress pipe (descriptor 3), on the child's thread.
        var progress: (@Sendable ([UInt8]) -> Void)?
    }

    /// How the child ended.
    enum Ending: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case signaled(Int32)
        /// It could not be started (`errno` from `pipe`, `pthread_create`, `fork` or `execve`).
        case notStarted(errno: Int32)
        /// It was never started: the deadline had passed or the task was cancelled first.
        case skipped
        /// It ended, but how is unknown: its supervisor was killed by someone else before reporting it.
        case statusLost
    }

    /// Why tick stopped the child before it ended on its own.
    enum Interruption: Sendable, Equatable {
        /// The deadline passed.
        case timedOut
        /// The Swift task was cancelled.
        case cancelled
    }

    /// What happened.
    struct Report: Sendable {
        var ending: Ending
        /// Set when tick sent SIGTERM (or never started the child) because of a deadline or cancellation.
        var interruption: Interruption?
        /// Standard output, at most `stdoutLimit` bytes.
        var stdout: [UInt8] = []
        /// Whether the child wrote more than `stdoutLimit` bytes to standard output.
        var stdoutOverflowed = false
        /// The last `stderrLimit` bytes of standard error.
        var stderrTail: [UInt8] = []
    }

    /// How long output is still read after the child exits while its leftovers hold the pipes: 250 ms.
    static let defaultOutputLinger: Duration = .milliseconds(250)

    /// Runs the request to completion on a dedicated thread. Cancelling the calling task stops the child
    /// (SIGTERM, then SIGKILL after the grace period) and returns with ``Interruption/cancelled``.
    static func run(_ request: Request) async -> Report {
        let wake: ChildWakeSignal
        switch ChildWakeSignal.make() {
        case .success(let signal): wake = signal
        case .failure(let failure): return Report(ending: .notStarted(errno: failure.errno))
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Report, Never>) in
                let started = DetachedThread.start {
                    var run = ChildProcessRun(request: request, wake: wake)
                    continuation.resume(returning: run.run())
                    run.reapSupervisor()
                }
                if let failure = started {
                    continuation.resume(returning: Report(ending: .notStarted(errno: failure)))
                }
            }
        } onCancel: {
            wake.cancel()
        }
    }

    /// Held while creating pipes (until their ends are close-on-exec) and while spawning, so that a child
    /// spawned concurrently never inherits another child's pipe ends (which would delay its EOF).
    static let descriptorLock = Mutex(())
}

/// An `errno` value, as a typed error.
struct ChildProcessErrno: Error, Sendable, Equatable {
    var errno: Int32

    /// The C library's text for the code, like `No such file or directory`.
    var text: String { String(cString: strerror(errno)) }
}

/// The cancellation flag of one child run, plus a pipe that wakes its `poll()` when the flag is set.
///
/// Sendable: the flag is behind a `Mutex`, the descriptors are immutable and closed only in `deinit`, so
/// `cancel()` can never write to a closed (or reused) descriptor.
final class ChildWakeSignal: Sendable {
    private let cancelled = Mutex(false)
    /// Polled by the run loop.
    let readFD: Int32
    private let writeFD: Int32

    private init(readFD: Int32, writeFD: Int32) {
        self.readFD = readFD
        self.writeFD = writeFD
    }

    static func make() -> Result<ChildWakeSignal, ChildProcessErrno> {
        ChildProcess.descriptorLock.withLock { _ in
            makeChildPipe().map { ChildWakeSignal(readFD: $0.read, writeFD: $0.write) }
        }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { cancelled.withLock { $0 } }

    /// Sets the flag and wakes the run loop (once).
    func cancel() {
        let first = cancelled.withLock { flag in
            defer { flag = true }
            return !flag
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }
}

/// The two ends of a pipe, both close-on-exec and numbered 3 or above.
struct ChildPipe: Sendable {
    var read: Int32
    var write: Int32
}

/// Makes a pipe whose ends are close-on-exec and not 0, 1 or 2 (so the child's `dup2` to 0–2 cannot
/// clobber them). Call with ``ChildProcess/descriptorLock`` held.
func makeChildPipe() -> Result<ChildPipe, ChildProcessErrno> {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return .failure(ChildProcessErrno(errno: errno)) }
    for index in fds.indices {
        if fds[index] > 2 {
            _ = fcntl(fds[index], F_SETFD, FD_CLOEXEC)
            continue
        }
        let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, 3)
        if moved < 0 {
            let failure = ChildProcessErrno(errno: errno)
            close(fds[0])
            close(fds[1])
            return .failure(failure)
        }
        close(fds[index])
        fds[index] = moved
    }
    return .success(ChildPipe(read: fds[0], write: fds[1]))
}
