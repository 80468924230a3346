module github.com/junegunn/fzf

go 1.21
