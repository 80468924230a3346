// Command hello is the example module Shipdeck's README releases.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
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
	name := "world"
	if flag.NArg() > 0 {
		name = flag.Arg(0)
	}
	fmt.Fprintf(os.Stdout, "hello, %s, from %s/%s (version %s)\n", name, runtime.GOOS, runtime.GOARCH, version)
}
