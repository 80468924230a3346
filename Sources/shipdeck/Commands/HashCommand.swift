import ArgumentParser
import Foundation
import ShipdeckEngine

/// `shipdeck hash FILE...`: the engine's streaming SHA-256, printed as `sha256sum` prints it.
/// Useful to check a file by hand, and what `scripts/bench` compares with `sha256sum`.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash", abstract: "Print SHA-256 of files in sha256sum format (as Shipdeck computes it).")

    @Argument(help: "Files to hash.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let digest = try FileDigest.sha256(path: file)
                print("\(digest.hex)  \(UntrustedText.escape(file))")
            } catch {
                FileHandle.standardError.write(Data("shipdeck: error: \(UntrustedText.escapeMultiline("\(error)"))\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.failed) }
    }
}
