import Crypto
import Foundation

/// What one package of one cell installs: the binary under `bindir`, the extra files, and the
/// files Shipdeck writes itself (a deb's copyright and changelog), each with its mode and kind.
struct PackageContents {
    struct Item: Sendable, Hashable {
        /// Absolute installed path.
        var path: String
        var source: URL
        var mode: UInt16
        var kind: PackagesConfig.Content.Kind
        var size: Int64
    }

    /// Sorted by installed path (bytes).
    var items: [Item]

    init(
        plan: PackagePlan, format: PackagesConfig.Format, binary: URL, executableName: String,
        generated: [(path: String, source: URL, kind: PackagesConfig.Content.Kind)] = []
    ) throws {
        var items = [
            Item(
                path: plan.bindir + "/" + executableName, source: binary, mode: 0o755, kind: .file,
                size: try TarGzWriter.fileSize(binary))
        ]
        for file in plan.files[format] ?? [] {
            items.append(
                Item(
                    path: file.destination, source: file.source, mode: file.mode, kind: file.kind,
                    size: try TarGzWriter.fileSize(file.source)))
        }
        for extra in generated where !items.contains(where: { $0.path == extra.path }) {
            items.append(
                Item(
                    path: extra.path, source: extra.source, mode: 0o644, kind: extra.kind,
                    size: try TarGzWriter.fileSize(extra.source)))
        }
        self.items = items.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    /// Every directory above the files, sorted, without `/`.
    var directories: [String] {
        var dirs: Set<String> = []
        for item in items {
            var parent = PathText.parent(item.path)
            while parent != "/", !parent.isEmpty {
                dirs.insert(parent)
                parent = PathText.parent(parent)
            }
        }
        return dirs.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Hex digest of a file, read in chunks.
    static func digest<H: HashFunction>(_ type: H.Type, of url: URL) throws -> String {
        var hasher = H()
        try FileChunks.forEach(path: url.path) { hasher.update(bufferPointer: $0) }
        return FileDigest.hex(hasher.finalize())
    }
}
