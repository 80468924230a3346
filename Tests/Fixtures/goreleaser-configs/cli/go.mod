module github.com/cli/cli

go 1.21
