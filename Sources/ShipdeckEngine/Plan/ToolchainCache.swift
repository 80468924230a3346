import Foundation

/// Remembers what `go env` and `go tool dist list` said about one Go binary. The key is the
/// binary's resolved path, size and modification time, so an upgraded toolchain is asked again.
struct ToolchainCache {
    let file: URL

    init?(goPath: String, environment: [String: String]) {
        let resolved = URL(fileURLWithPath: goPath).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        guard let base = ShipdeckCache.directory(environment: environment) else { return nil }
        let key = FileDigest.sha256(data: Data("\(resolved)\n\(size)\n\(modified.timeIntervalSince1970)".utf8)).prefix(24)
        file = base.appendingPathComponent("toolchains/\(key).json")
    }

    func load() -> GoToolchain? {
        (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(GoToolchain.self, from: $0) }
    }

    func store(_ toolchain: GoToolchain) {
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(toolchain) { try? data.write(to: file, options: .atomic) }
    }
}
