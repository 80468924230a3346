import Foundation
import Testing

@testable import ShipdeckEngine

/// The archive writers on their own: fixed headers, normalized entries, same input → same bytes.
@Suite struct ArchiveWriterTests {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "archive-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("docs/deep"), withIntermediateDirectories: true)
        try Data("readme\n".utf8).write(to: dir.appendingPathComponent("README.md"))
        try Data("license\n".utf8).write(to: dir.appendingPathComponent("LICENSE"))
        try Data("guide\n".utf8).write(to: dir.appendingPathComponent("docs/guide.md"))
        try Data("deep\n".utf8).write(to: dir.appendingPathComponent("docs/deep/more.md"))
        try Data("#!/bin/sh\n".utf8).write(to: dir.appendingPathComponent("docs/run.sh"))
        chmod(dir.appendingPathComponent("docs/run.sh").path, 0o700)
        try Data(repeating: 0x41, count: 3000).write(to: dir.appendingPathComponent("tool"))
        chmod(dir.appendingPathComponent("tool").path, 0o700)
        return dir
    }

    func entries(_ dir: URL) throws -> [ArchiveEntry] {
        var list = [ArchiveEntry.file("pkg/tool", source: dir.appendingPathComponent("tool"), executable: true)]
        for file in try ArchiveFiles.expand(["README*", "LICENSE*", "docs"], in: dir) {
            list.append(.file("pkg/" + file.relative, source: file.url, executable: file.executable))
        }
        return try ArchiveEntry.normalized(list)
    }

    @Test func entriesAreSortedWithTheirDirectoriesAndNormalizedModes() throws {
        let dir = try scratch()
        let list = try entries(dir)
        #expect(
            list.map(\.sortKey) == [
                "pkg/", "pkg/LICENSE", "pkg/README.md", "pkg/docs/", "pkg/docs/deep/",
                "pkg/docs/deep/more.md", "pkg/docs/guide.md", "pkg/docs/run.sh", "pkg/tool",
            ])
        #expect(list.first { $0.path == "pkg/docs/run.sh" }?.mode == 0o755)
        #expect(list.first { $0.path == "pkg/README.md" }?.mode == 0o644)
        #expect(list.first { $0.path == "pkg/tool" }?.mode == 0o755)
    }

    @Test func gzipHeaderHasNoTimeAndNoName() throws {
        let dir = try scratch()
        let out = dir.appendingPathComponent("a.tar.gz").path
        _ = try TarGzWriter.write(try entries(dir), mtime: 1_700_000_000, to: out)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(Array(bytes.prefix(10)) == [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03])
    }

    @Test func sameInputGivesSameBytesAndTheReturnedDigestIsTheFiles() throws {
        let dir = try scratch()
        for format in ["tar.gz", "zip"] {
            let a = dir.appendingPathComponent("a.\(format)").path, b = dir.appendingPathComponent("b.\(format)").path
            let write = format == "zip" ? ZipWriter.write : TarGzWriter.write
            let first = try write(try entries(dir), 1_700_000_000, a)
            // Touch the inputs: times and permissions on disk must not matter.
            chmod(dir.appendingPathComponent("README.md").path, 0o600)
            let second = try write(try entries(dir), 1_700_000_000, b)
            #expect(first.hex == second.hex, "\(format)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
            #expect(try FileDigest.sha256(path: a).hex == first.hex)
            #expect(try FileDigest.sha256(path: a).size == first.size)
            let other = try write(try entries(dir), 1_700_000_002, b)
            #expect(other.hex != first.hex, "the mtime is part of the bytes")
        }
    }

    @Test func tarListsOwnerZeroAndTheFixedTime() throws {
        let dir = try scratch()
        let out = dir.appendingPathComponent("a.tar.gz").path
        _ = try TarGzWriter.write(try entries(dir), mtime: 1_700_000_000, to: out)
        let listing = try run("/usr/bin/tar", ["--numeric-owner", "--utc", "-tvzf", out])
        let lines = listing.split(separator: "\n")
        #expect(lines.count == 9)
        for line in lines {
            #expect(line.contains(" 0/0 "), "\(line)")
            #expect(line.contains("2023-11-14 22:13"), "\(line)")
        }
        #expect(lines[0].hasPrefix("drwxr-xr-x"))
        #expect(lines.last?.hasPrefix("-rwxr-xr-x") == true)
        #expect(lines.last?.hasSuffix("pkg/tool") == true)
        // The content survives the round trip.
        let extracted = try run("/usr/bin/tar", ["-xzOf", out, "pkg/docs/guide.md"])
        #expect(extracted == "guide\n")
    }

    @Test func zipClampsTimesBefore1980AndHasNoExtraFields() throws {
        let (time, date) = ZipWriter.dosDateTime(0)
        #expect(time == 0)
        #expect(date == (0 << 9 | 1 << 5 | 1))  // 1980-01-01
        let dir = try scratch()
        let out = dir.appendingPathComponent("a.zip").path
        _ = try ZipWriter.write(try entries(dir), mtime: 1_700_000_000, to: out)
        let info = try run("/usr/bin/zipinfo", ["-v", out])
        let extraLines = info.split(separator: "\n").filter { $0.contains("length of extra field:") }
        #expect(extraLines.count == 9)
        #expect(extraLines.allSatisfy { $0.hasSuffix(" 0 bytes") }, "no extra fields, so no extended timestamps")
        #expect(!info.contains("extra field contains"))
        #expect(!info.contains("extended local header:                          yes"))
        let test = try run("/usr/bin/unzip", ["-t", out])
        #expect(test.contains("No errors detected"))
    }

    @Test func aLiteralFileThatDoesNotExistIsAnError() throws {
        let dir = try scratch()
        #expect(throws: ShipdeckError.self) { try ArchiveFiles.expand(["CHANGELOG.md"], in: dir) }
        #expect(try ArchiveFiles.expand(["CHANGELOG*"], in: dir).isEmpty)
        #expect(throws: ShipdeckError.self) { try ArchiveFiles.expand(["../etc/passwd"], in: dir) }
        #expect(
            try ArchiveFiles.expand(["docs/**/*.md"], in: dir).map(\.relative) == [
                "docs/deep/more.md", "docs/guide.md",
            ])
    }

    func run(_ tool: String, _ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
