#!/bin/sh
# Runs before the package is removed.
set -e
if [ "$1" = remove ] || [ "$1" = 0 ]; then
    echo "pkghello: removing" >&2
fi
