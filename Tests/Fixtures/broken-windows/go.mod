module example.com/brokenwin

go 1.22
