module example.com/sbomhello

go 1.22

require example.com/greet v0.1.0
