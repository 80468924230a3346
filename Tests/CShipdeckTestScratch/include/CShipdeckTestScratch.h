#ifndef CSHIPDECK_TEST_SCRATCH_H
#define CSHIPDECK_TEST_SCRATCH_H

/// The folder this test process's TMPDIR points at (created before main, removed at exit), or "" when
/// it could not be made and the tests use the TMPDIR they were given.
const char *shipdeck_test_scratch_root(void);

/// Removes a tree without following symbolic links or crossing into another file system, opening
/// read-only folders first; what cannot be removed stays.
void shipdeck_test_remove_tree(const char *path);

#endif
