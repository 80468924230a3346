#define _GNU_SOURCE
#include "CShipdeckPOSIX.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

int shipdeck_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                   int output_fd, pid_t *pid_out) {
    return shipdeck_spawn_io(path, argv, envp, cwd, -1, output_fd, pid_out);
}

int shipdeck_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int shipdeck_kill_group(pid_t pgid, int sig) { return kill(-pgid, sig) == 0 ? 0 : errno; }

pid_t shipdeck_wait(pid_t pid, int *status, int nohang) {
    pid_t r;
    do {
        r = waitpid(pid, status, nohang ? WNOHANG : 0);
    } while (r < 0 && errno == EINTR);
    return r;
}

int shipdeck_wifexited(int status) { return WIFEXITED(status); }
int shipdeck_wexitstatus(int status) { return WEXITSTATUS(status); }
int shipdeck_wifsignaled(int status) { return WIFSIGNALED(status); }
int shipdeck_wtermsig(int status) { return WTERMSIG(status); }
