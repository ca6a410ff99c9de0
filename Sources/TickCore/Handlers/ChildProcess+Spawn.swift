#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

extension ChildProcess {
    /// A started child and the parent's (non-blocking, close-on-exec) ends of its three pipes.
    struct Spawned: Sendable {
        var pid: pid_t
        /// Write end of the child's standard input.
        var stdin: Int32
        /// Read end of the child's standard output.
        var stdout: Int32
        /// Read end of the child's standard error.
        var stderr: Int32
    }

    /// Starts `argv` with `posix_spawn` (`posix_spawnp` when `argv[0]` has no `/`) in a new process group,
    /// with every signal at its default disposition and none blocked: the worker ignores SIGTERM/SIGINT
    /// (it turns them into cancellation) and blocks SIGPIPE, and a child must not inherit either.
    /// - Parameters:
    ///   - argv: the command and its arguments; no shell is involved.
    ///   - environment: the child's whole environment, `NAME=value` each.
    /// - Returns: the child, or the `errno` of the pipe or spawn that failed (ENOENT for a missing file).
    static func spawn(argv: [String], environment: [String]) -> Result<Spawned, ChildProcessErrno> {
        guard let path = argv.first, !path.isEmpty else { return .failure(ChildProcessErrno(errno: ENOENT)) }
        // strdup'ed C strings, NULL-terminated, freed when spawning is over (the child has its own copy).
        let arguments = argv.map { strdup($0) } + [nil]
        let variables = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        return descriptorLock.withLock { _ -> Result<Spawned, ChildProcessErrno> in
            var pipes: [ChildPipe] = []
            for _ in 0..<3 {
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
            let input = pipes[0]
            let output = pipes[1]
            let errors = pipes[2]

            #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
            #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            #endif
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }

            var status = posix_spawn_file_actions_adddup2(&actions, input.read, 0)
            if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, output.write, 1) }
            if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, errors.write, 2) }

            var noSignals = sigset_t()
            sigemptyset(&noSignals)
            var allSignals = sigset_t()
            sigfillset(&allSignals)
            if status == 0 { status = posix_spawnattr_setsigmask(&attributes, &noSignals) }
            if status == 0 { status = posix_spawnattr_setsigdefault(&attributes, &allSignals) }
            if status == 0 { status = posix_spawnattr_setpgroup(&attributes, 0) }
            if status == 0 {
                let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                status = posix_spawnattr_setflags(&attributes, Int16(flags))
            }

            var pid = pid_t()
            if status == 0 {
                if path.contains("/") {
                    status = posix_spawn(&pid, path, &actions, &attributes, arguments, variables)
                } else {
                    status = posix_spawnp(&pid, path, &actions, &attributes, arguments, variables)
                }
            }
            close(input.read)
            close(output.write)
            close(errors.write)
            guard status == 0 else {
                close(input.write)
                close(output.read)
                close(errors.read)
                return .failure(ChildProcessErrno(errno: status))
            }
            for fd in [input.write, output.read, errors.read] {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            }
            return .success(Spawned(pid: pid, stdin: input.write, stdout: output.read, stderr: errors.read))
        }
    }
}
