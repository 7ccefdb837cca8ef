#ifndef CROTASPAWN_H
#define CROTASPAWN_H

#include <stddef.h>
#include <sys/types.h>

/// An anonymous in-memory file (memfd) holding `data`, positioned at its start: a page's text
/// reaches a pager's stdin without touching TMPDIR. Returns the descriptor, or -errno.
int rota_memfd(const char *data, size_t length);

/// Starts `path` with `argv` and `envp` in a session of its own, stdin from `in_fd`, stdout and
/// stderr to `out_fd`. The child is killed (SIGKILL) when the thread that started it dies, so a
/// runner killed mid-delivery never leaves its pagers running to deliver again later.
/// Returns the pid, or -errno when the program could not be started.
pid_t rota_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd);

/// A pipe whose ends close on exec. Returns 0, or -errno.
int rota_pipe(int fds[2]);
/// A descriptor that becomes readable when `pid` exits (Linux 5.3+). Returns it, or -errno.
int rota_pidfd_open(pid_t pid);

#endif
