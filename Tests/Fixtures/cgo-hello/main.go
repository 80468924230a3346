// Command cgohello prints its version; the greeting comes from C so the build needs cgo.
package main

/*
#include <stdlib.h>

static int answer(void) { return 6 * 7; }
*/
import "C"

import (
	"flag"
	"fmt"
)

var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	fmt.Printf("cgo says %d\n", int(C.answer()))
}
