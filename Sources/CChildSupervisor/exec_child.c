#include "exec_child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#if defined(NSIG)
#define TICK_SIGNAL_COUNT NSIG
#else
#define TICK_SIGNAL_COUNT 65
#endif

/// Every disposition to its default (the caller's ignored ones would survive `execve`), then no signal
/// blocked; in this order, so that a signal is never delivered to a handler of the caller's.
static void reset_signals(void) {
    struct sigaction defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int number = 1; number < TICK_SIGNAL_COUNT; number++) {
        if (number == SIGKILL || number == SIGSTOP) continue;
        (void)sigaction(number, &defaults, NULL);  // EINVAL for the C library's reserved ones: fine
    }
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

__attribute__((noreturn)) static void fail(int error_fd, int code) {
    int32_t value = code;
    ssize_t written;
    do { written = write(error_fd, &value, sizeof value); } while (written < 0 && errno == EINTR);
    _exit(127);
}

/// Whether a PATH search goes on after this `execve` error (as `execvp` and `posix_spawnp` do).
static int search_continues(int code) {
    return code == ENOENT || code == ENOTDIR || code == EACCES || code == ESTALE || code == ENODEV || code == ETIMEDOUT;
}

void tick_exec_child(const tick_supervisor_plan *plan, int error_fd) {
    (void)setpgid(0, 0);
    reset_signals();
    if (dup2(plan->stdin_fd, 0) < 0 || dup2(plan->stdout_fd, 1) < 0 || dup2(plan->stderr_fd, 2) < 0) {
        fail(error_fd, errno);
    }
    // The progress pipe as descriptor 3, open across execve (dup2 clears close-on-exec on the copy; when it is
    // 3 already there is no copy, so the flag is cleared by hand).
    if (plan->progress_fd >= 0) {
        if (plan->progress_fd != 3 && dup2(plan->progress_fd, 3) < 0) fail(error_fd, errno);
        if (fcntl(3, F_SETFD, 0) < 0) fail(error_fd, errno);
    }
    int result = ENOENT;
    int denied = 0;
    for (const char *const *candidate = plan->candidates; *candidate != NULL; candidate++) {
        execve(*candidate, plan->argv, plan->envp);
        result = errno;
        if (result == EACCES) denied = 1;
        if (!search_continues(result)) break;
    }
    if (denied && search_continues(result)) result = EACCES;
    fail(error_fd, result);
}
