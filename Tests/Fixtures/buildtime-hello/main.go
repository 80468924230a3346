// Command buildtime embeds the moment it was built, which makes it not reproducible: the
// reproducibility check must say so and name the cause.
package main

import "fmt"

var (
	version = "dev"
	built   = "unknown"
)

func main() { fmt.Println(version, built) }
