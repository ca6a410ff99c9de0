// The supervisor: a forked copy of the calling process that runs only the async-signal-safe code below. It
// is the child's parent, so the child's pid (its process group) stays valid until the supervisor reaps it,
// which it does only after the lifeline closes: when the caller is done with the child, or when it died.
#define _GNU_SOURCE  // _Fork
#include "child_supervisor.h"
#include "exec_child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

/// Write end of the supervisor's SIGCHLD self-pipe (its own copy of this variable, after the fork).
static int child_signal_fd = -1;

static void on_child_signal(int number) {
    (void)number;
    int saved = errno;
    char byte = 1;
    (void)write(child_signal_fd, &byte, 1);
    errno = saved;
}

static void set_disposition(int number, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    (void)sigaction(number, &action, NULL);
}

/// No handler of the caller's may run here (its code is not async-signal-safe): every signal but SIGCHLD
/// is blocked, so none is delivered (SIGKILL and SIGSTOP aside), and SIGCHLD wakes the loop. Blocking takes two
/// system calls where resetting every disposition takes one per signal; the child resets them before exec.
static void take_signals(void) {
    set_disposition(SIGCHLD, on_child_signal);
    sigset_t all_but_child;
    sigfillset(&all_but_child);
    sigdelset(&all_but_child, SIGCHLD);
    (void)sigprocmask(SIG_SETMASK, &all_but_child, NULL);
}

static void close_range_from(int first, int last) {
    if (first > last) return;
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, (unsigned)first, (unsigned)last, 0) == 0) return;
#endif
    struct rlimit limit;
    int highest = 1024;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < INT_MAX) {
        highest = (int)limit.rlim_cur;
    }
    for (int fd = first; fd <= last && fd < highest; fd++) (void)close(fd);
}

/// Standard streams to /dev/null (a reader of the caller's output must not wait for the supervisor), and
/// every other descriptor closed but the plan's: the caller's sockets and other children's pipe ends
/// (which would delay their end of file) are none of the supervisor's business.
static void take_descriptors(const tick_supervisor_plan *plan) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        for (int fd = 0; fd <= 2; fd++) if (null != fd) (void)dup2(null, fd);
    }
    int keep[] = {plan->stdin_fd, plan->stdout_fd, plan->stderr_fd, plan->lifeline_fd, plan->report_fd, plan->progress_fd};
    int count = sizeof keep / sizeof keep[0];
    if (plan->progress_fd < 0) count--;  // no progress pipe: the last entry is not a descriptor
    for (int i = 1; i < count; i++) {  // insertion sort, six entries
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int swap = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = swap;
        }
    }
    int next = 3;
    for (int i = 0; i < count; i++) {
        close_range_from(next, keep[i] - 1);
        if (keep[i] + 1 > next) next = keep[i] + 1;
    }
    close_range_from(next, INT_MAX);
}

static int make_pipe(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) (void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    return 0;
}

static void report(int fd, int32_t kind, int32_t value) {
    tick_supervisor_report message = {kind, value};
    ssize_t written;
    do { written = write(fd, &message, sizeof message); } while (written < 0 && errno == EINTR);
}

/// Forks and execs the child. @return its pid, or -1 after reporting NOT_STARTED.
static pid_t start_child(const tick_supervisor_plan *plan) {
    int error_pipe[2];
    if (make_pipe(error_pipe) != 0) {
        report(plan->report_fd, TICK_SUPERVISOR_NOT_STARTED, errno);
        return -1;
    }
#if defined(__linux__)
    // The supervisor has one thread, so vfork is safe here, and it copies no page tables.
    pid_t child = vfork();
#else
    pid_t child = fork();
#endif
    if (child == 0) tick_exec_child(plan, error_pipe[1]);
    int fork_error = errno;
    (void)close(error_pipe[1]);
    (void)close(plan->stdin_fd);
    (void)close(plan->stdout_fd);
    (void)close(plan->stderr_fd);
    if (child < 0) {
        (void)close(error_pipe[0]);
        report(plan->report_fd, TICK_SUPERVISOR_NOT_STARTED, fork_error);
        return -1;
    }
    (void)setpgid(child, child);  // also done by the child: whichever runs first
    int32_t exec_error = 0;
    ssize_t got;
    do { got = read(error_pipe[0], &exec_error, sizeof exec_error); } while (got < 0 && errno == EINTR);
    (void)close(error_pipe[0]);
    if (got == (ssize_t)sizeof exec_error) {
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        report(plan->report_fd, TICK_SUPERVISOR_NOT_STARTED, exec_error);
        return -1;
    }
    report(plan->report_fd, TICK_SUPERVISOR_STARTED, child);
    return child;
}

/// Whether the child has ended; reports how, without reaping it (its pid keeps naming its group).
static int child_ended(pid_t child, int report_fd) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != child) return 0;
    if (info.si_code == CLD_EXITED) {
        report(report_fd, TICK_SUPERVISOR_EXITED, info.si_status);
    } else {
        report(report_fd, TICK_SUPERVISOR_SIGNALED, info.si_status);
    }
    return 1;
}

/// Waits for the child's end (reported) and for the lifeline's end of file, in either order.
static void supervise(pid_t child, const tick_supervisor_plan *plan, int child_signal_read) {
    int ended = 0;
    for (;;) {
        if (!ended) ended = child_ended(child, plan->report_fd);
        struct pollfd fds[2] = {{plan->lifeline_fd, POLLIN, 0}, {child_signal_read, POLLIN, 0}};
        int ready = poll(fds, ended ? 1 : 2, ended ? -1 : 1000);
        if (ready < 0 && errno != EINTR && errno != EAGAIN) return;
        if (ready <= 0) continue;
        if (!ended && fds[1].revents != 0) {
            char drain[64];
            (void)read(child_signal_read, drain, sizeof drain);
        }
        if (fds[0].revents != 0) {
            char ignored[64];
            ssize_t got = read(plan->lifeline_fd, ignored, sizeof ignored);
            if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) return;
        }
    }
}

__attribute__((noreturn)) static void run_supervisor(const tick_supervisor_plan *plan) {
    take_signals();
    take_descriptors(plan);
    int child_signal[2];
    if (make_pipe(child_signal) != 0) {
        report(plan->report_fd, TICK_SUPERVISOR_NOT_STARTED, errno);
        _exit(0);
    }
    (void)fcntl(child_signal[0], F_SETFL, O_NONBLOCK);
    (void)fcntl(child_signal[1], F_SETFL, O_NONBLOCK);
    child_signal_fd = child_signal[1];
    pid_t child = start_child(plan);
    if (child > 0) {
        supervise(child, plan, child_signal[0]);
        (void)kill(-child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
    }
    _exit(0);
}

/// `_Fork` where the C library has it (glibc 2.34+): async-signal-safe, and it runs none of the caller's
/// `pthread_atfork` handlers, which the supervisor does not need (it calls no library that registers one).
static pid_t fork_supervisor(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return _Fork();
#else
    return fork();
#endif
}

pid_t tick_supervisor_start(const tick_supervisor_plan *plan) {
    pid_t pid = fork_supervisor();
    if (pid == 0) run_supervisor(plan);
    return pid;
}
