import Foundation

/// A Scoop manifest for a release's Windows archives: `version`, `description`, `homepage`,
/// `license`, `architecture.{64bit,32bit,arm64}.{url,hash}` and `bin`, as Scoop's schema.json
/// defines them. An archive that wraps its files in a folder gets that folder as `extract_dir`;
/// a raw `.exe` asset is downloaded under the binary's name (`url#/hello.exe`).
package struct ScoopManifest: Sendable {
    package let release: ReleaseDownloads

    /// Scoop's architecture keys for Go's windows GOARCH values.
    static let architectures = ["amd64": "64bit", "386": "32bit", "arm64": "arm64"]

    package init(release: ReleaseDownloads) throws {
        guard Self.isValidName(release.name) else {
            throw ShipdeckError(
                .config, "'\(UntrustedText.escape(release.name))' is not a Scoop manifest name",
                hint: "use letters, digits, '-', '_' and '.', starting with a letter or digit")
        }
        guard release.downloads.contains(where: { $0.target.goos == "windows" && Self.architectures[$0.target.goarch] != nil })
        else {
            throw ShipdeckError(
                .config, "publish.scoop: the release has no Windows archive for amd64, 386 or arm64",
                hint: "add a windows/amd64 (or windows/arm64, windows/386) target, or remove publish.scoop")
        }
        guard !(release.license ?? "").isEmpty else {
            throw ShipdeckError(
                .config, "publish.scoop: Scoop manifests need a license",
                hint: "set publish.scoop.license to an SPDX identifier such as MIT or Apache-2.0")
        }
        self.release = release
    }

    package static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first),
            first.isASCII
        else { return false }
        return name.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.".unicodeScalars.contains(c))
        }
    }

    /// Where the manifest goes in the bucket (`bucket/hello.json`), under `directory`.
    package func path(in directory: String = "bucket") -> String {
        directory.isEmpty ? "\(release.name).json" : "\(directory)/\(release.name).json"
    }

    /// The manifest as JSON: sorted keys, four-space indent as Scoop's buckets write it, a final newline.
    package func render() throws -> Data {
        let exe = release.binary + ".exe"
        var architecture: [String: Any] = [:]
        for (goarch, key) in Self.architectures {
            let candidates = release.downloads.filter { $0.target.goos == "windows" && $0.target.goarch == goarch }
            guard let d = candidates.min(by: { HomebrewFormula.rank($0.target) < HomebrewFormula.rank($1.target) })
            else { continue }
            var entry: [String: Any] = ["hash": d.sha256]
            if d.isArchive {
                entry["url"] = d.url
                if let directory = d.directory, !directory.isEmpty { entry["extract_dir"] = directory }
            } else {
                entry["url"] = d.url + "#/" + exe
            }
            architecture[key] = entry
        }
        let manifest: [String: Any] = [
            "version": release.version,
            "description": release.description,
            "homepage": release.homepage,
            "license": release.license ?? "",
            "architecture": architecture,
            "bin": exe,
        ]
        let data = try JSONSerialization.data(
            withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return Self.reindent(data) + Data("\n".utf8)
    }

    /// Foundation indents with two spaces; Scoop's buckets use four.
    static func reindent(_ data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.components(separatedBy: "\n").map { (line: String) -> String in
            let spaces = line.prefix(while: { $0 == " " }).count
            return String(repeating: " ", count: spaces * 2) + String(line.dropFirst(spaces))
        }
        return Data(lines.joined(separator: "\n").utf8)
    }
}
