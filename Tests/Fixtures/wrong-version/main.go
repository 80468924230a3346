// Command hello ignores the version the release injects: the smoke test must catch it.
package main

import (
	"flag"
	"fmt"
)

var version = "dev"

func main() {
	flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	_ = version
	fmt.Println("9.9.9")
}
