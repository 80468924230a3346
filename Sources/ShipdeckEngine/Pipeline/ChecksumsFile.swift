import Foundation

/// `checksums.txt` in the format `sha256sum -c` reads: `<hex>  <name>\n`, sorted by name.
package struct ChecksumsFile: Sendable, Equatable {
    package var entries: [(name: String, sha256: String)]

    package init(entries: [(name: String, sha256: String)]) {
        self.entries = entries.sorted { $0.name < $1.name }
    }

    package var text: String { entries.map { "\($0.sha256)  \($0.name)\n" }.joined() }

    /// Parses a checksums file; malformed lines are an error naming the line.
    package static func parse(_ text: String, file: String = "checksums.txt") throws -> ChecksumsFile {
        var entries: [(String, String)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") || parts[1].hasPrefix("*") else {
                throw ShipdeckError(.verify, "\(file):\(i + 1): not '<sha256>  <name>': \(line.prefix(100))")
            }
            entries.append((String(parts[1].dropFirst()), String(parts[0])))
        }
        return ChecksumsFile(entries: entries)
    }

    package static func == (a: ChecksumsFile, b: ChecksumsFile) -> Bool { a.text == b.text }
}

/// `artifacts.json`: one entry per artifact (GoReleaser-like), sorted by name.
package enum ArtifactsManifest {
    package static let fileName = "artifacts.json"

    package static func encode(_ artifacts: [ArtifactRecord]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(artifacts.sorted { $0.name < $1.name })
        data.append(UInt8(ascii: "\n"))
        return data
    }

    package static func decode(_ data: Data) throws -> [ArtifactRecord] {
        try JSONDecoder().decode([ArtifactRecord].self, from: data)
    }
}
