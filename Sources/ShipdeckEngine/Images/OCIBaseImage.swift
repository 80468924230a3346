import Foundation

/// A base image read from a local OCI layout (`folder[:tag]`): its layers go under the binary's.
struct OCIBaseImage {
    let layout: URL
    let reference: String
    /// The image manifest (per platform, when the base is multi-arch) or the only one.
    private let index: OCIIndex?
    private let single: OCIDescriptor?

    /// `spec` is `folder[:tag]`, relative to `directory`.
    init(spec: String, relativeTo directory: URL) throws {
        var path = spec
        var tag: String?
        if let colon = spec.lastIndex(of: ":"), !spec[spec.index(after: colon)...].contains("/") {
            path = String(spec[..<colon])
            tag = String(spec[spec.index(after: colon)...])
        }
        layout = URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL
        reference = spec
        let top: OCIIndex = try Self.read(
            layout.appendingPathComponent("index.json"), what: "index.json of base \(spec)")
        let entries =
            tag.map { tag in top.manifests.filter { $0.annotations?[OCIMediaType.refName] == tag } } ?? top.manifests
        guard entries.count == 1, let entry = entries.first else {
            let tags = top.manifests.compactMap { $0.annotations?[OCIMediaType.refName] }
            throw ShipdeckError(
                .config,
                "images.base \(spec): \(entries.isEmpty ? "no" : "more than one") image "
                    + (tag.map { "tagged \($0)" } ?? "in the layout"),
                hint: tags.isEmpty ? "check the layout's index.json" : "tags there: \(tags.joined(separator: ", "))")
        }
        if entry.mediaType == OCIMediaType.index {
            index = try Self.read(Self.blob(entry, in: layout), what: "image index of base \(spec)")
            single = nil
        } else {
            index = nil
            single = entry
        }
    }

    /// The base manifest and config for `platform`.
    func image(for platform: OCIPlatform) throws -> (manifest: OCIManifest, config: OCIImageConfig) {
        let descriptor: OCIDescriptor
        if let index {
            let candidates = index.manifests.filter {
                $0.platform?.os == platform.os && $0.platform?.architecture == platform.architecture
            }
            guard let match = candidates.first(where: { $0.platform?.variant == platform.variant }) ?? candidates.first
            else {
                let have = index.manifests.compactMap { $0.platform?.description }.joined(separator: ", ")
                throw ShipdeckError(
                    .config, "images.base \(reference) has no image for \(platform.description)",
                    hint: "the base offers: \(have.isEmpty ? "no platforms" : have)")
            }
            descriptor = match
        } else {
            descriptor = single!
        }
        let manifest: OCIManifest = try Self.read(
            Self.blob(descriptor, in: layout), what: "manifest of base \(reference)")
        let config: OCIImageConfig = try Self.read(
            Self.blob(manifest.config, in: layout), what: "config of base \(reference)")
        if index == nil, config.os != platform.os || config.architecture != platform.architecture {
            throw ShipdeckError(
                .config,
                "images.base \(reference) is a \(config.os)/\(config.architecture) image, "
                    + "but it would be the base of \(platform.description)",
                hint: "use a multi-arch base layout (an image index) when building several architectures")
        }
        return (manifest, config)
    }

    static func blob(_ descriptor: OCIDescriptor, in layout: URL) -> URL {
        layout.appendingPathComponent("blobs/sha256/\(descriptor.hex)")
    }

    static func read<T: Decodable>(_ url: URL, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ShipdeckError(
                .config, "cannot read the \(what) at \(url.path)",
                hint: "images.base must name a local OCI image layout folder (see `skopeo copy … oci:DIR:TAG`)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ShipdeckError(.config, "the \(what) at \(url.path) is not valid OCI JSON: \(error)")
        }
    }
}
