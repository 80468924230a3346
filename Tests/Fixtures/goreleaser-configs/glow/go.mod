module github.com/charmbracelet/glow

go 1.21
