// Every test process gets a private TMPDIR, made before main and removed when the process exits.
//
// The tests make several hundred folders (module copies, dist folders, key rings, fake toolchains) and
// the releases they run make more; one suite run used to leave 828 MB in /tmp. Setting TMPDIR here,
// while the process is still single-threaded, sends every one of them (and those of the shipdeck, go and
// signer children, which inherit it) into one folder that is removed at exit. A run that is killed
// leaves its folder behind; the next run removes the folders of processes that no longer exist.
//
// SHIPDECK_KEEP_TEST_TMP=1 keeps the folder (later runs leave it alone) and prints its path at exit, to
// read what a failed test made.
#define _GNU_SOURCE
#include "CShipdeckTestScratch.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PREFIX "shipdeck-tests-"
#define KEPT "KEPT"  // in a kept folder: later runs leave it alone

static char scratch_root[4096];
static pid_t scratch_owner;

const char *shipdeck_test_scratch_root(void) { return scratch_root; }

static int open_up(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)ftw;
    // Read-only folders (go's module cache, a test's read-only copy) would keep their entries.
    if ((type == FTW_D || type == FTW_DNR) && (st->st_mode & 0700) != 0700) chmod(path, 0700);
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st; (void)type; (void)ftw;
    remove(path);
    return 0;
}

// Removes a tree without following links or crossing into other file systems (a test's mount).
void shipdeck_test_remove_tree(const char *path) {
    nftw(path, open_up, 32, FTW_PHYS | FTW_MOUNT);
    nftw(path, remove_one, 32, FTW_PHYS | FTW_MOUNT | FTW_DEPTH);
}

#define MARKER_SIZE (sizeof scratch_root + sizeof "/" KEPT)

// The path of the marker of a folder kept with SHIPDECK_KEEP_TEST_TMP, into `marker` (MARKER_SIZE).
static void kept_marker(const char *folder, char *marker) {
    snprintf(marker, MARKER_SIZE, "%s/" KEPT, folder);
}

static int is_kept(const char *folder) {
    char marker[MARKER_SIZE];
    kept_marker(folder, marker);
    return access(marker, F_OK) == 0;
}

static void remove_stale_roots(const char *base) {
    DIR *dir = opendir(base);
    if (!dir) return;
    struct dirent *entry;
    char path[sizeof scratch_root];
    while ((entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, PREFIX, strlen(PREFIX)) != 0) continue;
        char *end = NULL;
        long pid = strtol(entry->d_name + strlen(PREFIX), &end, 10);
        if (pid <= 0 || !end || *end != '\0') continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;  // its process still runs
        if ((size_t)snprintf(path, sizeof path, "%s/%s", base, entry->d_name) >= sizeof path) continue;
        if (!is_kept(path)) shipdeck_test_remove_tree(path);
    }
    closedir(dir);
}

static void remove_scratch_root(void) {
    if (getpid() != scratch_owner || scratch_root[0] == '\0') return;  // a forked child exiting
    const char *keep = getenv("SHIPDECK_KEEP_TEST_TMP");
    if (keep && *keep && strcmp(keep, "0") != 0) {
        char marker[MARKER_SIZE];
        kept_marker(scratch_root, marker);
        FILE *file = fopen(marker, "w");
        if (file) fclose(file);
        fprintf(stderr, "shipdeck tests: kept this run's temporary files in %s (remove it when done)\n", scratch_root);
        return;
    }
    shipdeck_test_remove_tree(scratch_root);
}

__attribute__((constructor)) static void make_scratch_root(void) {
    const char *given = getenv("TMPDIR");
    char base[sizeof scratch_root];
    if (given && given[0] == '/') {
        snprintf(base, sizeof base, "%s", given);
        size_t n = strlen(base);
        while (n > 1 && base[n - 1] == '/') base[--n] = '\0';
    } else {
        snprintf(base, sizeof base, "/tmp");
    }
    remove_stale_roots(base);
    if ((size_t)snprintf(scratch_root, sizeof scratch_root, "%s/" PREFIX "%ld", base, (long)getpid())
        >= sizeof scratch_root) {
        scratch_root[0] = '\0';
        return;
    }
    if (!is_kept(scratch_root)) shipdeck_test_remove_tree(scratch_root);  // an earlier process's, this pid
    if (mkdir(scratch_root, 0700) != 0) {  // a kept folder, or one of another user: use TMPDIR as given
        scratch_root[0] = '\0';
        return;
    }
    scratch_owner = getpid();
    setenv("TMPDIR", scratch_root, 1);
    atexit(remove_scratch_root);
}
