import Foundation
import Testing

@testable import ShipdeckEngine

/// The artifact cache's store on its own, with real files in a temporary folder: content
/// addressing, the check of every copy, least-recently-used pruning, sizes, and many threads at once.
@Suite struct ArtifactCacheTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A file of `size` bytes whose content depends on `seed`, and its entry under a key made from `seed`.
    func binary(_ seed: String, size: Int, in dir: URL) throws -> (URL, ArtifactCacheEntry) {
        let url = dir.appendingPathComponent("bin-\(seed)-\(UUID().uuidString.prefix(6))")
        var bytes = [UInt8](repeating: 0, count: size)
        let base = Array(seed.utf8)
        for i in 0..<size { bytes[i] = base[i % base.count] &+ UInt8(truncatingIfNeeded: i / base.count) }
        try Data(bytes).write(to: url)
        let digest = try FileDigest.sha256(path: url.path)
        let key = FileDigest.sha256(data: Data("key-\(seed)".utf8))
        let entry = ArtifactCacheEntry(
            key: key, sha256: digest.hex, size: digest.size,
            build: .init(cell: "linux/amd64", project: "p", version: "1.0.0", commit: nil, goVersion: "go1.22",
                         shipdeckVersion: Shipdeck.version, builtAt: "2026-12-01T00:00:00Z", buildSeconds: 1))
        return (url, entry)
    }

    func setUsed(_ cache: ArtifactCache, _ key: String, secondsAgo: Double) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: cache.entryURL(key).path)
    }

    @Test func storeThenRestoreGivesTheSameBytesExecutable() throws {
        let dir = try folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        let (file, entry) = try binary("a", size: 10_000, in: dir)
        #expect(cache.store(file, entry: entry) == nil)
        #expect(FileManager.default.fileExists(atPath: cache.blobURL(entry.sha256).path))
        let out = dir.appendingPathComponent("restored")
        guard case .hit(let found) = cache.restore(entry.key, to: out) else {
            Issue.record("expected a hit")
            return
        }
        #expect(found == entry)
        #expect(try FileDigest.sha256(path: out.path).hex == entry.sha256)
        #expect(FileManager.default.isExecutableFile(atPath: out.path))
        let other = FileDigest.sha256(data: Data("never stored".utf8))
        guard case .miss = cache.restore(other, to: dir.appendingPathComponent("none")) else {
            Issue.record("expected a miss")
            return
        }
        // Keys are fingerprints: a path-like key never names a file.
        guard case .miss = cache.restore("../../etc/passwd", to: dir.appendingPathComponent("none")) else {
            Issue.record("expected a miss for a non-key")
            return
        }
    }

    @Test func aChangedBlobIsDiscardedNeverUsed() throws {
        let dir = try folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        let (file, entry) = try binary("b", size: 5_000, in: dir)
        cache.store(file, entry: entry)
        let blob = cache.blobURL(entry.sha256)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
        var bytes = [UInt8](try Data(contentsOf: blob))
        bytes[100] ^= 0xff  // same size, one byte flipped
        try Data(bytes).write(to: blob)
        let out = dir.appendingPathComponent("restored")
        guard case .discarded(let reason) = cache.restore(entry.key, to: out) else {
            Issue.record("a corrupt blob was not discarded")
            return
        }
        #expect(reason.contains("not the recorded \(entry.sha256.prefix(16))"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "the bad copy is removed")
        #expect(!FileManager.default.fileExists(atPath: cache.entryURL(entry.key).path))
        #expect(!FileManager.default.fileExists(atPath: blob.path))
        guard case .miss = cache.restore(entry.key, to: out) else {
            Issue.record("the discarded entry is still found")
            return
        }
        // A missing blob is discarded too.
        cache.store(file, entry: entry)
        try FileManager.default.removeItem(at: blob)
        guard case .discarded(let missing) = cache.restore(entry.key, to: out) else {
            Issue.record("a missing blob was not discarded")
            return
        }
        #expect(missing.contains("missing"))
    }

    @Test func archivesAreStoredBesideTheirBinaryAndCheckedOnCopy() throws {
        let dir = try folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"), maxBytes: 1 << 20)
        let (file, entry) = try binary("bin", size: 8_000, in: dir)
        let (archive, archiveEntry) = try binary("arc", size: 3_000, in: dir)
        cache.store(file, entry: entry)
        cache.recordArchives(
            entry.key, archives: [(archive, .init(name: "x.tar.gz", sha256: archiveEntry.sha256, size: 3_000))],
            compression: "c1", epoch: 42)
        let recorded = try #require(cache.entry(entry.key))
        #expect(recorded.archives.map(\.name) == ["x.tar.gz"] && recorded.compression == "c1" && recorded.sourceDateEpoch == 42)
        #expect(cache.storedBytes() == 11_000)
        let out = dir.appendingPathComponent("x.tar.gz")
        #expect(cache.copyBlob(archiveEntry.sha256, size: 3_000, to: out))
        #expect(try FileDigest.sha256(path: out.path).hex == archiveEntry.sha256)
        // A changed archive blob is never copied out.
        let blob = cache.blobURL(archiveEntry.sha256)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
        try Data(repeating: 7, count: 3_000).write(to: blob)
        #expect(!cache.copyBlob(archiveEntry.sha256, size: 3_000, to: out))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // Pruning the entry takes its archive blob with it.
        let small = ArtifactCache(directory: cache.directory, maxBytes: 1)
        small.prune()
        #expect(small.storedBytes() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.blobs.path).isEmpty)
    }

    @Test func prunesTheEntriesUsedLongestAgoFirst() throws {
        let dir = try folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"), maxBytes: 25_000)
        let a = try binary("a", size: 10_000, in: dir), b = try binary("b", size: 10_000, in: dir)
        let c = try binary("c", size: 10_000, in: dir), d = try binary("d", size: 10_000, in: dir)
        cache.store(a.0, entry: a.1)
        try setUsed(cache, a.1.key, secondsAgo: 300)
        cache.store(b.0, entry: b.1)
        try setUsed(cache, b.1.key, secondsAgo: 200)
        #expect(cache.storedBytes() == 20_000)
        // A third binary passes the bound: a (used longest ago) goes.
        cache.store(c.0, entry: c.1)
        try setUsed(cache, c.1.key, secondsAgo: 100)
        #expect(cache.entry(a.1.key) == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.blobURL(a.1.sha256).path))
        #expect(cache.entry(b.1.key) != nil && cache.entry(c.1.key) != nil)
        // Using b makes c the oldest: the next store prunes c, not b.
        guard case .hit = cache.restore(b.1.key, to: dir.appendingPathComponent("use-b")) else {
            Issue.record("b should be cached")
            return
        }
        cache.store(d.0, entry: d.1)
        #expect(cache.entry(c.1.key) == nil)
        #expect(cache.entry(b.1.key) != nil && cache.entry(d.1.key) != nil)
        #expect(cache.storedBytes() <= 25_000)
    }

    @Test func twoKeysWithTheSameBytesShareOneBlob() throws {
        let dir = try folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"), maxBytes: 15_000)
        let (file, first) = try binary("same", size: 10_000, in: dir)
        var second = first
        second.key = FileDigest.sha256(data: Data("another key".utf8))
        cache.store(file, entry: first)
        try setUsed(cache, first.key, secondsAgo: 100)
        cache.store(file, entry: second)
        #expect(cache.storedBytes() == 10_000)
        #expect(cache.entry(first.key) != nil && cache.entry(second.key) != nil)
        // Pruning the older entry must keep the blob the newer one still names.
        let other = try binary("other", size: 4_000, in: dir)
        let big = try binary("big", size: 6_000, in: dir)
        cache.store(other.0, entry: other.1)
        cache.store(big.0, entry: big.1)
        #expect(cache.storedBytes() <= 15_000)
        if cache.entry(second.key) != nil {
            guard case .hit = cache.restore(second.key, to: dir.appendingPathComponent("shared")) else {
                Issue.record("an entry lost the blob it shares with a pruned one")
                return
            }
        }
    }

    @Test func manyThreadsStoringRestoringAndPruningNeverGetWrongBytes() throws {
        let dir = try folder()
        // Room for about three of the eight binaries: stores prune while others restore.
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"), maxBytes: 100_000)
        let binaries = try (0..<8).map { try binary("t\($0)", size: 30_000, in: dir) }
        let bad = Counter(), hits = Counter(), discarded = Counter()
        DispatchQueue.concurrentPerform(iterations: 96) { i in
            // Two hot binaries, hit again and again, while the six others come and go and force prunes.
            let (file, entry) = binaries[i % 3 == 0 ? 2 + (i / 3) % 6 : i % 2]
            let out = dir.appendingPathComponent("out-\(i)")
            switch cache.restore(entry.key, to: out) {
            case .hit:
                hits.add()
                if (try? FileDigest.sha256(path: out.path).hex) != entry.sha256 { bad.add() }
            case .discarded, .unavailable:
                discarded.add()
            case .miss:
                if cache.store(file, entry: entry) != nil { bad.add() }
            }
        }
        #expect(bad.value == 0)
        #expect(discarded.value == 0, "a blob went missing under a live entry")
        #expect(hits.value > 0)
        #expect(cache.storedBytes() <= 100_000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.blobs.path).filter { $0.hasPrefix(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // Every entry left names a blob with its bytes.
        for name in try FileManager.default.contentsOfDirectory(atPath: cache.entries.path) where name.hasSuffix(".json") {
            let entry = try #require(cache.entry(String(name.dropLast(5))))
            #expect(try FileDigest.sha256(path: cache.blobURL(entry.sha256).path).hex == entry.sha256)
        }
    }

    @Test func sizesAsPeopleWriteThem() {
        #expect(ByteSize.bytes("2GiB") == 2 << 30)
        #expect(ByteSize.bytes("500MiB") == 500 << 20)
        #expect(ByteSize.bytes("800M") == 800 << 20)
        #expect(ByteSize.bytes("1.5G") == 3 << 29)
        #expect(ByteSize.bytes("1GB") == 1_000_000_000)
        #expect(ByteSize.bytes("4096") == 4096)
        #expect(ByteSize.bytes("0") == nil)
        #expect(ByteSize.bytes("-1G") == nil)
        #expect(ByteSize.bytes("2 parsecs") == nil)
        #expect(ByteSize.bytes("") == nil)
        #expect(ByteSize.format(2 << 30) == "2 GiB")
    }

    @Test func configReadsTheCacheBound() throws {
        let config = try ConfigReader(file: "shipdeck.yml").parse("cache:\n  max_size: 300MiB\n")
        #expect(config.cacheMaxBytes == 300 << 20)
        let bad = #expect(throws: ShipdeckError.self) {
            try ConfigReader(file: "shipdeck.yml").parse("cache:\n  max_size: lots\n")
        }
        #expect(bad?.description.contains("cache.max_size") == true)
        #expect(bad?.description.contains("2GiB") == true)
        #expect(throws: ShipdeckError.self) { try ConfigReader(file: "shipdeck.yml").parse("cache:\n  size: 1G\n") }
    }

    final class Counter: @unchecked Sendable {
        // `lock` guards `count`.
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
