// Command journalhello is the fixture of the journal, watch and resume tests.
package main

import "fmt"

var version = "dev"

func main() { fmt.Println("journalhello", version) }
