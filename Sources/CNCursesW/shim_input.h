#ifndef CNCURSESW_SHIM_INPUT_H
#define CNCURSESW_SHIM_INPUT_H
/* Mouse, terminal capabilities and job control for the dashboard (included by shim.h). */
#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

/* Clicks of the first button and the wheel; no motion tracking, so a terminal's own
   Shift-drag selection stays with the terminal. */
static inline int shipdeck_mouse_enable(int on) {
    mmask_t wanted = on ? (BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0;
    mmask_t old = 0;
    mouseinterval(0);
    return mousemask(wanted, &old) != 0 || !on;
}

/* Every queued mouse event, newest first (the order getmouse() hands them out), at most `max`:
   kinds[i] is 1 for a press of the first button, 4 wheel up, 5 wheel down, 0 other. Returns how many.
   ncurses keeps events in a ring and getmouse() hands out the newest one. When a press and its
   release come in one read (a loaded machine, a terminal or link that batches them), one KEY_MOUSE
   is returned for both: taking a single event would take the release, and the press would wait
   for the next mouse event. So the ring is drained each time (the caller puts them in order). */
static inline int shipdeck_mouse_events(int *kinds, int *rows, int *columns, int max) {
    int count = 0;
    MEVENT event;
    while (count < max && getmouse(&event) == OK) {
        int kind = 0;
        if (event.bstate & BUTTON1_PRESSED) kind = 1;
        else if (event.bstate & BUTTON4_PRESSED) kind = 4;
        else if (event.bstate & BUTTON5_PRESSED) kind = 5;
        kinds[count] = kind;
        rows[count] = event.y;
        columns[count] = event.x;
        count++;
    }
    return count;
}

static inline int shipdeck_key_mouse(void) { return KEY_MOUSE; }

/* True when terminfo has the string capability (extended names such as Ms included). */
static inline int shipdeck_has_string_capability(const char *name) {
    char *value = tigetstr(name);
    return value != NULL && value != (char *)-1;
}

/* Leaves curses mode for a child that uses the terminal, and comes back with a full redraw. */
static inline void shipdeck_suspend(void) { def_prog_mode(); endwin(); }
static inline void shipdeck_resume(WINDOW *w) {
    reset_prog_mode();
    clearok(curscr, TRUE);
    wrefresh(w);
}

/* Job control for a child that reads the terminal (the pager): it runs in its own process group,
   which becomes the terminal's foreground group while it runs, so Ctrl-C, Ctrl-Z and friends
   reach it and not the dashboard; the dashboard's group is given the terminal back afterwards.
   SIGTTOU is blocked while the dashboard (then a background group) calls tcsetpgrp. */
static inline int shipdeck_set_foreground(int fd, pid_t group) {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTTOU);
    sigprocmask(SIG_BLOCK, &block, &old);
    int result = tcsetpgrp(fd, group);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return result;
}

/* Spawns argv in a new process group with the terminal as its stdio; the pid or -1. */
static inline pid_t shipdeck_spawn_foreground(const char *path, char *const argv[], char *const envp[]) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGQUIT);
    sigaddset(&defaults, SIGTSTP);
    sigaddset(&defaults, SIGTTIN);
    sigaddset(&defaults, SIGTTOU);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, path, NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? pid : -1;
}

/* Waits for the child; a child stopped because it touched the terminal before it was given it is
   continued. Returns its exit status (128+signal when killed), -1 on error. */
static inline int shipdeck_wait_foreground(pid_t pid) {
    for (;;) {
        int status = 0;
        pid_t got = waitpid(pid, &status, WUNTRACED);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (WIFSTOPPED(status)) {
            kill(-pid, SIGCONT);
            continue;
        }
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
}
#endif
