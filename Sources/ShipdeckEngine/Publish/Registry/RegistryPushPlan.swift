import Foundation

/// The ordered steps that push an OCI image layout (dist/<image>/) to a registry: every blob
/// (layers and configs, each once), then each platform manifest by digest, then the image index
/// by digest, then each tag. A registry refuses a manifest whose blobs it lacks, so the order is
/// the protocol's, and each step can be run, retried and checked (`RegistryPusher`) on its own.
///
/// Step ids are stable across runs of the same layout, for the journal and resume:
/// `blob sha256:<hex>`, `manifest sha256:<hex>`, `index sha256:<hex>`, `tag <tag>`.
package struct RegistryPushPlan: Sendable {
    package struct Step: Sendable, Hashable, Identifiable {
        package enum Kind: String, Sendable, Hashable { case blob, manifest, index, tag }

        package var kind: Kind
        /// The content this step sends (for a tag: the index it points at).
        package var digest: String
        package var mediaType: String
        package var size: Int64
        /// The blob's file in the layout.
        package var path: String
        /// Tag name for `.tag`; what else it is, for people (`layer linux/arm64`, `config linux/amd64`).
        package var detail: String

        package var id: String { kind == .tag ? "tag \(detail)" : "\(kind.rawValue) \(digest)" }

        /// `blob sha256:0123456789ab (layer linux/amd64, 1.2 MB)`: for the Publish pane and lines.
        package var title: String {
            switch kind {
            case .tag: return "tag \(detail) → \(digest.prefix(19))"
            default: return "\(kind.rawValue) \(digest.prefix(19)) (\(detail), \(size) bytes)"
            }
        }
    }

    package let layout: URL
    package let steps: [Step]

    /// Reads the layout's index.json and every document it reaches. `tags` replaces the layout's
    /// own tags (its `org.opencontainers.image.ref.name` annotations) when given.
    package init(layout: URL, tags: [String]? = nil) throws {
        self.layout = layout
        let indexURL = layout.appendingPathComponent("index.json")
        let name = layout.lastPathComponent
        guard FileManager.default.fileExists(atPath: indexURL.path) else {
            throw ShipdeckError(
                .dist, "\(indexURL.path) is missing: \(name) is not an OCI image layout",
                hint: "release with images: in shipdeck.yml, or point publish.registry.image at the layout folder")
        }
        let top = try Self.decode(OCIIndex.self, at: indexURL, what: "index.json of \(name)")
        guard !top.manifests.isEmpty else {
            throw ShipdeckError(.dist, "\(indexURL.path) lists no image", hint: "release again with images:")
        }
        var steps: [Step] = []
        var seenBlobs: Set<String> = []
        var manifests: [Step] = []
        var indexes: [Step] = []
        var tagged: [(tag: String, target: OCIDescriptor)] = []

        func blobPath(_ d: OCIDescriptor) throws -> String {
            guard d.digest.hasPrefix("sha256:"), d.hex.count == 64, d.hex.allSatisfy(\.isHexDigit) else {
                throw ShipdeckError(.dist, "\(name): '\(UntrustedText.escape(d.digest))' is not a sha256 digest")
            }
            let path = layout.appendingPathComponent("blobs/sha256/\(d.hex)").path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
            guard let size else {
                throw ShipdeckError(.dist, "\(name): blob \(d.digest) is missing", hint: "release again: the layout is damaged")
            }
            guard size == d.size else {
                throw ShipdeckError(
                    .dist, "\(name): blob \(d.digest) has \(size) bytes, its descriptor says \(d.size)",
                    hint: "release again: the layout is damaged")
            }
            return path
        }
        func addBlob(_ d: OCIDescriptor, detail: String) throws {
            let path = try blobPath(d)
            guard seenBlobs.insert(d.digest).inserted else { return }
            steps.append(Step(kind: .blob, digest: d.digest, mediaType: d.mediaType, size: d.size, path: path, detail: detail))
        }
        func addManifest(_ d: OCIDescriptor, platform: String) throws {
            let path = try blobPath(d)
            let manifest = try Self.decode(OCIManifest.self, at: URL(fileURLWithPath: path), what: "manifest \(d.digest)")
            try addBlob(manifest.config, detail: "config \(platform)")
            for layer in manifest.layers { try addBlob(layer, detail: "layer \(platform)") }
            if !manifests.contains(where: { $0.digest == d.digest }) {
                manifests.append(
                    Step(kind: .manifest, digest: d.digest, mediaType: d.mediaType, size: d.size, path: path, detail: platform))
            }
        }

        for entry in top.manifests {
            let platform = entry.platform?.description ?? "image"
            switch entry.mediaType {
            case OCIMediaType.index:
                let path = try blobPath(entry)
                let index = try Self.decode(OCIIndex.self, at: URL(fileURLWithPath: path), what: "image index \(entry.digest)")
                for m in index.manifests {
                    guard m.mediaType == OCIMediaType.manifest else {
                        throw ShipdeckError(.dist, "\(name): nested index \(m.digest) is not supported")
                    }
                    try addManifest(m, platform: m.platform?.description ?? "image")
                }
                if !indexes.contains(where: { $0.digest == entry.digest }) {
                    indexes.append(
                        Step(kind: .index, digest: entry.digest, mediaType: entry.mediaType, size: entry.size, path: path,
                             detail: "\(index.manifests.count) platforms"))
                }
            case OCIMediaType.manifest:
                try addManifest(entry, platform: platform)
            default:
                throw ShipdeckError(
                    .dist, "\(name): index.json lists a \(UntrustedText.escape(entry.mediaType)), not an image")
            }
            if let tag = entry.annotations?[OCIMediaType.refName] { tagged.append((tag, entry)) }
        }
        steps += manifests + indexes

        var tagSteps: [Step] = []
        if let tags {
            let targets = Set(top.manifests.map(\.digest))
            guard targets.count == 1, let target = top.manifests.first else {
                throw ShipdeckError(
                    .config, "publish.registry.tags: \(name) holds \(targets.count) different images; which one each tag names is unclear",
                    hint: "remove publish.registry.tags to push the layout's own tags")
            }
            tagged = tags.map { ($0, target) }
        }
        for (tag, target) in tagged where !tagSteps.contains(where: { $0.detail == tag }) {
            guard ImageTag.isValid(tag) else {
                throw ShipdeckError(.dist, "\(name): '\(UntrustedText.escape(tag))' in index.json is not a valid tag")
            }
            tagSteps.append(
                Step(kind: .tag, digest: target.digest, mediaType: target.mediaType, size: target.size,
                     path: try blobPath(target), detail: tag))
        }
        guard !tagSteps.isEmpty else {
            throw ShipdeckError(
                .dist, "\(name): index.json names no tag", hint: "set publish.registry.tags, or release again with images:")
        }
        self.steps = steps + tagSteps
    }

    /// The one image layout in `dist`, or the named one: a folder holding `oci-layout`.
    package static func locateLayout(in dist: URL, image: String?) throws -> URL {
        if let image {
            let url = dist.appendingPathComponent(image, isDirectory: true)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("oci-layout").path) else {
                throw ShipdeckError(
                    .config, "publish.registry.image: \(url.path) is not an OCI image layout",
                    hint: "name the folder images: writes in dist/ (images.name, default the project name)")
            }
            return url
        }
        let entries = (try? FileManager.default.contentsOfDirectory(at: dist, includingPropertiesForKeys: nil)) ?? []
        let layouts = entries.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("oci-layout").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard layouts.count == 1 else {
            throw ShipdeckError(
                .config,
                layouts.isEmpty
                    ? "publish.registry: \(dist.path) holds no OCI image layout to push"
                    : "publish.registry: \(dist.path) holds \(layouts.count) image layouts (\(layouts.map(\.lastPathComponent).joined(separator: ", ")))",
                hint: layouts.isEmpty ? "add images: to shipdeck.yml and release again" : "say which with publish.registry.image")
        }
        return layouts[0]
    }

    static func decode<T: Decodable>(_ type: T.Type, at url: URL, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            throw ShipdeckError(
                .dist, "\(what) (\(url.path)) cannot be read as OCI JSON: \(error.localizedDescription)",
                hint: "release again: the layout is damaged")
        }
    }
}
