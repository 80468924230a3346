// Command hello is the dashboard escape-sequence fixture; go-noisy.sh makes its builds print
// terminal control sequences.
package main

import "fmt"

func main() { fmt.Println("hello") }
