#define _GNU_SOURCE
#include "CRotaSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int rota_memfd(const char *data, size_t length) {
    int fd = memfd_create("rota-page", MFD_CLOEXEC);
    if (fd < 0) return -errno;
    size_t done = 0;
    while (done < length) {
        ssize_t n = write(fd, data + done, length - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            close(fd);
            return -saved;
        }
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}

enum { TAG_STARTED = 1, TAG_FAILED = 2, TAG_EXITED = 3 };

static int say(int fd, int tag, int value) {
    int message[2] = {tag, value};
    ssize_t n;
    do {
        n = write(fd, message, sizeof message);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof message ? 0 : -1;
}

static ssize_t hear(int fd, int message[2]) {
    ssize_t n;
    do {
        n = read(fd, message, 2 * sizeof(int));
    } while (n < 0 && errno == EINTR);
    return n;
}

static void set_all_signals(void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &action, NULL);
}

/* The guardian: the leader of the pager's process group, forked from rota. It starts the
   pager, tells rota whether it started, then waits for whichever comes first: the pager's exit
   (it reports the status, then kills what the pager left behind in its group) or rota's death,
   seen as the report pipe losing its only reader (it kills the whole group). It ignores
   SIGTERM, so rota's timeout (SIGTERM to the group, then SIGKILL) reaches the pager while the
   guardian stays to report. Only async-signal-safe calls: rota may have many threads. */
static void guard(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd,
                  int report, pid_t parent) __attribute__((noreturn));
static void guard(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd,
                  int report, pid_t parent) {
    setsid();
    set_all_signals(SIG_DFL);
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGTERM, &ignore, NULL);
    sigaction(SIGINT, &ignore, NULL);
    sigaction(SIGHUP, &ignore, NULL);
    sigaction(SIGPIPE, &ignore, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Nothing else of rota's (the database, locks, other pagers' report pipes) stays open here. */
    for (int fd = 3; fd < 1024; fd++) if (fd != in_fd && fd != out_fd && fd != report) close(fd);
    if (getppid() != parent) _exit(127); /* rota died already */
    int started[2];
    if (pipe2(started, O_CLOEXEC) != 0) {
        say(report, TAG_FAILED, errno);
        _exit(127);
    }
    pid_t pager = fork();
    if (pager == 0) {
        set_all_signals(SIG_DFL);
        if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) goto failed;
        if (in_fd > 2) close(in_fd);
        if (out_fd > 2) close(out_fd);
        execve(path, argv, envp);
    failed:;
        int error = errno;
        ssize_t ignored = write(started[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    int fork_error = errno;
    close(started[1]);
    close(in_fd);
    close(out_fd);
    if (pager < 0) {
        say(report, TAG_FAILED, fork_error);
        _exit(127);
    }
    int error = 0;
    ssize_t n;
    do {
        n = read(started[0], &error, sizeof error);
    } while (n < 0 && errno == EINTR);
    close(started[0]);
    if (n == (ssize_t)sizeof error) {
        int status;
        while (waitpid(pager, &status, 0) < 0 && errno == EINTR) {}
        say(report, TAG_FAILED, error);
        _exit(127);
    }
    say(report, TAG_STARTED, 0);
    int exited = rota_pidfd_open(pager);
    for (;;) {
        struct pollfd watch[2] = {{report, 0, 0}, {exited, POLLIN, 0}};
        poll(watch, exited >= 0 ? 2 : 1, exited >= 0 ? -1 : 100);
        if (watch[0].revents & (POLLERR | POLLHUP)) kill(0, SIGKILL); /* rota is gone: so is the group */
        int status;
        pid_t done = waitpid(pager, &status, WNOHANG);
        if (done == pager) {
            say(report, TAG_EXITED, status);
            kill(0, SIGKILL); /* what the pager left running goes with it */
            _exit(0);
        }
        if (done < 0 && errno != EINTR) _exit(127);
    }
}

pid_t rota_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int *report_fd) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;
    pid_t parent = getpid();
    /* Every signal is blocked around fork, so no handler of rota's runs in the guardian. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t guardian = fork();
    if (guardian == 0) {
        close(report[0]);
        guard(path, argv, envp, in_fd, out_fd, report[1], parent);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (guardian < 0) {
        close(report[0]);
        return -saved;
    }
    int message[2] = {0, 0};
    ssize_t n = hear(report[0], message);
    if (n != (ssize_t)sizeof message || message[0] != TAG_STARTED) {
        int status;
        while (waitpid(guardian, &status, 0) < 0 && errno == EINTR) {}
        close(report[0]);
        return n == (ssize_t)sizeof message && message[0] == TAG_FAILED ? -message[1] : -ECHILD;
    }
    *report_fd = report[0];
    return guardian;
}

int rota_spawn_status(int report_fd, int guardian_status) {
    int message[2] = {0, 0};
    int flags = fcntl(report_fd, F_GETFL);
    fcntl(report_fd, F_SETFL, flags | O_NONBLOCK);
    ssize_t n = hear(report_fd, message);
    close(report_fd);
    return n == (ssize_t)sizeof message && message[0] == TAG_EXITED ? message[1] : guardian_status;
}

int rota_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : -errno;
}

int rota_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : (int)fd;
#else
    (void)pid;
    return -ENOSYS;
#endif
}
