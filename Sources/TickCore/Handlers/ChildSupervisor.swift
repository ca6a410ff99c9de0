#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CChildSupervisor

/// tick's side of a child's supervisor (the `CChildSupervisor` target): the process that forks the child,
/// reports how it ends, and kills the child's whole process group when its lifeline closes.
///
/// tick holds the lifeline's write end (close-on-exec) for as long as the child may live. When tick dies for
/// any reason, SIGKILL included, the kernel closes it, and the supervisor SIGKILLs the group at once: the item
/// runs again in a later run, so a grace period would only let its side effect race the retry. When the child
/// ends normally, tick sweeps the group, then ``release()`` closes the lifeline, and ``reap()`` (after the
/// item's report is handed over, off its critical path) waits for the supervisor's exit.
///
/// The supervisor keeps the child unreaped until the lifeline closes, so the child's pid keeps naming its
/// process group for every `kill(-pid, …)` tick sends (SIGTERM at a deadline, SIGKILL after the grace).
struct ChildSupervisor: Sendable {
    /// One message from the supervisor.
    enum Message: Sendable, Equatable {
        /// The child was exec'ed with this pid (also its process group).
        case started(pid_t)
        /// The child could not be started: the `errno` of `execve`, `fork` or `dup2`.
        case notStarted(errno: Int32)
        /// The child ended; it stays unreaped until ``ChildSupervisor/release()``.
        case ended(ChildProcess.Ending)
    }

    /// What a read of the report pipe found.
    enum Read: Sendable, Equatable {
        case message(Message)
        /// Nothing yet (the descriptor is non-blocking).
        case nothing
        /// End of file or an error: the supervisor is gone (killed by someone else).
        case closed
    }

    /// The supervisor's pid, tick's child.
    var pid: pid_t
    /// Write end of the lifeline.
    var lifeline: Int32
    /// Read end of the supervisor's reports.
    var reports: Int32

    /// Reads one 8-byte report (blocking or not, as the descriptor is).
    func receive() -> Read {
        var report = tick_supervisor_report()
        let size = MemoryLayout<tick_supervisor_report>.size
        while true {
            let count = withUnsafeMutableBytes(of: &report) { read(reports, $0.baseAddress, size) }
            if count == size { return .message(Self.message(report)) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .nothing }
            return .closed
        }
    }

    /// Closes the lifeline (the supervisor kills what is left of the group, reaps the child and exits) and
    /// the report pipe. Call once, after the last signal to the child's group.
    func release() {
        close(lifeline)
        close(reports)
    }

    /// Waits for the supervisor to exit, after ``release()``, and reaps it.
    func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func message(_ report: tick_supervisor_report) -> Message {
        switch report.kind {
        case TICK_SUPERVISOR_STARTED: return .started(report.value)
        case TICK_SUPERVISOR_EXITED: return .ended(.exited(report.value))
        case TICK_SUPERVISOR_SIGNALED: return .ended(.signaled(report.value))
        default: return .notStarted(errno: report.value)
        }
    }
}
