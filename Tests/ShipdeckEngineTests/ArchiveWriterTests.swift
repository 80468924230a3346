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
        #expect(Array(bytes.prefix(10)) == GzipMember.header)
    }

    @Test func sameInputGivesSameBytesAndTheReturnedDigestIsTheFiles() throws {
        let dir = try scratch()
        for format in ["tar.gz", "zip"] {
            let a = dir.appendingPathComponent("a.\(format)").path, b = dir.appendingPathComponent("b.\(format)").path
            let write: ([ArchiveEntry], Int64, String) throws -> (hex: String, size: Int64) =
                format == "zip" ? { try ZipWriter.write($0, mtime: $1, to: $2) } : { try TarGzWriter.write($0, mtime: $1, to: $2) }
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

    /// Input larger than one gzip member: several members, the same bytes whatever the number of
    /// threads, and gzip, Python and tar read the whole input back.
    @Test func largeInputsAreSeveralMembersWithTheSameBytesOnAnyCoreCount() throws {
        let dir = try scratch()
        var generator = SplitMix(seed: 42)
        // Compressible but not trivial: words from a small vocabulary, like a binary's strings.
        var words: [String] = []
        for _ in 0..<512 {
            var word = ""
            for _ in 0..<(3 + Int(generator.next() % 9)) {
                word.append(Character(UnicodeScalar(UInt8(97 + generator.next() % 26))))
            }
            words.append(word)
        }
        var input: [UInt8] = []
        while input.count < 3 * GzipWriter.memberSize + 12345 {
            input += Array(words[Int(generator.next() % 512)].utf8) + [0x20]
        }
        var outputs: [[UInt8]] = []
        for threads in [1, 2, 5] {
            let path = dir.appendingPathComponent("p\(threads).gz").path
            let file = try HashingFileWriter(path: path)
            let gzip = try GzipWriter(sink: file, parallelism: threads)
            // Uneven writes, as the tar writer makes them.
            var offset = 0
            while offset < input.count {
                let n = min(input.count - offset, 1 + Int(generator.next() % 300_000))
                try input[offset..<(offset + n)].withUnsafeBytes { try gzip.write($0) }
                offset += n
            }
            try gzip.finish()
            _ = try file.finish()
            outputs.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2], "output depends on the thread count")
        let members = outputs[0].indices.dropLast(10).filter {
            outputs[0][$0] == 0x1f && outputs[0][$0 + 1] == 0x8b && Array(outputs[0][$0..<($0 + 10)]) == GzipMember.header
        }
        #expect(members.count >= 4)
        #expect(outputs[0].count < input.count / 2)
        let path = dir.appendingPathComponent("p1.gz").path
        _ = try run("/usr/bin/gzip", ["-t", path])
        let back = try run("/usr/bin/gzip", ["-dc", path])
        #expect(back.utf8.count == input.count && Array(back.utf8) == input)
        let python = try run("/usr/bin/python3", ["-c", "import gzip,sys; print(len(gzip.open(sys.argv[1]).read()))", path])
        #expect(python.trimmingCharacters(in: .whitespacesAndNewlines) == "\(input.count)")
    }

    /// A zip entry's deflate stream in pieces over the cores: the same bytes on any core count,
    /// whatever the input's length against the piece size (none, exactly two pieces, two and a bit),
    /// and one valid raw deflate stream that Python's zlib inflates back to the input.
    @Test func zipDeflatePiecesAreTheSameOnAnyCoreCountAndInflateBack() throws {
        let dir = try scratch()
        var generator = SplitMix(seed: 11)
        let block = ParallelDeflater.blockSize
        var text: [UInt8] = []
        while text.count < 2 * block + 54321 {
            // Repeats that straddle piece boundaries (pieces do not look back: each is its own stream).
            let word = (0..<(4 + Int(generator.next() % 8))).map { _ in UInt8(97 + generator.next() % 20) }
            text += word + [0x20] + (generator.next() % 7 == 0 ? Array(text.suffix(200)) : [])
        }
        for length in [0, 1, 2 * block, 2 * block + 54321] {
            let input = Array(text.prefix(length))
            var outputs: [[UInt8]] = []
            for threads in [1, 2, 5] {
                var out: [UInt8] = []
                let deflater = ParallelDeflater(parallelism: threads) { out.append(contentsOf: $0) }
                var offset = 0
                while offset < input.count {
                    let n = min(input.count - offset, 1 + Int(generator.next() % 400_000))
                    try input[offset..<(offset + n)].withUnsafeBytes { try deflater.write($0) }
                    offset += n
                }
                try deflater.finish()
                outputs.append(out)
            }
            #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2], "length \(length): output depends on the thread count")
            let path = dir.appendingPathComponent("d\(length).raw").path
            try Data(outputs[0]).write(to: URL(fileURLWithPath: path))
            let check = try run("/usr/bin/python3", ["-c", """
                import sys, zlib, hashlib
                d = zlib.decompressobj(-15); out = d.decompress(open(sys.argv[1], 'rb').read())
                print(len(out), hashlib.sha256(out).hexdigest(), d.eof, len(d.unused_data))
                """, path])
            let expected = "\(input.count) \(FileDigest.sha256(data: Data(input))) True 0"
            #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "length \(length)")
            if length > block { #expect(outputs[0].count < input.count / 2) }
        }
    }

    @Test func anEmptyInputIsOneValidEmptyMember() throws {
        let dir = try scratch()
        let path = dir.appendingPathComponent("empty.gz").path
        let file = try HashingFileWriter(path: path)
        let gzip = try GzipWriter(sink: file)
        try gzip.finish()
        _ = try file.finish()
        _ = try run("/usr/bin/gzip", ["-t", path])
        #expect(try run("/usr/bin/gzip", ["-dc", path]).isEmpty)
    }

    /// A zip entry larger than the read size is deflated as a stream and reads back whole.
    @Test func aLargeZipEntryIsStreamedAndReadsBack() throws {
        let dir = try scratch()
        var generator = SplitMix(seed: 7)
        let big = dir.appendingPathComponent("big.bin")
        var bytes = [UInt8](repeating: 0, count: 3 * 1024 * 1024)
        for i in bytes.indices {
            let value: UInt64 = i % 251 == 0 ? generator.next() : UInt64(i % 7)
            bytes[i] = UInt8(truncatingIfNeeded: value)
        }
        try Data(bytes).write(to: big)
        let out = dir.appendingPathComponent("big.zip").path
        _ = try ZipWriter.write(try ArchiveEntry.normalized([.file("big.bin", source: big, executable: false)]),
                                mtime: 1_700_000_000, to: out)
        #expect(try run("/usr/bin/unzip", ["-t", out]).contains("No errors detected"))
        let listing = try run("/usr/bin/unzip", ["-v", out])
        #expect(listing.contains("Defl:N"), "\(listing)")
        #expect(!FileManager.default.fileExists(atPath: out + ".entry"), "the scratch file is removed")
        let copy = dir.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        _ = try run("/usr/bin/unzip", ["-q", out, "-d", copy.path])
        #expect(try Data(contentsOf: copy.appendingPathComponent("big.bin")) == Data(bytes))
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
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(tool) \(args): \(text.prefix(500))")
        return text
    }
}

/// A small deterministic generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
