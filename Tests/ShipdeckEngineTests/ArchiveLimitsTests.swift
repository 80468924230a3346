import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a first wave of archives could not hold: one-character names, paths past ustar's fields,
/// sizes and times past its octal fields (pax), zip's 32- and 16-bit fields (zip64), and layouts
/// that unpack outside the archive or cannot unpack at all.
@Suite struct ArchiveLimitsTests {
    let writer = ArchiveWriterTests()

    @Test func pathParentsWithoutFoundation() {
        let parents = ["a": "", "x/": "", "é": "", "ab": "", "a/b": "a", "a/b/": "a", "/a": "/", "/": "/", "": "",
                       "a//b": "a", "//a": "/", "a/./b": "a/.", "é/x": "é"]
        for (path, parent) in parents { #expect(PathText.parent(path) == parent, "\(path)") }
        // Go's path.Dir, for the `dir` template function.
        let dirs = ["a/b/c.txt": "a/b", "a/b/": "a/b", "a": ".", "/a": "/", "": ".", "a/../../b/c": "../b", "/../a/b": "/a",
                    "./x/y": "x"]
        for (path, dir) in dirs { #expect(PathText.goDir(path) == dir, "\(path)") }
    }

    @Test func entriesThatLeaveTheArchiveOrClashAreRefused() throws {
        let dir = try writer.scratch()
        let tool = dir.appendingPathComponent("tool")
        for bad in ["../escape/tool", "/abs/tool", "a//tool", "./tool", "a/./tool", "a/..", "..\\escape/tool", "a\\b"] {
            #expect(throws: ShipdeckError.self, "\(bad)") { try ArchiveEntry.normalized([.file(bad, source: tool, executable: true)]) }
        }
        // A file where a directory must be, in either order.
        for order in [["weird", "weird/a.txt"], ["weird/a.txt", "weird"]] {
            let error = #expect(throws: ShipdeckError.self) {
                try ArchiveEntry.normalized(order.map { .file($0, source: tool, executable: false) })
            }
            #expect(error?.message.contains("a file named weird and a directory of that name") == true, "\(order)")
        }
        #expect(throws: ShipdeckError.self) {
            try ArchiveEntry.normalized([.file("w", source: tool, executable: true), .directory("w")])
        }
        // A zip is unpacked on Windows: no ':' and no names that differ only in case.
        #expect(throws: ShipdeckError.self) { try PlanChecks.windowsNames(["C:/x/tool.exe"]) }
        #expect(throws: ShipdeckError.self) { try PlanChecks.windowsNames(["pkg/Tool.exe", "pkg/tool.exe"]) }
        try PlanChecks.windowsNames(["pkg/", "pkg/tool.exe", "pkg/README.md"])
        let fine = try ArchiveEntry.normalized([.file("y", source: tool, executable: true), .file("a/z", source: tool, executable: true)])
        #expect(fine.map(\.sortKey) == ["a/", "a/z", "y"])
    }

    /// Names past ustar's 100 + 155 bytes and a time past its 11 octal digits go in a pax header,
    /// which GNU tar and Python read back; the archive is still the same bytes every time.
    @Test func longPathsAndLateTimesUsePaxHeaders() throws {
        let dir = try writer.scratch()
        let tool = dir.appendingPathComponent("tool")
        let longName = "pkg/" + String(repeating: "L", count: 150) + ".txt"  // one name over 100 bytes
        let deepPath = "pkg/" + (0..<50).map { "dir\($0)" }.joined(separator: "/") + "/é-file.md"  // over 255 bytes
        #expect(deepPath.utf8.count > 255)
        let entries = try ArchiveEntry.normalized([
            .file("pkg/tool", source: tool, executable: true), .file(longName, source: tool, executable: false),
            .file(deepPath, source: tool, executable: false),
        ])
        let out = dir.appendingPathComponent("long.tar.gz").path
        let late: Int64 = 9_999_999_999  // 2286-11-20, past the 11-digit octal field
        let first = try TarGzWriter.write(entries, mtime: late, to: out)
        #expect(try TarGzWriter.write(entries, mtime: late, to: out + "2").hex == first.hex)
        let listing = try writer.run("/usr/bin/tar", ["-tzf", out]).split(separator: "\n").map(String.init)
        #expect(listing.contains(longName))
        #expect(listing.contains(deepPath))
        #expect(!listing.contains { $0.contains("PaxHeaders") }, "\(listing)")
        let python = try writer.run(
            "/usr/bin/python3",
            ["-c", """
            import sys, tarfile, hashlib
            with tarfile.open(sys.argv[1]) as t:
                for m in t.getmembers():
                    data = t.extractfile(m).read() if m.isfile() else b''
                    print(m.name, int(m.mtime), m.size, hashlib.sha256(data).hexdigest()[:12])
            """, out])
        let tool12 = String(try FileDigest.sha256(path: tool.path).hex.prefix(12))
        #expect(python.contains("\(longName) \(late) 3000 \(tool12)"), "\(python)")
        #expect(python.contains("\(deepPath) \(late) 3000 \(tool12)"), "\(python)")
        #expect(python.contains("pkg/tool \(late) 3000 \(tool12)"), "\(python)")
        // An ordinary entry gets no pax header, so archives within ustar keep their bytes.
        #expect(try TarGzWriter.header(for: .file("pkg/tool", source: tool, executable: true), size: 3000, mtime: 1_700_000_000).count == 512)
    }

    /// A size of 8 GiB or more does not fit 11 octal digits: the pax record carries it (each record
    /// counts its own length) and the ustar field is zero, never the digits cut short.
    @Test func aSizeOfEightGiBOrMoreIsAPaxRecord() throws {
        let size: Int64 = 9_437_184_000
        let header = try TarGzWriter.header(for: .file("big.bin", source: URL(fileURLWithPath: "/dev/null"), executable: false),
                                           size: size, mtime: 1_700_000_000)
        #expect(header.count == 3 * 512)  // pax header, its data, the entry's header
        #expect(header[156] == UInt8(ascii: "x"))
        let dataLength = Int(String(decoding: header[124..<135], as: UTF8.self), radix: 8) ?? -1
        let data = String(decoding: header[512..<512 + dataLength], as: UTF8.self)
        #expect(data == "19 size=9437184000\n")
        #expect(Int(data.prefix { $0 != " " }) == data.utf8.count)
        let entry = Array(header[1024...])
        #expect(entry[156] == UInt8(ascii: "0"))
        #expect(String(decoding: entry[124..<135], as: UTF8.self) == "00000000000")
    }

    /// With the limits lowered to write zip64 for every size, offset and the count, unzip and
    /// Python read the archive and its contents; with the real limits nothing of zip64 is written.
    @Test func zip64RecordsReadBack() throws {
        let dir = try writer.scratch()
        let out = dir.appendingPathComponent("z64.zip").path
        _ = try ZipWriter.write(try writer.entries(dir), mtime: 1_700_000_000, to: out, limits: .init(size: 1, count: 1))
        #expect(try writer.run("/usr/bin/unzip", ["-t", out]).contains("No errors detected"))
        let python = try writer.run(
            "/usr/bin/python3",
            ["-c", """
            import sys, zipfile, hashlib
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                for i in z.infolist():
                    assert i.header_offset == 0 or i.extra[:2] == b'\\x01\\x00', i.filename
                    print(i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest()[:12])
            """, out])
        let tool12 = String(try FileDigest.sha256(path: dir.appendingPathComponent("tool").path).hex.prefix(12))
        #expect(python.contains("pkg/tool 3000 \(tool12)"), "\(python)")
        #expect(python.split(separator: "\n").count == 9, "\(python)")
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(contains(written, [0x50, 0x4b, 0x06, 0x06]) && contains(written, [0x50, 0x4b, 0x06, 0x07]), "zip64 end record and locator")

        let plain = dir.appendingPathComponent("plain.zip").path
        _ = try ZipWriter.write(try writer.entries(dir), mtime: 1_700_000_000, to: plain)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
        #expect(!contains(bytes, [0x50, 0x4b, 0x06, 0x06]), "no zip64 end record")
    }

    func contains(_ bytes: [UInt8], _ signature: [UInt8]) -> Bool {
        (0...bytes.count - signature.count).contains { bytes[$0..<$0 + signature.count].elementsEqual(signature) }
    }

    /// A name that is not UTF-8, an empty folder and a FIFO are named in errors, never left out unsaid.
    @Test func filesThatCannotBeArchivedAreNamed() throws {
        let dir = try writer.scratch()
        var raw = Array(dir.appendingPathComponent("docs").path.utf8) + Array("/latin1-".utf8) + [0xE9] + Array(".txt".utf8) + [0]
        let fd = raw.withUnsafeMutableBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT, 0o644) }
        #expect(fd >= 0)
        close(fd)
        let error = #expect(throws: ShipdeckError.self) { try ArchiveFiles.expand(["docs"], in: dir) }
        #expect(error?.message.contains("has a name that is not UTF-8") == true, "\(String(describing: error))")
        #expect(try ArchiveFiles.expand(["README*"], in: dir).map(\.relative) == ["README.md"], "other patterns are not affected")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: false)
        let empty = #expect(throws: ShipdeckError.self) { try ArchiveFiles.expand(["empty"], in: dir) }
        #expect(empty?.message.contains("is a directory with no files in it") == true)
        #expect(mkfifo(dir.appendingPathComponent("pipe").path, 0o644) == 0)
        let fifo = #expect(throws: ShipdeckError.self) { try ArchiveFiles.expand(["pipe"], in: dir) }
        #expect(fifo?.message.contains("is not a regular file") == true)
    }

    @Test func dosTimesAfter2107AreClampedToItsLastDay() {
        let last = ZipWriter.dosDateTime(4_354_819_198)  // 2107-12-31T23:59:58Z
        #expect(last.date == UInt16(127 << 9 | 12 << 5 | 31))
        #expect(ZipWriter.dosDateTime(4_354_819_200) == last)
        #expect(ZipWriter.dosDateTime(9_999_999_999) == last)
    }
}
