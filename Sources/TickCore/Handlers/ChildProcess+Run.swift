#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking part of a ``ChildProcess`` run, on its dedicated thread: spawn, pump stdin/stdout/stderr
/// with `poll()`, stop the child at the deadline or on cancellation, sweep its process group, and release its
/// ``ChildSupervisor`` (which reports the child's end through a pipe and reaps it).
struct ChildProcessRun {
    /// Where the child is in its life.
    private enum Phase: Equatable {
        /// Running; nothing sent yet.
        case running
        /// SIGTERM sent to the group; SIGKILL follows at the instant.
        case terminating(killAt: ContinuousClock.Instant)
        /// SIGKILL sent to the group.
        case killed
    }

    /// Upper bound of one `poll()` wait. The supervisor's report wakes the loop when the child exits; the
    /// bound keeps deadlines and the kill grace checked whatever happens to the pipes.
    private static let pollCeiling: Duration = .milliseconds(50)
    /// Bytes read or written per system call.
    private static let chunkSize = 64 * 1024

    private let request: ChildProcess.Request
    private let wake: ChildWakeSignal
    private let clock = ContinuousClock()

    private var stdinFD: Int32 = -1
    private var stdoutFD: Int32 = -1
    private var stderrFD: Int32 = -1
    private var progressFD: Int32 = -1
    /// A progress line not ended yet (a line longer than ``progressLineLimit`` is dropped).
    private var progressLine: [UInt8] = []
    /// Bytes of one progress line kept at most.
    private static let progressLineLimit = 4_096
    private var stdinOffset = 0
    private var wakeConsumed = false
    private var phase = Phase.running
    private var exitedAt: ContinuousClock.Instant?
    /// How the child ended, as its supervisor reported it.
    private var ending: ChildProcess.Ending?
    private var report = ChildProcess.Report(ending: .skipped)
    /// The supervisor of the child, released but not yet reaped.
    private var releasedSupervisor: ChildSupervisor?

    init(request: ChildProcess.Request, wake: ChildWakeSignal) {
        self.request = request
        self.wake = wake
    }

    /// Runs the child to its end.
    mutating func run() -> ChildProcess.Report {
        // A write to the stdin pipe of a child that has exited raises SIGPIPE, which would kill tick. Block
        // it on this (dedicated, short-lived) thread: write() then fails with EPIPE instead, and the
        // thread-directed pending signal is discarded when the thread ends.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        if wake.isCancelled {
            report.interruption = .cancelled
            return report
        }
        if clock.now >= request.deadline {
            report.interruption = .timedOut
            return report
        }
        let pid: pid_t
        let supervisor: ChildSupervisor
        switch ChildProcess.spawn(argv: request.argv, environment: request.environment) {
        case .success(let spawned):
            pid = spawned.pid
            supervisor = spawned.supervisor
            stdinFD = spawned.stdin
            stdoutFD = spawned.stdout
            stderrFD = spawned.stderr
            progressFD = spawned.progress
        case .failure(let failure):
            report.ending = .notStarted(errno: failure.errno)
            return report
        }
        if request.stdin.isEmpty { closeStdin() }
        pump(pid: pid, supervisor: supervisor)

        // The leader is a zombie (its supervisor reaps it only on release), so its pid still names the group:
        // kill whatever it left behind in the group, then let the supervisor reap it and exit.
        kill(-pid, SIGKILL)
        closeDescriptor(&stdinFD)
        closeDescriptor(&stdoutFD)
        closeDescriptor(&stderrFD)
        closeDescriptor(&progressFD)
        supervisor.release()
        releasedSupervisor = supervisor
        report.ending = ending ?? .statusLost
        return report
    }

    /// Reaps the child's supervisor, if there was one. Called after ``run()``'s report is handed over, so
    /// that the item does not wait for the supervisor's exit.
    func reapSupervisor() {
        releasedSupervisor?.reap()
    }

    // MARK: - The loop

    private mutating func pump(pid: pid_t, supervisor: ChildSupervisor) {
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let now = clock.now
            if exitedAt == nil {
                switch phase {
                case .running:
                    if wake.isCancelled {
                        terminate(pid: pid, now: now, because: .cancelled)
                    } else if now >= request.deadline {
                        terminate(pid: pid, now: now, because: .timedOut)
                    }
                case .terminating(let killAt) where now >= killAt:
                    kill(-pid, SIGKILL)
                    phase = .killed
                case .terminating, .killed:
                    break
                }
                if childHasEnded(supervisor) { exitedAt = now }
            }
            let outputOpen = stdoutFD >= 0 || stderrFD >= 0
            if let exitedAt, !outputOpen || now >= exitedAt + request.outputLinger { return }

            // Wait for the next event, the next instant that matters, or (to notice the exit) a bounded time.
            var until: ContinuousClock.Instant?
            if let exitedAt {
                until = exitedAt + request.outputLinger
            } else {
                switch phase {
                case .running: until = request.deadline
                case .terminating(let killAt): until = killAt
                case .killed: until = nil
                }
            }
            var wait = Self.pollCeiling
            if let until { wait = min(wait, max(.zero, until - now)) }

            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            if progressFD >= 0 { fds.append(pollfd(fd: progressFD, events: Int16(POLLIN), revents: 0)) }
            if exitedAt == nil { fds.append(pollfd(fd: supervisor.reports, events: Int16(POLLIN), revents: 0)) }
            if phase == .running && !wakeConsumed {
                fds.append(pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), Self.milliseconds(roundingUp: wait))
            if ready <= 0 { continue }  // timeout, or EINTR: re-evaluate

            for entry in fds where entry.revents != 0 {
                if entry.fd == stdinFD {
                    writeStdin()
                } else if entry.fd == stdoutFD {
                    readStdout(into: &buffer)
                } else if entry.fd == stderrFD {
                    readStderr(into: &buffer)
                } else if entry.fd == progressFD {
                    readProgress(into: &buffer)
                } else if entry.fd == wake.readFD {
                    var byte: UInt8 = 0
                    _ = read(wake.readFD, &byte, 1)
                    wakeConsumed = true
                }
            }
        }
    }

    private mutating func terminate(pid: pid_t, now: ContinuousClock.Instant, because reason: ChildProcess.Interruption) {
        report.interruption = reason
        kill(-pid, SIGTERM)
        phase = .terminating(killAt: now + request.killGrace)
    }

    // MARK: - Pipes

    private mutating func writeStdin() {
        let remaining = request.stdin.count - stdinOffset
        let written = request.stdin.withUnsafeBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            return write(stdinFD, base + stdinOffset, min(remaining, Self.chunkSize))
        }
        if written > 0 {
            stdinOffset += written
            if stdinOffset >= request.stdin.count { closeStdin() }
        } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            closeStdin()  // EPIPE: the child does not read its input; that is its business
        }
    }

    private mutating func closeStdin() { closeDescriptor(&stdinFD) }

    private mutating func readStdout(into buffer: inout [UInt8]) {
        guard let count = readChunk(&stdoutFD, into: &buffer) else { return }
        let room = request.stdoutLimit - report.stdout.count
        if count > room { report.stdoutOverflowed = true }
        if room > 0 { report.stdout.append(contentsOf: buffer[0..<min(count, room)]) }
    }

    /// Hands each complete line of the progress pipe to the request's handler.
    private mutating func readProgress(into buffer: inout [UInt8]) {
        guard let count = readChunk(&progressFD, into: &buffer) else { return }
        for byte in buffer[0..<count] {
            if byte == UInt8(ascii: "\n") {
                if !progressLine.isEmpty, progressLine.count <= Self.progressLineLimit { request.progress?(progressLine) }
                progressLine.removeAll(keepingCapacity: true)
            } else if progressLine.count <= Self.progressLineLimit {
                progressLine.append(byte)
            }
        }
    }

    private mutating func readStderr(into buffer: inout [UInt8]) {
        guard let count = readChunk(&stderrFD, into: &buffer) else { return }
        report.stderrTail.append(contentsOf: buffer[0..<count])
        // Trim in batches so that keeping the tail stays linear in the output size.
        if report.stderrTail.count > 2 * request.stderrLimit {
            report.stderrTail.removeFirst(report.stderrTail.count - request.stderrLimit)
        }
    }

    /// Reads once; closes the descriptor at end of file or on error.
    /// - Returns: the number of bytes read, or `nil` when there is nothing (now or any more).
    private func readChunk(_ fd: inout Int32, into buffer: inout [UInt8]) -> Int? {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 { return count }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return nil }
        closeDescriptor(&fd)
        return nil
    }

    private func closeDescriptor(_ fd: inout Int32) {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    // MARK: - Process status

    /// Whether the supervisor reported the child's end (or is gone), read without blocking.
    private mutating func childHasEnded(_ supervisor: ChildSupervisor) -> Bool {
        switch supervisor.receive() {
        case .message(.ended(let how)):
            ending = how
            return true
        case .closed:
            return true  // the supervisor was killed by someone else: the status is lost
        case .message(.started), .message(.notStarted), .nothing:
            return false
        }
    }

    private static func milliseconds(roundingUp duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, milliseconds))
    }
}
