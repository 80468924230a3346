/// The engine is what a front end commands (retry, cancel) through `ReleaseCommands`.
extension ReleaseEngine: ReleaseCommands {}
