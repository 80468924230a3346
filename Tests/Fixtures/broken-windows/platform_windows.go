package main

// This file does not compile, on purpose: only the windows cell of the release fails.
func platform() string { return "windows" + }
