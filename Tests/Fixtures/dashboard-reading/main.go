// Command hello is the dashboard retry fixture: broken_windows.go breaks the windows build.
package main

import "fmt"

func main() { fmt.Println("hello", greeting()) }
