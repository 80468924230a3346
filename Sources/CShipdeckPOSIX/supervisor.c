#define _GNU_SOURCE
#include "CShipdeckPOSIX.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The supervisor: a fork of Shipdeck that holds one end of a socket pair and a table of the
 * process groups Shipdeck has running. Shipdeck sends +pgid when it starts a child and -pgid
 * just before it reaps one. When the socket reaches end-of-file, Shipdeck is gone (whatever
 * ended it, kill -9 included): the supervisor stops every group still in the table (TERM, a
 * short grace, KILL) and exits. Between fork and _exit it calls only async-signal-safe
 * functions and touches only this static table: the parent is multi-threaded. */

#define SHIPDECK_MAX_GROUPS 4096
static pid_t table[SHIPDECK_MAX_GROUPS];

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static void supervise(int fd) {
    int count = 0;
    unsigned char carry[sizeof(int32_t)];
    size_t carried = 0;
    for (;;) {
        unsigned char buffer[1024];
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) {
            carry[carried++] = buffer[i];
            if (carried < sizeof carry) continue;
            carried = 0;
            int32_t value;
            memcpy(&value, carry, sizeof value);
            if (value > 0) {
                if (count < SHIPDECK_MAX_GROUPS) table[count++] = value;
            } else {
                for (int j = 0; j < count; j++) {
                    if (table[j] == -value) {
                        table[j] = table[--count];
                        break;
                    }
                }
            }
        }
    }
    if (count == 0) return;
    for (int j = 0; j < count; j++) {
        kill(-table[j], SIGTERM);
        kill(-table[j], SIGCONT);
    }
    /* Up to 500 ms for the trees to end on TERM (go removes its work folder), then KILL. */
    for (int round = 0; round < 25; round++) {
        int alive = 0;
        for (int j = 0; j < count; j++)
            if (kill(-table[j], 0) == 0) alive++;
        if (alive == 0) return;
        pause_ms(20);
    }
    for (int j = 0; j < count; j++) kill(-table[j], SIGKILL);
}

int shipdeck_supervisor_start(char *title, size_t title_capacity, int *fd_out, pid_t *pid_out) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return errno;
    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return error;
    }
    if (pid == 0) {
        close(fds[1]);
        /* Terminal signals are for Shipdeck, which stops its children itself; this process only
         * acts once Shipdeck is gone. */
        struct sigaction ignore;
        memset(&ignore, 0, sizeof ignore);
        ignore.sa_handler = SIG_IGN;
        int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH};
        for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) sigaction(ignored[i], &ignore, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* Hold no terminal, pipe or file of Shipdeck's: a reader of Shipdeck's stdout must see EOF
         * when Shipdeck exits, not when the supervisor does. */
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        /* Its end of the pair moves to 3 and everything above goes, however high (a raw
         * close_range, async-signal-safe; kernels before 5.9 lack it: then up to 1024 one by one). */
        int keep = fds[0];
        if (keep != 3) {
            keep = dup2(fds[0], 3) == 3 ? 3 : fds[0];
        }
#ifdef SYS_close_range
        if (keep == 3 && syscall(SYS_close_range, 4u, ~0u, 0) == 0) {
            /* done */
        } else
#endif
        {
            for (int d = 3; d < 1024; d++)
                if (d != keep) close(d);
        }
        fds[0] = keep;
        /* Shown by ps as "shipdeck-supervisor", never as a second `shipdeck release`. */
        if (title != NULL && title_capacity > 0) {
            memset(title, 0, title_capacity);
            const char *name = "shipdeck-supervisor";
            size_t len = strlen(name);
            if (len >= title_capacity) len = title_capacity - 1;
            memcpy(title, name, len);
        }
        supervise(fds[0]);
        _exit(0);
    }
    close(fds[0]);
    *fd_out = fds[1];
    *pid_out = pid;
    return 0;
}

int shipdeck_supervisor_send(int fd, int32_t value) {
    ssize_t n;
    do {
        n = send(fd, &value, sizeof value, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof value ? 0 : (n < 0 ? errno : EIO);
}

int shipdeck_exited_nowait(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r;
    do {
        r = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    return info.si_pid == pid ? 1 : 0;
}

int shipdeck_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    /* pidfd_open(2) descriptors are close-on-exec from the start. */
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -1 : (int)fd;
#else
    (void)pid;
    return -1;
#endif
}

int shipdeck_input_socket(int fds[2]) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return errno;
    int flags = fcntl(fds[0], F_GETFL);
    if (flags < 0 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) != 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return error;
    }
    return 0;
}

long shipdeck_send_nosignal(int fd, const void *bytes, size_t count) {
    ssize_t n;
    do {
        n = send(fd, bytes, count, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}
