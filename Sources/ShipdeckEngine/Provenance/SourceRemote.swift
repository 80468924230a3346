import Foundation

/// The `origin` remote of the module's git checkout, for the provenance's source URI.
enum SourceRemote {
    /// `remote.origin.url` as configured (not rewritten by a local `url.*.insteadOf`, which names a
    /// mirror of this machine), or nil when there is no git, no checkout or no origin.
    static func origin(of directory: URL, environment: [String: String]) -> String? {
        guard let git = ProcessRunner.which("git", path: environment["PATH"]) else { return nil }
        let spec = ProcessSpec(executable: git, arguments: ["config", "--get", "remote.origin.url"], environment: environment,
                               workingDirectory: directory.path)
        guard let (result, output) = try? ProcessRunner.capture(spec), result.succeeded else { return nil }
        let url = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }
}
