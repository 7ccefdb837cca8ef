#ifndef CROTASPAWN_H
#define CROTASPAWN_H

#include <stddef.h>
#include <sys/types.h>

/// An anonymous in-memory file (memfd) holding `data`, positioned at its start: a page's text
/// reaches a pager's stdin without touching TMPDIR. Returns the descriptor, or -errno.
int rota_memfd(const char *data, size_t length);

/// Starts `path` with `argv` and `envp` under a guardian process that leads a process group
/// (and session) of its own, stdin from `in_fd`, stdout and stderr to `out_fd`. The guardian
/// kills the whole group (the pager and everything it started) when rota dies, however it dies,
/// so a runner killed mid-delivery never leaves a pager or its children to deliver again later;
/// and when the pager exits, it kills what the pager left behind. Signal the group (`-pid`) to
/// stop a pager: the guardian ignores SIGTERM and reports how the pager ended.
/// Returns the guardian's pid and sets `*report_fd`, or returns -errno when the program could
/// not be started.
pid_t rota_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int *report_fd);

/// After the guardian was reaped with `guardian_status`: the pager's own wait status (or the
/// guardian's, when it was killed before the pager ended). Closes `report_fd`.
int rota_spawn_status(int report_fd, int guardian_status);

/// A pipe whose ends close on exec. Returns 0, or -errno.
int rota_pipe(int fds[2]);
/// A descriptor that becomes readable when `pid` exits (Linux 5.3+). Returns it, or -errno.
int rota_pidfd_open(pid_t pid);

#endif
