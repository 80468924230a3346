import Foundation

/// What the provenance says about the source and the Go modules compiled into the binaries.
extension ProvenanceStatement {
    /// The Go modules the binaries were built from (`go version -m` of each), once each, sorted:
    /// `pkg:golang/PATH@VERSION` with the `h1:` dirhash as `dirHash` (in-toto DigestSet) when Go recorded one.
    static func goModuleDependencies(_ infos: [GoBuildInfo]) -> [Dependency] {
        var seen: [String: Dependency] = [:]
        for info in infos {
            for module in info.dependencies {
                let uri = PackageURL.golang(module: module.path, version: module.effectiveVersion)
                let digest = module.effectiveSum.flatMap(GoBuildInfo.hexDigest(ofH1:)).map { ["dirHash": $0] }
                if seen[uri] == nil { seen[uri] = Dependency(uri: uri, digest: digest, name: module.path) }
            }
        }
        return seen.values.sorted { $0.uri < $1.uri }
    }

    /// Reads the build information of the release's binaries in dist/ (those Go can read).
    static func buildInfos(of binaries: [ArtifactRecord], in dist: URL, go: String,
                           environment: [String: String]) throws -> [GoBuildInfo] {
        try binaries.filter { $0.kind == .binary }.sorted { $0.name < $1.name }.map {
            try GoBuildInfo.read(binary: dist.appendingPathComponent($0.path), go: go, environment: environment)
        }
    }

    /// The source as an SPDX/SLSA download location with a real scheme: `git+https://HOST/PATH@COMMIT`,
    /// from the `origin` remote when it names a host (credentials dropped), else from the module path.
    static func sourceURI(modulePath: String, remote: String?, commit: String) -> String {
        "git+\(httpsRepositoryURL(remote: remote) ?? "https://" + modulePath)@\(commit)"
    }

    /// `https://github.com/o/r(.git)`, `ssh://git@github.com/o/r.git` and `git@github.com:o/r.git` all give
    /// `https://github.com/o/r`; local paths and `file://` give nil.
    static func httpsRepositoryURL(remote: String?) -> String? {
        guard var text = remote?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        if !text.contains("://"), let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            // scp-like syntax: [user@]host:path
            text = "ssh://" + text[..<colon] + "/" + text[text.index(after: colon)...]
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
              ["https", "http", "ssh", "git", "git+ssh"].contains(scheme), let host = url.host, !host.isEmpty
        else { return nil }
        var path = url.path
        if path.hasSuffix(".git") { path.removeLast(4) }
        while path.hasSuffix("/") { path.removeLast() }
        guard !path.isEmpty else { return nil }
        return "https://\(host)\(path.hasPrefix("/") ? "" : "/")\(path)"
    }
}
