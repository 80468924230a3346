import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `.images` release-wide step: an OCI image layout at `dist/<name>/` with one image per
/// Linux cell (the cell's binary at `images.path`, as the entrypoint, over the optional base
/// layers), an image index over them, and `index.json` naming that index by the version tag
/// (and any extra `tags:`). `skopeo copy --all oci:dist/<name>:<tag> docker://…` pushes it.
///
/// Everything that goes into a digest comes from the binaries, the config and
/// SOURCE_DATE_EPOCH, so building twice gives the same digests.
struct OCIImageBuilder {
    let plan: BuildPlan
    let dist: DistFolder
    let config: ImageConfig

    static let defaultEnv = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

    var name: String { config.name ?? plan.info.project.lowercased() }
    var versionTag: String { ImageTag.forVersion(plan.info.version) }
    var pathInImage: String {
        config.path ?? "/usr/local/bin/\(plan.config.binary ?? plan.info.project)"
    }

    /// Builds the layout from the cells' binaries in dist/ and returns its artifact records
    /// (kind `.image`): the image index first, then one manifest per platform. Each record's path
    /// is the blob itself, so hashing the path gives the digest.
    func build(cellArtifacts: [ArtifactRecord]) throws -> [ArtifactRecord] {
        let cells = plan.cells.filter { $0.target.goos == "linux" }
        guard !cells.isEmpty else {
            throw ShipdeckError(
                .config, "images: the plan has no Linux target to put in an image",
                hint: "add a linux/… target, or remove images:")
        }
        let base = try config.base.map { try OCIBaseImage(spec: $0, relativeTo: plan.moduleDirectory) }
        let final = dist.url.appendingPathComponent(name, isDirectory: true)
        let temp = dist.workURL.appendingPathComponent("image.\(getpid()).partial", isDirectory: true)
        try? FileManager.default.removeItem(at: temp)
        defer { try? FileManager.default.removeItem(at: temp) }
        let layout = try OCILayoutWriter(url: temp)
        let created = Self.timestamp(plan.info.sourceDateEpoch)

        var manifests: [(OCIDescriptor, CellPlan)] = []
        for cell in cells {
            guard let binary = cellArtifacts.first(where: { $0.cell == cell.id && $0.kind == .binary }) else {
                continue
            }
            let platform = OCIPlatform(target: cell.target)
            let contents = try Data(contentsOf: dist.url.appendingPathComponent(binary.path))
            let layer = try ImageLayer(file: contents, at: pathInImage, epoch: plan.info.sourceDateEpoch)
            let layerDescriptor = try layout.write(layer.gzip, mediaType: OCIMediaType.layerGzip)

            var layers: [OCIDescriptor] = []
            var diffIDs: [String] = []
            var runtime = OCIImageConfig.Runtime(Env: Self.defaultEnv)
            var history: [OCIImageConfig.History] = []
            if let base {
                let (baseManifest, baseConfig) = try base.image(for: platform)
                for descriptor in baseManifest.layers {
                    try layout.copyBlob(descriptor, from: base.layout)
                    layers.append(
                        OCIDescriptor(mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size)
                    )
                }
                diffIDs = baseConfig.rootfs.diff_ids
                runtime = baseConfig.config ?? runtime
                if runtime.Env == nil { runtime.Env = Self.defaultEnv }
                history = baseConfig.history ?? []
            }
            layers.append(layerDescriptor)
            diffIDs.append("sha256:\(FileDigest.sha256(data: layer.tar))")
            runtime.Entrypoint = config.entrypoint ?? [pathInImage]
            runtime.Cmd = nil
            var labels = runtime.Labels ?? [:]
            labels["org.opencontainers.image.version"] = plan.info.version
            if let commit = plan.info.commit { labels["org.opencontainers.image.revision"] = commit }
            runtime.Labels = labels
            history.append(
                .init(created: created, created_by: "shipdeck \(Shipdeck.version): \(binary.name) at \(pathInImage)"))

            let imageConfig = OCIImageConfig(
                created: created, architecture: platform.architecture, os: platform.os, variant: platform.variant,
                config: runtime, rootfs: .init(diff_ids: diffIDs), history: history)
            let configDescriptor = try layout.write(try OCIJSON.encode(imageConfig), mediaType: OCIMediaType.config)
            let manifest = OCIManifest(
                config: configDescriptor, layers: layers,
                annotations: ["org.opencontainers.image.created": created])
            manifests.append(
                (
                    try layout.write(
                        try OCIJSON.encode(manifest), mediaType: OCIMediaType.manifest,
                        platform: platform), cell
                ))
        }
        guard !manifests.isEmpty else {
            throw ShipdeckError(.config, "images: no Linux cell produced a binary to put in an image")
        }
        let index = OCIIndex(manifests: manifests.map(\.0))
        let indexDescriptor = try layout.write(try OCIJSON.encode(index), mediaType: OCIMediaType.index)
        var tags = [versionTag]
        for tag in config.tags where !tags.contains(tag) { tags.append(tag) }
        try layout.writeIndex(pointingAt: indexDescriptor, tags: tags)

        try? FileManager.default.removeItem(at: final)
        try FileManager.default.createDirectory(
            at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: temp, to: final)
        DistFolder.syncDirectory(dist.url)

        func record(_ descriptor: OCIDescriptor, name: String, target: BuildTarget?) -> ArtifactRecord {
            ArtifactRecord(
                name: name, path: "\(self.name)/blobs/sha256/\(descriptor.hex)", kind: .image, target: target,
                sha256: descriptor.hex, size: descriptor.size)
        }
        var records = [record(indexDescriptor, name: "\(name):\(versionTag)", target: nil)]
        for (descriptor, cell) in manifests {
            records.append(record(descriptor, name: "\(name):\(versionTag) \(cell.id)", target: cell.target))
        }
        return records
    }

    /// RFC 3339 in UTC, as image configs write `created`.
    static func timestamp(_ epoch: Int64) -> String {
        RFC3339.string(epoch: epoch)
    }
}

extension ReleaseSteps {
    /// Runs the `.images` step when `images:` is configured; returns whether it succeeded and the
    /// image records for artifacts.json (and the hashes pane, through `.artifact` events).
    func runImages(cellArtifacts: [ArtifactRecord]) -> (ok: Bool, artifacts: [ArtifactRecord]) {
        guard let images = plan.config.images else { return (true, []) }
        var records: [ArtifactRecord] = []
        let ok = step(.images) {
            records = try OCIImageBuilder(plan: plan, dist: dist, config: images).build(cellArtifacts: cellArtifacts)
            for record in records { hub.emit(.artifact(record)) }
            return "\(records.count - 1) images, index \(records[0].sha256.prefix(12)) tagged \(records[0].name)"
        }
        return (ok, records)
    }
}
