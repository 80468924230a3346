// Command tiny prints its version and imports nothing, so a build with an empty GOCACHE compiles
// only the runtime and what it needs (31 packages; fmt needs 63): the reproducibility tests build
// each cell a second time with an empty GOCACHE, and this is what that costs them.
package main

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() { println(version) }
