//go:build !windows

package main

func greeting() string { return "from elsewhere" }
