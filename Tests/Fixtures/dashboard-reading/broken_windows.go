package main

this is not go: the windows build fails here until the test replaces this file

func greeting() string { return "from windows" }
