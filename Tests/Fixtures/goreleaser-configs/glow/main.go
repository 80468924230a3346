package main

import "fmt"

var version = "dev"

// A stand-in for the real program: the fixture only needs a main package where the config names one.
func main() { fmt.Println(version) }
