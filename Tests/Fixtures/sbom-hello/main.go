// Command sbomhello depends on one real module (example.com/greet, served by the file-based
// module proxy in goproxy/), so `go version -m` records a dependency with its h1: sum.
package main

import (
	"flag"
	"fmt"

	"example.com/greet"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	fmt.Println(greet.Hello("world"), version)
}
