import Foundation

/// dist/artifacts.json and dist/metadata.json for a GoReleaser config, in GoReleaser's schema
/// (internal/artifact `Artifact`, internal/pipe/metadata): `name`, `path`, `goos`, `goarch`,
/// `goamd64`/`goarm`/…, `target`, `internal_type` (1 archive, 2 uploadable binary, 4 binary,
/// 12 checksum, 13 signature, 36 metadata), `type`, and `extra` (`ID`, `Binary`, `Ext`, `Format`,
/// `WrappedIn`, `Binaries`, `Files`, `Checksum: "sha256:<hex>"`, `Builder`). Shipdeck's own fields
/// stay beside them (`cell`, `variant`, `sha256`, `size`), so `shipdeck verify` reads the file too.
///
/// One difference: `path` is relative to dist/ (Shipdeck's meaning, which verify and resume use),
/// where GoReleaser writes the path from the project (`dist/…`).
enum GoReleaserManifest {
    static let metadataName = "metadata.json"

    static func artifacts(_ records: [ArtifactRecord], plan: BuildPlan, release: GoReleaserReleasePlan) throws -> Data {
        var byDistPath: [String: CellPlan] = [:]
        var byCell: [String: CellPlan] = [:]
        for cell in plan.cells {
            if let g = cell.goreleaser { byDistPath[g.distPath] = cell }
            byCell[cell.id] = cell
        }
        var entries: [[String: Any]] = []
        func targetFields(_ cell: CellPlan?, into entry: inout [String: Any]) {
            guard let cell, let g = cell.goreleaser else { return }
            entry["goos"] = cell.target.goos
            entry["goarch"] = cell.target.goarch
            for (key, value) in g.variantFields { entry[key] = value }
            entry["target"] = g.target
        }
        // GoReleaser's order: binaries as built, then archives, then checksums and the rest.
        let order: [ArtifactRecord.Kind: Int] = [.binary: 0, .archive: 1, .checksum: 2, .signature: 3]
        let sorted = records.enumerated().sorted {
            let a = order[$0.element.kind] ?? 4, b = order[$1.element.kind] ?? 4
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        for record in sorted {
            var entry: [String: Any] = [
                "name": record.name, "path": record.path, "type": record.kind.rawValue, "sha256": record.sha256,
                "size": record.size,
            ]
            if let cell = record.cell { entry["cell"] = cell }
            if let variant = record.variant { entry["variant"] = variant }
            var extra: [String: Any] = [:]
            let checksum = "sha256:" + record.sha256
            if record.kind == .binary, let cell = byDistPath[record.name], let g = cell.goreleaser {
                entry["name"] = g.binaryName
                entry["internal_type"] = 4
                targetFields(cell, into: &entry)
                extra = ["Binary": g.binaryStem, "Ext": g.ext, "ID": g.buildID, "Builder": "go"]
            } else if let info = release.archiveInfo[record.name] {
                targetFields(record.cell.flatMap { byCell[$0] }, into: &entry)
                if info.format == "binary" {
                    entry["internal_type"] = 2
                    extra = ["ID": info.id, "Format": "binary", "Binary": info.binaries.first ?? "", "Checksum": checksum]
                } else {
                    entry["internal_type"] = 1
                    extra = [
                        "ID": info.id, "Format": info.format, "WrappedIn": info.wrap, "Binaries": info.binaries,
                        "Files": files(of: record.name, plan: plan, release: release), "Checksum": checksum,
                    ]
                }
            } else if record.kind == .checksum {
                entry["internal_type"] = 12
            } else if record.kind == .signature {
                entry["internal_type"] = 13
            }
            if !extra.isEmpty { entry["extra"] = extra }
            entries.append(entry)
        }
        let metadata = try metadata(plan: plan, release: release)
        entries.append([
            "name": metadataName, "path": metadataName, "internal_type": 36, "type": "Metadata",
            "sha256": FileDigest.sha256(data: metadata), "size": metadata.count,
        ])
        var data = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// `extra.Files`: the destinations of the archive's `files:` (before the wrap directory), as GoReleaser lists them.
    static func files(of name: String, plan: BuildPlan, release: GoReleaserReleasePlan) -> [String] {
        let planned = (plan.cells.flatMap { $0.goreleaser?.archives ?? [] } + release.sharedArchives).first { $0.name == name }
        guard var archive = planned else { return [] }
        archive.binaries = []
        archive.wrap = ""
        let entries = try? GoReleaserArchiveEntries.evaluate(
            archive, moduleDirectory: plan.moduleDirectory, distDirectory: plan.distDirectory, binaries: [:])
        return entries?.map(\.path) ?? []
    }

    /// GoReleaser's metadata.json: project_name, tag, previous_tag, version, commit, date, runtime.
    /// `date` is SOURCE_DATE_EPOCH (GoReleaser writes the wall clock), so a rebuild gives the same file.
    static func metadata(plan: BuildPlan, release: GoReleaserReleasePlan) throws -> Data {
        let object: [String: Any] = [
            "project_name": release.projectName, "tag": release.tag, "previous_tag": release.previousTag,
            "version": release.version, "commit": release.commit, "date": GoTimeFormat.rfc3339(release.date),
            "runtime": ["goos": plan.toolchain.hostTarget.goos, "goarch": plan.toolchain.hostTarget.goarch],
        ]
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
