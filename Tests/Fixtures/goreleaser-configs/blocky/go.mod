module github.com/0xERR0R/blocky

go 1.21
