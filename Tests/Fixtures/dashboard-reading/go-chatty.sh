#!/bin/sh
# A `go` that prints a long log (see README.md), then runs the real go (@REAL_GO@ is replaced by the test).
if [ "$1" = build ]; then
    i=1
    while [ $i -le 3000 ]; do
        if [ $i -eq 100 ]; then echo "needle-on-disk: only the log file still holds this line"; fi
        if [ $i -eq 2995 ]; then
            printf 'wide:'
            j=0
            while [ $j -lt 40 ]; do printf ' filler-%02d' $j; j=$((j + 1)); done
            printf ' END-OF-LONG-LINE\n'
            printf 'hostile: \033]52;c;aGFja2Vk\007 title\n'
        fi
        echo "chatter $i"
        i=$((i + 1))
    done
fi
exec "@REAL_GO@" "$@"
