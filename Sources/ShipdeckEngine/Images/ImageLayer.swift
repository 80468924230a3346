import Foundation

/// One image layer: a deterministic tar holding a single executable (and its parent folders),
/// gzip-compressed. Same file and SOURCE_DATE_EPOCH → same bytes, so the same digests.
///
/// Built from the release archives' own pieces (Archive/): `ArchiveEntry.normalized` for the
/// sorted entries and parent folders, `TarGzWriter.header` for ustar headers (mtime =
/// SOURCE_DATE_EPOCH, uid/gid 0, no names, mode 0755), and `GzipWriter` for the pinned gzip
/// stream. The layer is assembled in memory because an image needs the digest of the
/// uncompressed tar (the config's `diff_id`) as well as of the compressed one.
struct ImageLayer {
    /// The uncompressed tar (its SHA-256 is the config's `diff_id`).
    let tar: Data
    /// The gzip-compressed tar (its SHA-256 is the layer's digest).
    let gzip: Data

    /// - Parameters:
    ///   - contents: the executable's bytes.
    ///   - path: absolute path inside the image, such as `/usr/local/bin/hello`.
    init(file contents: Data, at path: String, epoch: Int64) throws {
        let relative = path.split(separator: "/").joined(separator: "/")
        let file = ArchiveEntry(path: relative, source: nil, isDirectory: false, mode: 0o755)
        var tar: [UInt8] = []
        for entry in try ArchiveEntry.normalized([file]) {
            let size = entry.isDirectory ? 0 : Int64(contents.count)
            tar += try TarGzWriter.header(for: entry, size: size, mtime: epoch)
            guard !entry.isDirectory else { continue }
            tar += contents
            tar += [UInt8](
                repeating: 0,
                count: (TarGzWriter.blockSize - contents.count % TarGzWriter.blockSize) % TarGzWriter.blockSize)
        }
        // Two zero blocks end the archive.
        tar += [UInt8](repeating: 0, count: 2 * TarGzWriter.blockSize)

        let sink = MemorySink()
        let gzip = try GzipWriter(sink: sink)
        try gzip.write(tar)
        try gzip.finish()
        self.tar = Data(tar)
        self.gzip = Data(sink.bytes)
    }

    /// Collects what a writer produces.
    final class MemorySink: ByteSink {
        var bytes: [UInt8] = []
        func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes += bytes }
    }
}
