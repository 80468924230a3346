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
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc;

    if ((rc = posix_spawn_file_actions_init(&actions)) != 0) return rc;
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }

    rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
    /* Everything above stderr is closed: no leaked descriptor reaches a build. */
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (rc == 0 && cwd != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);

    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0) rc = posix_spawnattr_setpgroup(&attr, 0);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                 POSIX_SPAWN_SETSIGDEF);
    if (rc == 0) rc = posix_spawn(pid_out, path, &actions, &attr, argv, envp);

    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
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
