module example.com/journalhello

go 1.22
