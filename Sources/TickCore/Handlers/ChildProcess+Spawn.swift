#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CChildSupervisor
import Synchronization

extension ChildProcess {
    /// A started child, the parent's (non-blocking, close-on-exec) ends of its three pipes, and its supervisor.
    struct Spawned: Sendable {
        var pid: pid_t
        /// Write end of the child's standard input.
        var stdin: Int32
        /// Read end of the child's standard output.
        var stdout: Int32
        /// Read end of the child's standard error.
        var stderr: Int32
        /// Read end of the child's progress pipe (its descriptor 3, `TICK_PROGRESS_FD`).
        var progress: Int32
        /// The child's parent, which kills its process group if tick dies (``ChildSupervisor``).
        var supervisor: ChildSupervisor
    }

    /// Starts `argv` under a ``ChildSupervisor``, in a new process group, with every signal at its default
    /// disposition and none blocked: the worker ignores SIGTERM/SIGINT (it turns them into cancellation) and
    /// blocks SIGPIPE, and a child must not inherit either. `argv[0]` without a `/` is looked up in the
    /// worker's `PATH`, as `posix_spawnp` does.
    /// - Parameters:
    ///   - argv: the command and its arguments; no shell is involved.
    ///   - environment: the child's whole environment, `NAME=value` each.
    /// - Returns: the child, or the `errno` of the pipe, fork or exec that failed (ENOENT for a missing file).
    static func spawn(argv: [String], environment: [String]) -> Result<Spawned, ChildProcessErrno> {
        guard let path = argv.first, !path.isEmpty else { return .failure(ChildProcessErrno(errno: ENOENT)) }
        // strdup'ed C strings, NULL-terminated, freed when spawning is over (the child has its own copy).
        let candidates = executableCandidates(for: path).map { strdup($0) } + [nil]
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in candidates + arguments + variables { free(pointer) }
        }
        let started = candidates.map { UnsafePointer($0) }.withUnsafeBufferPointer { candidatePointers in
            arguments.withUnsafeBufferPointer { argumentPointers in
                variables.withUnsafeBufferPointer { variablePointers in
                    startSupervisor(
                        candidates: candidatePointers.baseAddress, argv: argumentPointers.baseAddress,
                        envp: variablePointers.baseAddress)
                }
            }
        }
        guard case .success(var spawned) = started else { return started }
        switch spawned.supervisor.receive() {
        case .message(.started(let pid)):
            spawned.pid = pid
        case .message(.notStarted(let code)):
            abandon(spawned)
            return .failure(ChildProcessErrno(errno: code))
        case .message(.ended), .nothing, .closed:
            abandon(spawned)
            return .failure(ChildProcessErrno(errno: ECHILD))
        }
        for fd in [spawned.stdin, spawned.stdout, spawned.stderr, spawned.progress, spawned.supervisor.reports] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return .success(spawned)
    }

    /// Where `execve` looks for `command`: itself when it has a `/`, else each directory of the worker's
    /// `PATH` (`/bin:/usr/bin` when unset; an empty entry is the working directory).
    static func executableCandidates(for command: String) -> [String] {
        if command.contains("/") { return [command] }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/bin:/usr/bin"
        return path.split(separator: ":", omittingEmptySubsequences: false).map { $0.isEmpty ? command : "\($0)/\(command)" }
    }

    /// Makes the six pipes and forks the supervisor, under ``descriptorLock``; closes the ends that belong
    /// to the supervisor and the child. `pid` of the result is the supervisor's until it reports the child's.
    private static func startSupervisor(
        candidates: UnsafePointer<UnsafePointer<CChar>?>?, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>?
    ) -> Result<Spawned, ChildProcessErrno> {
        descriptorLock.withLock { _ -> Result<Spawned, ChildProcessErrno> in
            var pipes: [ChildPipe] = []
            for _ in 0..<6 {
                switch makeChildPipe() {
                case .success(let ends):
                    pipes.append(ends)
                case .failure(let failure):
                    for ends in pipes {
                        close(ends.read)
                        close(ends.write)
                    }
                    return .failure(failure)
                }
            }
            let (input, output, errors, lifeline, reports, progress) = (pipes[0], pipes[1], pipes[2], pipes[3], pipes[4], pipes[5])
            var plan = tick_supervisor_plan(
                candidates: candidates, argv: argv, envp: envp, stdin_fd: input.read, stdout_fd: output.write,
                stderr_fd: errors.write, lifeline_fd: lifeline.read, report_fd: reports.write, progress_fd: progress.write)
            let pid = tick_supervisor_start(&plan)
            let failure = ChildProcessErrno(errno: errno)
            for fd in [input.read, output.write, errors.write, lifeline.read, reports.write, progress.write] { close(fd) }
            guard pid > 0 else {
                for fd in [input.write, output.read, errors.read, lifeline.write, reports.read, progress.read] { close(fd) }
                return .failure(failure)
            }
            let supervisor = ChildSupervisor(pid: pid, lifeline: lifeline.write, reports: reports.read)
            return .success(
                Spawned(pid: pid, stdin: input.write, stdout: output.read, stderr: errors.read, progress: progress.read, supervisor: supervisor))
        }
    }

    /// Closes a child's pipes and releases its supervisor, when the child never started.
    private static func abandon(_ spawned: Spawned) {
        for fd in [spawned.stdin, spawned.stdout, spawned.stderr, spawned.progress] { close(fd) }
        spawned.supervisor.release()
        spawned.supervisor.reap()
    }
}
