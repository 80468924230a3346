import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Binaries of earlier builds on this machine, content-addressed, under
/// `$XDG_CACHE_HOME/shipdeck/artifacts/` (default `~/.cache/shipdeck/artifacts/`).
///
///     artifacts/lock                 flock: shared while reading or adding, exclusive while pruning
///     artifacts/blobs/<sha256>       binaries and the archives made from them (read-only)
///     artifacts/entries/<key>.json   ArtifactCacheEntry; its mtime is when it was last used
///
/// Every file appears by `rename(2)` of a finished temporary file, so a reader (another release
/// sharing the folder) sees a whole file or none. A hit is copied out and the copy hashed and
/// compared with the entry before use: an entry whose blob is missing or changed is removed and
/// the cell is built. Past `maxBytes` the entries used longest ago go first.
package struct ArtifactCache: Sendable {
    package let directory: URL
    package let maxBytes: Int64

    /// 2 GiB: some hundred releases' worth of binaries of a mid-sized Go project.
    package static let defaultMaxBytes: Int64 = 2 << 30

    /// Set once the lock was held by another process past `FileLock.defaultWait`: the rest of this
    /// release skips the cache at once instead of waiting again for every lookup and store.
    private let gaveUp = GaveUp()
    /// How long the lock is waited for (tests shorten it).
    var lockWait = FileLock.defaultWait

    final class GaveUp: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    package init(directory: URL, maxBytes: Int64 = ArtifactCache.defaultMaxBytes) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// Runs `body` holding the cache's lock; after one lock timeout, fails at once with the same error.
    private func locked<T>(exclusive: Bool, _ body: () throws -> T) throws -> T {
        if gaveUp.isSet { throw FileLock.Busy(path: lockFile.path, seconds: lockWait) }
        do {
            return try FileLock.with(lockFile, exclusive: exclusive, wait: lockWait, body)
        } catch let busy as FileLock.Busy {
            gaveUp.set()
            throw busy
        }
    }

    /// The cache in Shipdeck's per-user cache folder; nil when neither XDG_CACHE_HOME nor HOME is set.
    package static func standard(environment: [String: String], maxBytes: Int64 = defaultMaxBytes) -> ArtifactCache? {
        ShipdeckCache.directory(environment: environment).map {
            ArtifactCache(directory: $0.appendingPathComponent("artifacts", isDirectory: true), maxBytes: maxBytes)
        }
    }

    var blobs: URL { directory.appendingPathComponent("blobs", isDirectory: true) }
    var entries: URL { directory.appendingPathComponent("entries", isDirectory: true) }
    var lockFile: URL { directory.appendingPathComponent("lock") }

    func entryURL(_ key: String) -> URL { entries.appendingPathComponent("\(key).json") }
    func blobURL(_ sha256: String) -> URL { blobs.appendingPathComponent(sha256) }

    /// How a lookup ended.
    package enum Lookup: Sendable {
        /// The binary is at the destination, with the entry's bytes.
        case hit(ArtifactCacheEntry)
        case miss
        /// The entry was unusable and has been removed; why, in words.
        case discarded(String)
        /// The cache could not be used this time (its copy could not be written to a full dist/, the
        /// cache is locked or unreadable); nothing was removed.
        case unavailable(String)
    }

    /// Keys are hex fingerprints; anything else never names a file.
    static func isKey(_ key: String) -> Bool {
        key.count == 64 && key.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The entry for `key`, without touching its blob.
    package func entry(_ key: String) -> ArtifactCacheEntry? {
        guard Self.isKey(key), let data = try? Data(contentsOf: entryURL(key)),
            let entry = try? JSONDecoder().decode(ArtifactCacheEntry.self, from: data),
            entry.scheme == ArtifactCacheEntry.currentScheme, entry.key == key
        else { return nil }
        return entry
    }

    /// Copies the binary stored for `key` to `destination` (mode 0755) and checks the copy's
    /// SHA-256 and size against the entry. A copy that does not match is deleted, and so is the entry.
    package func restore(_ key: String, to destination: URL) -> Lookup {
        guard Self.isKey(key), FileManager.default.fileExists(atPath: entryURL(key).path) else { return .miss }
        do {
            return try locked(exclusive: false) {
                guard FileManager.default.fileExists(atPath: entryURL(key).path) else { return .miss }
                guard let entry = entry(key), Self.isKey(entry.sha256) else {
                    return discard(key, because: "its record is unreadable or of another version")
                }
                let blob = blobURL(entry.sha256)
                try? FileManager.default.removeItem(at: destination)
                guard FileManager.default.fileExists(atPath: blob.path) else {
                    return discard(key, because: "its binary \(entry.sha256.prefix(16)) is missing")
                }
                // Only a regular file of the recorded size is read: a directory, a FIFO (whose open
                // would wait forever) or a link to a device is removed with its entry, never opened.
                var info = stat()
                guard lstat(blob.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int64(info.st_size) == entry.size
                else {
                    try? FileManager.default.removeItem(at: blob)
                    return discard(
                        key, because: "its binary \(entry.sha256.prefix(16)) is not a regular file of \(entry.size) bytes")
                }
                // Hashed while it is copied: what is checked is what was written.
                let copy: (hex: String, size: Int64)
                do {
                    copy = try FileDigest.copy(blob.path, to: destination.path)
                } catch {
                    try? FileManager.default.removeItem(at: destination)
                    // A copy fails on either side; the entry is only discarded when its own bytes are bad.
                    if Self.holds(blob, sha256: entry.sha256, size: entry.size) {
                        return .unavailable("its copy could not be written: \(Self.describe(error))")
                    }
                    return discard(
                        key, because: "its binary \(entry.sha256.prefix(16)) cannot be read: \(Self.describe(error))")
                }
                guard copy.hex == entry.sha256, copy.size == entry.size else {
                    try? FileManager.default.removeItem(at: destination)
                    try? FileManager.default.removeItem(at: blob)
                    return discard(
                        key,
                        because: "its binary has sha256 \(copy.hex.prefix(16)) and \(copy.size) bytes, "
                            + "not the recorded \(entry.sha256.prefix(16)) and \(entry.size) bytes")
                }
                _ = chmod(destination.path, 0o755)
                touch(entryURL(key))
                return .hit(entry)
            }
        } catch {
            try? FileManager.default.removeItem(at: destination)
            return .unavailable("the cache could not be read: \(Self.describe(error))")
        }
    }

    private func discard(_ key: String, because reason: String) -> Lookup {
        try? FileManager.default.removeItem(at: entryURL(key))
        return .discarded(reason)
    }

    /// Stores `binary` (already hashed: `sha256`, `size`) under `entry.key`, then prunes. Errors
    /// are returned, not thrown: a cache that cannot be written costs only time.
    @discardableResult
    package func store(_ binary: URL, entry: ArtifactCacheEntry) -> String? {
        guard Self.isKey(entry.key), Self.isKey(entry.sha256) else { return "not a cache key" }
        do {
            try prepare()
            try locked(exclusive: false) {
                let blob = blobURL(entry.sha256)
                // A blob already there is checked first: a damaged one is replaced, not pointed at.
                if FileManager.default.fileExists(atPath: blob.path),
                    !Self.holds(blob, sha256: entry.sha256, size: entry.size)
                {
                    try? FileManager.default.removeItem(at: blob)
                }
                if !FileManager.default.fileExists(atPath: blob.path) {
                    let temp = blobs.appendingPathComponent(".tmp-\(UUID().uuidString)")
                    defer { try? FileManager.default.removeItem(at: temp) }
                    try FileManager.default.copyItem(at: binary, to: temp)
                    _ = chmod(temp.path, 0o444)
                    try Self.rename(temp, blob)
                }
                try write(entry)
            }
            prune()
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    /// Stores the archives a release made from the binary of `key` and rewrites its entry with
    /// them, the compressor and SOURCE_DATE_EPOCH (their mtimes), so a later release with the same
    /// inputs, epoch and compressor takes them as they are.
    package func recordArchives(_ key: String, archives: [(url: URL, digest: ArtifactCacheEntry.ArchiveDigest)],
                                compression: String, epoch: Int64) {
        _ = try? locked(exclusive: false) {
            guard var current = entry(key) else { return }
            for archive in archives where Self.isKey(archive.digest.sha256) {
                let blob = blobURL(archive.digest.sha256)
                guard !FileManager.default.fileExists(atPath: blob.path) else { continue }
                let temp = blobs.appendingPathComponent(".tmp-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: temp) }
                try FileManager.default.copyItem(at: archive.url, to: temp)
                _ = chmod(temp.path, 0o444)
                try Self.rename(temp, blob)
            }
            current.archives = archives.map(\.digest)
            current.compression = compression
            current.sourceDateEpoch = epoch
            try write(current)
        }
        prune()
    }

    /// Copies the stored blob `sha256` to `destination` and checks the copy; false (and nothing
    /// at `destination`) when it is missing or its bytes are not these.
    package func copyBlob(_ sha256: String, size: Int64, to destination: URL) -> Bool {
        guard Self.isKey(sha256) else { return false }
        return (try? locked(exclusive: false) { () -> Bool in
            try? FileManager.default.removeItem(at: destination)
            var info = stat()
            guard lstat(blobURL(sha256).path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                Int64(info.st_size) == size,
                let copy = try? FileDigest.copy(blobURL(sha256).path, to: destination.path), copy.hex == sha256,
                copy.size == size
            else {
                try? FileManager.default.removeItem(at: destination)
                return false
            }
            _ = chmod(destination.path, 0o644)
            return true
        }) ?? false
    }

    /// Whether `blob` is a regular file with these bytes.
    static func holds(_ blob: URL, sha256: String, size: Int64) -> Bool {
        var info = stat()
        guard lstat(blob.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int64(info.st_size) == size,
            let digest = try? FileDigest.sha256(path: blob.path)
        else { return false }
        return digest.hex == sha256
    }

    /// An error in words: Foundation's file errors by their POSIX reason and path, not as a dump.
    static func describe(_ error: Error) -> String {
        if let error = error as? ShipdeckError { return error.message }
        if error is FileLock.Busy || error is FileLock.Cancelled { return "\(error)" }
        let ns = error as NSError
        var underlying = ns
        while let next = underlying.userInfo[NSUnderlyingErrorKey] as? NSError { underlying = next }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        var reason =
            underlying.domain == NSPOSIXErrorDomain
            ? String(cString: strerror(Int32(underlying.code))) : underlying.localizedDescription
        // Foundation's "could not be completed" for a folder it cannot make: say what is in the way.
        if let path, underlying.domain != NSPOSIXErrorDomain {
            var above = URL(fileURLWithPath: path)
            while above.path != "/" {
                var info = stat()
                if lstat(above.path, &info) == 0 {
                    if info.st_mode & S_IFMT != S_IFDIR { reason = "\(above.path) is a file, not a folder" }
                    break
                }
                above = above.deletingLastPathComponent()
            }
        }
        return path.map { "\($0): \(reason)" } ?? reason
    }

    private func write(_ entry: ArtifactCacheEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temp = entries.appendingPathComponent(".tmp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        try encoder.encode(entry).write(to: temp)
        try Self.rename(temp, entryURL(entry.key))
    }

    private func prepare() throws {
        for folder in [blobs, entries] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    private static func rename(_ from: URL, _ to: URL) throws {
        guard Glibc.rename(from.path, to.path) == 0 else {
            throw ShipdeckError(.io, "cannot rename \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Sets the file's modification time to now: entries are pruned by it, least recently used first.
    private func touch(_ url: URL) {
        _ = utimensat(AT_FDCWD, url.path, nil, 0)
    }

    /// Bytes of the blobs now stored.
    package func storedBytes() -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.reduce(0) { $0 + Self.size(blobURL($1)) }
    }

    private static func size(_ url: URL) -> Int64 {
        var info = stat()
        return stat(url.path, &info) == 0 ? Int64(info.st_size) : 0
    }

    private static func modified(_ url: URL) -> Double {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return 0 }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// Removes the entries used longest ago until the blobs fit in `maxBytes`, then every blob no
    /// entry names and temporary files left by a killed run. Returns the keys removed.
    @discardableResult
    package func prune() -> [String] {
        guard storedBytes() > maxBytes || hasLeftovers() else { return [] }
        return (try? locked(exclusive: true) { () -> [String] in
            // Exclusive: no release is copying a blob out or adding one, so every temporary file
            // is a killed run's and every blob no entry names is garbage.
            let fm = FileManager.default
            for folder in [blobs, entries] {
                for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".tmp-") {
                    try? fm.removeItem(at: folder.appendingPathComponent(name))
                }
            }
            let names = ((try? fm.contentsOfDirectory(atPath: entries.path)) ?? []).filter { $0.hasSuffix(".json") }
            var live: [(key: String, used: Double, blobs: [String])] = names.map { name in
                let key = String(name.dropLast(5))
                return (key, Self.modified(entryURL(key)), entry(key).map { [$0.sha256] + $0.archives.map(\.sha256) } ?? [])
            }
            live.sort { $0.used < $1.used }
            var named = Set(live.flatMap(\.blobs))
            for name in (try? fm.contentsOfDirectory(atPath: blobs.path)) ?? [] where !named.contains(name) {
                try? fm.removeItem(at: blobs.appendingPathComponent(name))
            }
            var removed: [String] = []
            while storedBytes() > maxBytes, !live.isEmpty {
                let oldest = live.removeFirst()
                try? fm.removeItem(at: entryURL(oldest.key))
                removed.append(oldest.key)
                // A blob goes with its last entry (two keys can name the same bytes).
                named = Set(live.flatMap(\.blobs))
                for sha in oldest.blobs where !named.contains(sha) { try? fm.removeItem(at: blobURL(sha)) }
            }
            return removed
        }) ?? []
    }

    /// Blobs no entry names, or stale temporary files.
    private func hasLeftovers() -> Bool {
        let fm = FileManager.default
        let blobNames = ((try? fm.contentsOfDirectory(atPath: blobs.path)) ?? [])
        let entryNames = ((try? fm.contentsOfDirectory(atPath: entries.path)) ?? [])
        if entryNames.contains(where: { $0.hasPrefix(".tmp-") }) { return true }
        let named = Set(entryNames.filter { $0.hasSuffix(".json") }.compactMap { entry(String($0.dropLast(5))) }
            .flatMap { [$0.sha256] + $0.archives.map(\.sha256) })
        return blobNames.contains { !named.contains($0) }
    }
}
