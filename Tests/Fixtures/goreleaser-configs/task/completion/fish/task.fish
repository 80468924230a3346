# stand-in completion
