#!/bin/sh
# Runs after the package is installed (shell built-ins only: the tests' scratch root has just sh).
set -e
echo "pkghello installed" > /etc/pkghello/installed
