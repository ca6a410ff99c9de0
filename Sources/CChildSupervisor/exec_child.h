#ifndef TICK_EXEC_CHILD_H
#define TICK_EXEC_CHILD_H

#include "child_supervisor.h"

/// In the supervisor's freshly forked child: a new process group, default signal dispositions, an empty
/// signal mask, the plan's pipes as descriptors 0-2, then `execve` of each candidate in turn. On failure
/// writes the `errno` (4 bytes) to `error_fd` (close-on-exec) and exits 127. Async-signal-safe calls only.
__attribute__((noreturn)) void tick_exec_child(const tick_supervisor_plan *plan, int error_fd);

#endif
