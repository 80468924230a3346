import Foundation

/// The `ar` archive a .deb is: the global header, then each member with a 60-byte header
/// (name, mtime, uid 0, gid 0, mode 100644, size) and its bytes padded to an even length.
/// Fixed owners and one mtime, so the bytes depend only on the members.
struct ArWriter {
    let sink: ByteSink
    let mtime: Int64

    init(sink: ByteSink, mtime: Int64) throws {
        self.sink = sink
        self.mtime = max(0, mtime)
        try sink.write(Array("!<arch>\n".utf8))
    }

    /// Adds a member from memory.
    func add(name: String, bytes: [UInt8]) throws {
        try sink.write(try header(name: name, size: Int64(bytes.count)))
        try sink.write(bytes)
        if bytes.count % 2 == 1 { try sink.write([0x0a]) }
    }

    /// Adds a member from a file, streaming it.
    func add(name: String, file: URL) throws {
        let size = try TarGzWriter.fileSize(file)
        try sink.write(try header(name: name, size: size))
        var copied: Int64 = 0
        try FileChunks.forEach(path: file.path) { chunk in
            copied += Int64(chunk.count)
            try sink.write(chunk)
        }
        guard copied == size else {
            throw ShipdeckError(.io, "\(file.lastPathComponent) changed size while it was packed")
        }
        if size % 2 == 1 { try sink.write([0x0a]) }
    }

    func header(name: String, size: Int64) throws -> [UInt8] {
        // dpkg-deb writes member names without GNU ar's trailing '/'; both are accepted.
        guard name.utf8.count <= 16, !name.contains(" ") else {
            throw ShipdeckError(.io, "ar member name '\(name)' is longer than 16 bytes")
        }
        func field(_ text: String, _ width: Int) -> String {
            text.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        let text =
            field(name, 16) + field(String(mtime), 12) + field("0", 6) + field("0", 6) + field("100644", 8)
            + field(String(size), 10) + "`\n"
        return Array(text.utf8)
    }
}
