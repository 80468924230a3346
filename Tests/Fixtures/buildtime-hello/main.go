// Command buildtime embeds the moment it was built, which makes it not reproducible: the
// reproducibility check must say so and name the cause. It imports nothing (see tiny-hello).
package main

var (
	version = "dev"
	built   = "unknown"
)

func main() { println(version, built) }
