module example.com/buildtime

go 1.22
