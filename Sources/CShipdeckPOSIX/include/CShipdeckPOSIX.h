#ifndef CSHIPDECK_POSIX_H
#define CSHIPDECK_POSIX_H

#include <sys/types.h>

/// Spawns `path` with `argv`/`envp` in `cwd`, in a new session without a controlling terminal, so
/// its process group id is its pid and killing that group ends the whole tree.
/// The child's stdin is /dev/null; stdout and stderr both go to `output_fd`. Every other
/// descriptor is closed in the child. Signal mask and dispositions are reset.
/// Returns 0 and stores the pid, or an errno value. (`shipdeck_spawn_io` with no input.)
int shipdeck_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                   int output_fd, pid_t *pid_out);

/// pipe2 with O_CLOEXEC: both ends close on exec, so no build child inherits another's pipe.
int shipdeck_pipe_cloexec(int fds[2]);

/// Sends `sig` to the whole process group `pgid`.
int shipdeck_kill_group(pid_t pgid, int sig);

/// waitpid that retries on EINTR; returns the raw status in *status.
pid_t shipdeck_wait(pid_t pid, int *status, int nohang);

int shipdeck_wifexited(int status);
int shipdeck_wexitstatus(int status);
int shipdeck_wifsignaled(int status);
int shipdeck_wtermsig(int status);

/// Like shipdeck_spawn, but stdin is `input_fd` (or /dev/null when negative). Used for signing
/// tools, which read passwords from stdin and, with no terminal, can never prompt on one.
int shipdeck_spawn_io(const char *path, char *const argv[], char *const envp[], const char *cwd,
                      int input_fd, int output_fd, pid_t *pid_out);

#include <stddef.h>
#include <stdint.h>

/// Forks the supervisor (supervisor.c): it keeps the process groups sent to it and, when the
/// socket `*fd_out` reaches end-of-file (Shipdeck exited or was killed), stops every group
/// still listed. `title` (the argv area, `title_capacity` bytes) is overwritten in the child
/// only, so ps shows "shipdeck-supervisor". Returns 0 or an errno value.
int shipdeck_supervisor_start(char *title, size_t title_capacity, int *fd_out, pid_t *pid_out);

/// Sends +pgid (adopt) or -pgid (release) to the supervisor; never raises SIGPIPE.
int shipdeck_supervisor_send(int fd, int32_t value);

/// 1 when `pid` has exited (it stays a zombie: not reaped), 0 when it runs, -errno on error.
int shipdeck_exited_nowait(pid_t pid);

/// A close-on-exec descriptor that polls readable (POLLIN) once `pid` has exited (Linux pidfd,
/// 5.3+), or -1 where the kernel has none: the caller then falls back to looking at the pid.
int shipdeck_pidfd_open(pid_t pid);

/// A socket pair for a child's stdin: fds[0] (ours) non-blocking, fds[1] for the child.
int shipdeck_input_socket(int fds[2]);

/// A non-blocking send that never raises SIGPIPE: bytes sent, or -errno.
long shipdeck_send_nosignal(int fd, const void *bytes, size_t count);

#endif
