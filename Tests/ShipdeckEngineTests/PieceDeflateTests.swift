import Foundation
import Testing

@testable import ShipdeckEngine

/// The archive compressor's two parts: the level each piece's bytes choose, and the joining of
/// separately compressed pieces into one deflate stream (a zip entry's), checked by zlib (Python's)
/// rather than by the code that joins them.
@Suite struct PieceDeflateTests {
    func words(_ count: Int, vocabulary: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        let list = (0..<vocabulary).map { _ in
            (0..<(3 + Int(generator.next() % 7))).map { _ in UInt8(97 + generator.next() % 10) }
        }
        var out: [UInt8] = []
        while out.count < count { out += list[Int(generator.next() % UInt64(vocabulary))] + [0x20] }
        return Array(out.prefix(count))
    }

    func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    /// Highly repetitive text (40 words) is where the near-optimal parser wins; random bytes are not.
    @Test func theLevelFollowsThePiecesOwnBytes() throws {
        let repetitive = words(1 << 20, vocabulary: 40, seed: 3)
        let noise = random(1 << 20, seed: 4)
        #expect(try repetitive.withUnsafeBytes { try PieceDeflate.level(for: $0) } == PieceDeflate.strongLevel)
        #expect(try noise.withUnsafeBytes { try PieceDeflate.level(for: $0) } == PieceDeflate.baseLevel)
        #expect(try [UInt8]().withUnsafeBytes { try PieceDeflate.level(for: $0) } == PieceDeflate.baseLevel)
        // The chosen level is what compress uses, and it pays: smaller than the base level.
        let strong = try repetitive.withUnsafeBytes { try PieceDeflate.compress($0) }
        let base = try repetitive.withUnsafeBytes { try PieceDeflate.compress($0, level: PieceDeflate.baseLevel) }
        #expect(strong.count < base.count)
        #expect(strong == (try repetitive.withUnsafeBytes { try PieceDeflate.compress($0, level: PieceDeflate.strongLevel) }))
    }

    /// Pieces whose streams end at every bit position of their last byte, each made joinable and
    /// followed by a final piece: one stream that zlib inflates to the concatenated inputs, ending
    /// exactly at its end.
    @Test func joinedPiecesInflateAsOneStreamWhateverBitTheyEndOn() throws {
        var seen = Set<Int>()
        var stream: [UInt8] = []
        var expected: [UInt8] = []
        var generator = SplitMix(seed: 9)
        var tries = 0
        while seen.count < 8 && tries < 2000 {
            tries += 1
            // Short pieces of either kind, so the end bit varies quickly.
            let length = 1 + Int(generator.next() % 3000)
            let input = generator.next() % 2 == 0
                ? words(length, vocabulary: 30, seed: generator.next()) : random(length, seed: generator.next())
            let complete = try input.withUnsafeBytes { try PieceDeflate.compress($0) }
            let end = try #require(try DeflateJoin.scan(complete).end)
            #expect(end.bytes == complete.count)
            if seen.insert(end.unusedBits).inserted {
                stream += try input.withUnsafeBytes { try DeflateJoin.joinable(complete, of: $0) }
                expected += input
            }
        }
        #expect(seen.count == 8, "end bits seen: \(seen.sorted())")
        // Incompressible bytes: libdeflate writes stored blocks (byte-aligned, up to 64 KiB each).
        let noise = random(200_000, seed: 77)
        let stored = try noise.withUnsafeBytes { try PieceDeflate.compress($0) }
        #expect(stored.count > noise.count)
        stream += try noise.withUnsafeBytes { try DeflateJoin.joinable(stored, of: $0) }
        expected += noise
        let last = words(70_000, vocabulary: 200, seed: 1)
        stream += try last.withUnsafeBytes { try PieceDeflate.compress($0) }
        expected += last
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("join-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("joined.raw").path
        try Data(stream).write(to: URL(fileURLWithPath: path))
        let out = Pipe()
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", """
            import sys, zlib, hashlib
            d = zlib.decompressobj(-15); out = d.decompress(open(sys.argv[1], 'rb').read())
            print(len(out), hashlib.sha256(out).hexdigest(), d.eof, len(d.unused_data))
            """, path]
        python.standardOutput = out
        try python.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines)
            == "\(expected.count) \(FileDigest.sha256(data: Data(expected))) True 0")
    }

    /// A stream cut short, or bytes that are not deflate, are refused, never joined.
    @Test func aBrokenPieceIsAnErrorNotAJoinedStream() throws {
        let input = words(200_000, vocabulary: 300, seed: 5)
        let complete = try input.withUnsafeBytes { try PieceDeflate.compress($0) }
        let cut = Array(complete.prefix(complete.count / 2))
        #expect(throws: ShipdeckError.self) { try input.withUnsafeBytes { try DeflateJoin.joinable(cut, of: $0) } }
        #expect(throws: ShipdeckError.self) {
            try input.withUnsafeBytes { try DeflateJoin.joinable([0xff, 0xff, 0xff, 0xff], of: $0) }
        }
        // The right stream for another input is refused too: its length does not match.
        let other = Array(input.prefix(1000))
        #expect(throws: ShipdeckError.self) { try other.withUnsafeBytes { try DeflateJoin.joinable(complete, of: $0) } }
    }
}
