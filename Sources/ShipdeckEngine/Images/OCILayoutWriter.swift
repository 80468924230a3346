import Foundation

/// Writes an OCI image layout folder: `oci-layout`, `blobs/sha256/<hex>` and `index.json`.
/// Blobs are content-addressed, so writing the same one twice is harmless.
struct OCILayoutWriter {
    let url: URL

    var blobsURL: URL { url.appendingPathComponent("blobs/sha256", isDirectory: true) }

    init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: url.appendingPathComponent("oci-layout"))
    }

    /// Stores `data` as a blob and describes it.
    @discardableResult
    func write(_ data: Data, mediaType: String, platform: OCIPlatform? = nil) throws -> OCIDescriptor {
        let hex = FileDigest.sha256(data: data)
        let blob = blobsURL.appendingPathComponent(hex)
        if !FileManager.default.fileExists(atPath: blob.path) { try data.write(to: blob) }
        return OCIDescriptor(mediaType: mediaType, digest: "sha256:\(hex)", size: Int64(data.count), platform: platform)
    }

    /// Copies a blob of another layout in, checking its digest on the way.
    func copyBlob(_ descriptor: OCIDescriptor, from layout: URL) throws {
        let source = layout.appendingPathComponent("blobs/sha256/\(descriptor.hex)")
        let destination = blobsURL.appendingPathComponent(descriptor.hex)
        guard !FileManager.default.fileExists(atPath: destination.path) else { return }
        let digest = try FileDigest.sha256(path: source.path)
        guard digest.hex == descriptor.hex else {
            throw ShipdeckError(
                .verify, "base image blob \(source.path) has sha256 \(digest.hex), not \(descriptor.hex)",
                hint: "the base layout is damaged: copy it again (skopeo copy … oci:DIR:TAG)")
        }
        try FileManager.default.copyItem(at: source, to: destination)
    }

    /// Writes `index.json`: one entry per tag, each pointing at the same image index.
    func writeIndex(pointingAt index: OCIDescriptor, tags: [String]) throws {
        let entries = tags.map { tag -> OCIDescriptor in
            var entry = index
            entry.annotations = [OCIMediaType.refName: tag]
            return entry
        }
        try OCIJSON.encode(OCIIndex(manifests: entries)).write(to: url.appendingPathComponent("index.json"))
    }
}
