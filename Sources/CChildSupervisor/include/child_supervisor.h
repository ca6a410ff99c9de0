#ifndef TICK_CHILD_SUPERVISOR_H
#define TICK_CHILD_SUPERVISOR_H

#include <stdint.h>
#include <sys/types.h>

/// A report the supervisor writes to `report_fd`: 8 bytes, one `write` (atomic on a pipe).
typedef struct tick_supervisor_report {
    /// One of the `TICK_SUPERVISOR_*` kinds below.
    int32_t kind;
    /// The child's pid, an `errno`, an exit status or a signal number, by `kind`.
    int32_t value;
} tick_supervisor_report;

/// The child was exec'ed; `value` is its pid, which is also its process group.
#define TICK_SUPERVISOR_STARTED 1
/// The child could not be started; `value` is the `errno` of `execve` (or `fork`, `dup2`).
#define TICK_SUPERVISOR_NOT_STARTED 2
/// The child exited; `value` is its exit status. It stays unreaped until the lifeline closes.
#define TICK_SUPERVISOR_EXITED 3
/// A signal killed the child; `value` is the signal. It stays unreaped until the lifeline closes.
#define TICK_SUPERVISOR_SIGNALED 4

/// Everything the supervisor needs, prepared by the caller before `tick_supervisor_start` forks: after the
/// fork only async-signal-safe calls are made (no allocation, no locks), as a forked copy of a
/// multithreaded process requires.
typedef struct tick_supervisor_plan {
    /// Paths to try with `execve`, in order, NULL-terminated: one for a command with a `/`, else the
    /// command joined to each directory of the caller's `PATH` (the search `posix_spawnp` makes).
    const char *const *candidates;
    /// The child's `argv`, NULL-terminated.
    char *const *argv;
    /// The child's whole environment, NULL-terminated.
    char *const *envp;
    /// The child's ends of its standard input, output and error pipes (3 or above).
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    /// The read end of the lifeline; the caller keeps the (close-on-exec) write end open while it wants
    /// the child alive. End of file: the supervisor SIGKILLs the child's process group, reaps the child and exits.
    int lifeline_fd;
    /// The write end of the pipe the supervisor writes its `tick_supervisor_report`s to.
    int report_fd;
    /// The child's end of its progress pipe, given to it as descriptor 3 (`TICK_PROGRESS_FD`); -1 for none.
    int progress_fd;
} tick_supervisor_plan;

/// Forks the supervisor, which forks the child (a new process group; default signal dispositions, no signal
/// blocked), reports `STARTED` or `NOT_STARTED`, reports `EXITED` or `SIGNALED` when the child ends, and
/// on end of file on the lifeline kills the child's process group, reaps the child and exits 0.
///
/// The supervisor itself blocks every signal but SIGCHLD (only SIGKILL stops it early), keeps no descriptor but
/// the plan's (its standard streams are /dev/null), and stays in the caller's process group.
/// @return the supervisor's pid, or -1 with `errno` set (the fork failed).
pid_t tick_supervisor_start(const tick_supervisor_plan *plan);

#endif
