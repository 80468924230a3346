module example.com/imagehello

go 1.22
