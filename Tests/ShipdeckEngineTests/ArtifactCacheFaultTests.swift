import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The artifact cache when its files are not what it wrote: a blob that is a directory or a FIFO, a
/// damaged blob under a new entry, a copy that cannot be written, a lock another process keeps.
@Suite struct ArtifactCacheFaultTests {
    let base = ArtifactCacheTests()

    @Test func aBlobThatIsNotARegularFileIsRemovedNeverOpened() throws {
        let dir = try base.folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        let (file, entry) = try base.binary("d", size: 4_000, in: dir)
        for kind in ["directory", "fifo"] {
            #expect(cache.store(file, entry: entry) == nil)
            let blob = cache.blobURL(entry.sha256)
            try FileManager.default.removeItem(at: blob)
            if kind == "directory" {
                try FileManager.default.createDirectory(at: blob, withIntermediateDirectories: false)
            } else {
                #expect(mkfifo(blob.path, 0o644) == 0)  // opening it for reading would wait for a writer forever
            }
            guard case .discarded(let reason) = cache.restore(entry.key, to: dir.appendingPathComponent("out")) else {
                Issue.record("a \(kind) blob was not discarded")
                return
            }
            #expect(reason.contains("not a regular file"), "\(reason)")
            #expect(!FileManager.default.fileExists(atPath: blob.path), "the \(kind) is gone, so the next store heals it")
        }
    }

    /// A damaged blob with no entry (its entry was removed) is replaced when the same bytes are stored again.
    @Test func storingOverADamagedBlobReplacesIt() throws {
        let dir = try base.folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        let (file, entry) = try base.binary("e", size: 4_000, in: dir)
        cache.store(file, entry: entry)
        let blob = cache.blobURL(entry.sha256)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
        try Data(repeating: 7, count: 4_000).write(to: blob)
        try FileManager.default.removeItem(at: cache.entryURL(entry.key))
        #expect(cache.store(file, entry: entry) == nil)
        #expect(ArtifactCache.holds(blob, sha256: entry.sha256, size: entry.size))
        guard case .hit = cache.restore(entry.key, to: dir.appendingPathComponent("out")) else {
            Issue.record("the healed entry is not a hit")
            return
        }
    }

    /// A copy that cannot be written (here: into a folder that does not exist) keeps the entry.
    @Test func aCopyThatCannotBeWrittenKeepsTheEntry() throws {
        let dir = try base.folder()
        let cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        let (file, entry) = try base.binary("f", size: 4_000, in: dir)
        cache.store(file, entry: entry)
        guard case .unavailable(let reason) = cache.restore(entry.key, to: dir.appendingPathComponent("missing/out")) else {
            Issue.record("expected the cache to be unavailable, not the entry discarded")
            return
        }
        #expect(reason.contains("could not be written"), "\(reason)")
        #expect(FileManager.default.fileExists(atPath: cache.entryURL(entry.key).path))
        #expect(ArtifactCache.holds(cache.blobURL(entry.sha256), sha256: entry.sha256, size: entry.size))
    }

    /// A lock held by someone else is waited for, but not forever.
    @Test func aHeldLockIsGivenUpOn() throws {
        let dir = try base.folder()
        let url = dir.appendingPathComponent("lock")
        let held = try FileLock(url, exclusive: true)
        let started = Date()
        #expect(throws: FileLock.Busy.self) { try FileLock(url, exclusive: false, wait: 0.3) }
        #expect(Date().timeIntervalSince(started) < 5)
        held.release()
        _ = try FileLock(url, exclusive: false, wait: 0.3)
    }

    /// A stop (the cell's token cancelled) ends a wait for a held lock within a poll, not after the
    /// full wait: with a 60 s wait, a cancel after 0.3 s returns `Cancelled` long before.
    @Test func aStopEndsTheWaitForAHeldLock() throws {
        let dir = try base.folder()
        let url = dir.appendingPathComponent("lock")
        let held = try FileLock(url, exclusive: true)
        defer { held.release() }
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
        let started = Date()
        #expect(throws: FileLock.Cancelled.self) {
            try CancellationToken.$current.withValue(token) { _ = try FileLock(url, exclusive: false, wait: 60) }
        }
        #expect(Date().timeIntervalSince(started) < 30, "the wait was not ended by the stop")
    }

    /// After one lock timeout the release's cache stops waiting: the store after a lookup that gave up
    /// returns at once instead of waiting as long again.
    @Test func afterOneLockTimeoutTheCacheIsSkippedAtOnce() throws {
        let dir = try base.folder()
        var cache = ArtifactCache(directory: dir.appendingPathComponent("artifacts"))
        cache.lockWait = 0.5
        let (file, entry) = try base.binary("h", size: 1_000, in: dir)
        #expect(cache.store(file, entry: entry) == nil)
        let held = try FileLock(cache.lockFile, exclusive: true)
        defer { held.release() }
        let started = Date()
        guard case .unavailable(let reason) = cache.restore(entry.key, to: dir.appendingPathComponent("out")) else {
            Issue.record("a held lock did not make the cache unavailable")
            return
        }
        #expect(reason.contains("locked by another process"), "\(reason)")
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.4)
        let again = Date()
        #expect(cache.store(file, entry: entry)?.contains("locked by another process") == true)
        #expect(Date().timeIntervalSince(again) < waited / 2, "the second call waited again")
    }

    @Test func foundationErrorsAreDescribedInWords() throws {
        let dir = try base.folder()
        // XDG_CACHE_HOME naming a file: the store says the file is in the way.
        let file = dir.appendingPathComponent("xdgfile")
        try Data("x".utf8).write(to: file)
        let cache = ArtifactCache(directory: file.appendingPathComponent("shipdeck/artifacts"))
        let (binary, entry) = try base.binary("g", size: 100, in: dir)
        let problem = try #require(cache.store(binary, entry: entry))
        #expect(problem.contains("\(file.path) is a file, not a folder"), "\(problem)")
        do {
            try FileManager.default.copyItem(at: dir.appendingPathComponent("none"), to: dir.appendingPathComponent("x"))
            Issue.record("copying a missing file did not fail")
        } catch {
            let text = ArtifactCache.describe(error)
            #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("UserInfo"), "\(text)")
            #expect(text.contains("No such file or directory") || text.contains("doesn’t exist") || text.contains("does not exist"), "\(text)")
        }
    }
}
