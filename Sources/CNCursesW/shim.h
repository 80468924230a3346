#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config -D flags, so the wide-character API is switched on here. */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include "shim_input.h"

/*
 * Swift does not import function-like macros nor the attribute/ACS macros of curses.h, and
 * `stdin`/`stdout` are awkward globals in Swift 6. Each one the dashboard needs is wrapped here.
 */

/* Opens the terminal on this process's stdout/stdin; NULL (not exit) when TERM is unusable. */
static inline SCREEN *shipdeck_newterm(const char *term) { return newterm(term, stdout, stdin); }

/* `stdscr` is a C global: read it through a function so Swift 6 sees no shared mutable state. */
static inline WINDOW *shipdeck_stdscr(void) { return stdscr; }

static inline int shipdeck_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int shipdeck_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline int shipdeck_colors(void) { return COLORS; }
static inline int shipdeck_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t shipdeck_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }

static inline attr_t shipdeck_a_normal(void) { return A_NORMAL; }
static inline attr_t shipdeck_a_bold(void) { return A_BOLD; }
static inline attr_t shipdeck_a_dim(void) { return A_DIM; }
static inline attr_t shipdeck_a_underline(void) { return A_UNDERLINE; }
static inline attr_t shipdeck_a_reverse(void) { return A_REVERSE; }
static inline attr_t shipdeck_a_standout(void) { return A_STANDOUT; }
static inline attr_t shipdeck_a_italic(void) { return A_ITALIC; }

/* ACS_* are only valid after initscr/newterm. */
static inline chtype shipdeck_acs_hline(void) { return ACS_HLINE; }
static inline chtype shipdeck_acs_vline(void) { return ACS_VLINE; }

static inline int shipdeck_attrset(WINDOW *w, attr_t attrs) { return wattrset(w, (int)attrs); }

/* Draws at most n wide characters at y, x. */
static inline int shipdeck_mvaddnwstr(WINDOW *w, int y, int x, const wchar_t *s, int n) {
    return mvwaddnwstr(w, y, x, s, n);
}

/* Columns a character takes (glibc declares wcwidth only under _XOPEN_SOURCE). */
extern int wcwidth(wchar_t c);
static inline int shipdeck_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* True when the process's character set after setlocale is UTF-8. */
static inline int shipdeck_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* True when nobody has claimed the signal yet (its action is still the default). */
static inline int shipdeck_signal_is_default(int sig) {
    struct sigaction old;
    if (sigaction(sig, NULL, &old) != 0) return 0;
    return old.sa_handler == SIG_DFL;
}

static inline void shipdeck_signal_ignore(int sig) { signal(sig, SIG_IGN); }
static inline void shipdeck_signal_default(int sig) { signal(sig, SIG_DFL); }

/*
 * Crash cleanup: on a fatal signal (a Swift trap is SIGILL/SIGTRAP, a bad access SIGSEGV/SIGBUS,
 * abort() SIGABRT) the dashboard gives the terminal back first, then the previous action (the
 * Swift backtracer, or the default) runs as it would have: a faulting instruction faults again on
 * return, abort() raises again by itself, and the others are raised here.
 */
typedef void (*shipdeck_cleanup_fn)(void);
/* State lives in a function's static (a header's file-scope statics are not emitted for Swift). */
struct shipdeck_crash_state {
    shipdeck_cleanup_fn cleanup;
    struct sigaction saved[NSIG];
};
static inline struct shipdeck_crash_state *shipdeck_crash_state(void) {
    static struct shipdeck_crash_state state;
    return &state;
}
#define SHIPDECK_FATAL_SIGNALS {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE}

static inline void shipdeck_crash_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    struct shipdeck_crash_state *state = shipdeck_crash_state();
    shipdeck_cleanup_fn cleanup = state->cleanup;
    state->cleanup = NULL;
    if (cleanup) cleanup();
    sigaction(sig, &state->saved[sig], NULL);
    /* A fault (si_code > 0) happens again when the instruction re-runs; a signal that was sent
       (kill, raise, abort) or a breakpoint trap is raised again here. */
    if (sig == SIGTRAP || info == NULL || info->si_code <= 0) raise(sig);
}

static inline void shipdeck_install_crash_cleanup(shipdeck_cleanup_fn cleanup) {
    struct shipdeck_crash_state *state = shipdeck_crash_state();
    const int signals[] = SHIPDECK_FATAL_SIGNALS;
    state->cleanup = cleanup;
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = shipdeck_crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_NODEFER | SA_SIGINFO;
        sigaction(signals[i], &action, &state->saved[signals[i]]);
    }
}

static inline void shipdeck_remove_crash_cleanup(void) {
    struct shipdeck_crash_state *state = shipdeck_crash_state();
    const int signals[] = SHIPDECK_FATAL_SIGNALS;
    if (!state->cleanup) return;
    state->cleanup = NULL;
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &state->saved[signals[i]], NULL);
    }
}

#endif
