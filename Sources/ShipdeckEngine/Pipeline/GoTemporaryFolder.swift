import Foundation

/// Where `go build` keeps its work folder ($WORK, go-build*): inside a folder Shipdeck removes
/// whatever the build's outcome.
///
/// go removes $WORK itself when it exits, but a build that is stopped (a cancel, a timeout, SIGINT
/// on the release: the runner ends the process group with SIGTERM, then SIGKILL) dies without doing
/// so, and each stopped build left a go-build* folder in the user's TMPDIR. With GOTMPDIR in the
/// cell's work folder (or the rebuild's folder) it goes when that folder does.
///
/// GOTMPDIR cannot change what go writes ($WORK is trimmed from the binary and kept out of go's cache
/// keys: a build with another GOTMPDIR gives the same bytes from the same cache), and it is added at
/// spawn, so it is not part of the cell fingerprint.
package enum GoTemporaryFolder {
    /// `environment` with GOTMPDIR set to a new folder `gotmp` in `folder`.
    package static func environment(_ environment: [String: String], in folder: URL) throws -> [String: String] {
        let temporary = folder.appendingPathComponent("gotmp", isDirectory: true)
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        var env = environment
        env["GOTMPDIR"] = temporary.path
        return env
    }
}
