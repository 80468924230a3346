import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

extension ReleaseVerifier {
    /// Every file in the folder must be accounted for: an artifact that was checked, a signature
    /// or provenance file, a blob of an image that artifacts.json lists, or Shipdeck's own
    /// bookkeeping (`DistPaths.isBookkeeping`). Anything else — an injected `evil_linux_amd64`, a
    /// stray blob in an image layout — is a line of its own: EXTRA (or MISMATCH for an image blob
    /// whose bytes are not its digest).
    func unaccountedLines(checked: Set<String>, manifest: [ArtifactRecord]) -> [VerifyReport.Line] {
        var lines: [VerifyReport.Line] = []
        var accounted = checked
        // Image layouts: follow the references of the listed (hash-checked) manifests.
        let imageRoots = Set(
            manifest.filter { $0.kind == .image }.compactMap { record -> String? in
                let parts = record.path.split(separator: "/")
                return parts.count == 4 && parts[1] == "blobs" && parts[2] == "sha256" ? String(parts[0]) : nil
            })
        for root in imageRoots.sorted() {
            let listed = manifest.filter { $0.kind == .image && $0.path.hasPrefix(root + "/") }.map(\.sha256)
            lines += imageLines(root: root, listed: Set(listed), accounted: &accounted)
        }
        for path in filesBelow(dist, prefix: "") where !accounted.contains(path) && !DistPaths.isBookkeeping(path) {
            lines.append(
                .init(
                    status: .extra, file: path,
                    detail: "not listed in checksums.txt or artifacts.json, and not Shipdeck's bookkeeping"))
        }
        return lines
    }

    /// The blobs an image layout holds: each must hash to its name and be reachable from a
    /// manifest artifacts.json lists; `index.json` may point only at listed manifests.
    private func imageLines(root: String, listed: Set<String>, accounted: inout Set<String>) -> [VerifyReport.Line] {
        var lines: [VerifyReport.Line] = []
        let base = dist.appendingPathComponent(root)
        struct Descriptor: Decodable { var digest: String }
        struct Document: Decodable {
            var manifests: [Descriptor]?
            var config: Descriptor?
            var layers: [Descriptor]?
        }
        func blobPath(_ hex: String) -> String { "\(root)/blobs/sha256/\(hex)" }
        var reachable: Set<String> = []
        var queue = Array(listed)
        while let hex = queue.popLast() {
            guard reachable.insert(hex).inserted else { continue }
            guard let data = FileManager.default.contents(atPath: dist.appendingPathComponent(blobPath(hex)).path),
                let document = try? JSONDecoder().decode(Document.self, from: data)
            else { continue }
            let children = (document.manifests ?? []) + (document.config.map { [$0] } ?? []) + (document.layers ?? [])
            queue += children.compactMap { $0.digest.hasPrefix("sha256:") ? String($0.digest.dropFirst(7)) : nil }
        }
        for hex in reachable.sorted() {
            let path = blobPath(hex)
            guard !accounted.contains(path) else { continue }
            accounted.insert(path)
            guard let actual = try? FileDigest.sha256(path: dist.appendingPathComponent(path).path) else {
                lines.append(.init(status: .missing, file: path, detail: "an image manifest references it"))
                continue
            }
            lines.append(
                actual.hex == hex
                    ? .init(status: .ok, file: path, detail: "image blob, referenced by a listed manifest")
                    : .init(status: .mismatch, file: path, detail: "image blob whose sha256 is not its name"))
        }
        let layout = base.appendingPathComponent("oci-layout")
        if let data = FileManager.default.contents(atPath: layout.path) {
            accounted.insert("\(root)/oci-layout")
            struct Layout: Decodable { var imageLayoutVersion: String }
            let ok = (try? JSONDecoder().decode(Layout.self, from: data)) != nil
            lines.append(
                .init(
                    status: ok ? .ok : .mismatch, file: "\(root)/oci-layout",
                    detail: ok ? "OCI image layout marker" : "not an OCI image layout marker"))
        }
        let indexURL = base.appendingPathComponent("index.json")
        if let data = FileManager.default.contents(atPath: indexURL.path) {
            accounted.insert("\(root)/index.json")
            let index = try? JSONDecoder().decode(Document.self, from: data)
            let pointsAt = (index?.manifests ?? []).map { String($0.digest.dropFirst(7)) }
            let stray = pointsAt.filter { !listed.contains($0) }
            if index == nil || pointsAt.isEmpty {
                lines.append(.init(status: .mismatch, file: "\(root)/index.json", detail: "not an OCI image index"))
            } else if let first = stray.first {
                lines.append(
                    .init(
                        status: .mismatch, file: "\(root)/index.json",
                        detail: "points at sha256:\(first.prefix(16))…, which artifacts.json does not list"))
            } else {
                lines.append(.init(status: .ok, file: "\(root)/index.json", detail: "points only at listed manifests"))
            }
        }
        return lines
    }

    /// Every file below `url` (symbolic links included, not followed), relative, sorted.
    private func filesBelow(_ url: URL, prefix: String) -> [String] {
        var out: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() {
            let relative = prefix.isEmpty ? name : "\(prefix)/\(name)"
            if DistPaths.isBookkeeping(relative) { continue }
            let child = url.appendingPathComponent(name)
            var info = stat()
            guard lstat(child.path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                out += filesBelow(child, prefix: relative)
            } else {
                out.append(relative)
            }
        }
        return out
    }
}
