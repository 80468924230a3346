#!/bin/sh
# A `go` that prints what a hostile build could print, then runs the real go (@REAL_GO@ is
# replaced by the test). The windows build then waits (the cell stays running) unless
# NOISY_NO_WAIT exists beside this script.
if [ "$1" = build ]; then
    printf 'noisy: clear\033[2J\033[Hscreen\n'
    printf 'noisy: clipboard\033]52;c;aGFja2VkLWNsaXBib2FyZA==\007done\n'
    printf 'noisy: title\033]0;PWNED-TITLE\007done\n'
    printf 'noisy: bidi \342\200\256gnp.exe\n'
    printf 'noisy: wide 构建 🚀 end\n'
    if [ "$GOOS" = windows ] && [ ! -e "$(dirname "$0")/NOISY_NO_WAIT" ]; then
        sleep 317
    fi
fi
exec "@REAL_GO@" "$@"
