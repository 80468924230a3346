import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Appends every event of a release to `dist/shipdeck.journal.jsonl` (see `JournalHeader` for
/// the format), as an observer on the `EventHub`.
///
/// The hub's queue only appends each record to a buffer; encoding and writing happen on the
/// writer's own queue, so neither a log flood nor a slow disk holds up the release. The buffer is written (one
/// `write(2)` per batch) at every stage, cell and step boundary and every `flushInterval` while
/// log lines flood in, so a killed process leaves every boundary in the file; it is synced
/// (`fsync(2)`) after boundaries at most every `syncInterval` (one sync covers all the boundaries
/// before it: a release of 5 cells has some 60, and each sync is a file-system journal commit
/// that the cells' own publishing waits behind), and synchronously when the release finishes, so
/// the journal on disk is complete when the process exits. Every file a record names was synced
/// before the record was emitted, so a journal that lost its last records to a power cut only
/// makes `--resume` redo more. A crash can leave a torn last line; `JournalReader` tolerates it.
// `@unchecked`: `lock` guards `buffer`, `failure`, `stopped`, `flushScheduled`, `syncScheduled` and `counts`;
// `fd` and the encoder are used only on the serial `io` queue (and in deinit, when nothing else holds the writer).
package final class JournalWriter: ReleaseObserver, @unchecked Sendable {
    package let url: URL
    private let flushInterval: TimeInterval
    private let syncInterval: TimeInterval
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private let lock = NSLock()
    private var buffer: [EventRecord] = []
    private var fd: Int32 = -1
    private var failure: String?
    /// Set once a write failed: nothing more is appended (see `write`).
    private var stopped = false
    private var flushScheduled = false
    private var syncScheduled = false
    private var counts = (writes: 0, syncs: 0)
    private let io = DispatchQueue(label: "shipdeck.journal")
    /// Told once, on the writer's queue, when the journal first fails (see `error`).
    private let onFailure: (@Sendable (String) -> Void)?

    /// A batch of this many events is written at once, before the event queue goes on.
    static let bufferLimit = 64

    /// - Parameters:
    ///   - dist: the release's dist folder; the journal is created there with the first event.
    ///   - flushInterval: the longest a buffered log line waits before it reaches the file.
    ///   - syncInterval: the longest a written boundary waits before it is synced.
    ///   - onFailure: called once with `error` when the journal first fails, so the release can stop:
    ///     a release without its journal cannot be resumed or watched and must not count as done.
    package init(
        dist: URL, flushInterval: TimeInterval = 0.2, syncInterval: TimeInterval = 0.05,
        onFailure: (@Sendable (String) -> Void)? = nil
    ) {
        self.url = dist.appendingPathComponent(JournalHeader.fileName)
        self.flushInterval = flushInterval
        self.syncInterval = syncInterval
        self.onFailure = onFailure
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Why the journal could not be written (a full disk, the file deleted while the release ran),
    /// if it could not. Nothing more is written after it: the journal is incomplete.
    package var error: String? { lock.withLock { failure } }

    /// How many `write(2)` batches and `fsync(2)` calls the journal has made: what batching saves.
    package var ioCounts: (writes: Int, syncs: Int) { lock.withLock { counts } }

    package func release(didEmit record: EventRecord, state: ReleaseState) {
        switch record.event {
        case .publishStarted, .publishUnit, .publishFinished: return  // dist/shipdeck.publish.jsonl has them
        default: break
        }
        if case .releaseStarted(let info) = record.event {
            io.sync { open(plan: info) }
        }
        let size: Int = lock.withLock {
            buffer.append(record)
            return buffer.count
        }
        switch record.event {
        case .releaseFinished:
            io.sync { writeBuffer(sync: true) }
        case .log, .warning:
            if size >= Self.bufferLimit {
                // Encoding is slower than a flooding child: write on this (the event) queue, so the
                // hub's bounded log slots hold the child back instead of this buffer growing.
                io.sync { self.writeBuffer(sync: false) }
            } else {
                scheduleFlush()
            }
        default:
            // Stage, cell and step boundaries: in the file at once, synced soon after (with the others).
            io.async {
                self.writeBuffer(sync: false)
                self.scheduleSync()
            }
        }
    }

    /// Writes whatever is buffered and syncs it; call before exiting. Afterwards `error` also says
    /// whether the file was deleted or replaced while it was written.
    package func close() {
        io.sync {
            writeBuffer(sync: true)
            checkInPlace()
            if fd >= 0 {
                Glibc.close(fd)
                fd = -1
            }
        }
    }

    /// Writes and syncs what is buffered and checks that the file is still in place, now: what the
    /// engine runs before it decides the outcome (`ReleaseEngine.addCheckBeforeFinishing`), so a
    /// failure found here fails the release through `onFailure`.
    package func check() {
        io.sync {
            writeBuffer(sync: true)
            checkInPlace()
        }
    }

    // MARK: On the io queue

    /// Creates the journal. One left by an earlier release (`--resume`) is kept beside it as
    /// `shipdeck.journal.previous.jsonl`: a watcher still reading it keeps its file.
    private func open(plan: ReleaseInfo) {
        guard fd < 0 else { return }
        let path = url.path
        if access(path, F_OK) == 0 {
            let previous = url.deletingLastPathComponent().appendingPathComponent(JournalHeader.previousFileName).path
            _ = rename(path, previous)
        }
        let opened = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            fail("cannot create \(path): \(String(cString: strerror(errno)))")
            return
        }
        fd = opened
        guard var header = (try? encoder.encode(JournalHeader(plan: plan))).map(UntrustedText.escapingInvisibleControls(inJSON:)) else { return }
        header.append(UInt8(ascii: "\n"))
        write(header)
        DistFolder.syncDirectory(url.deletingLastPathComponent())
    }

    private func scheduleFlush() {
        let schedule: Bool = lock.withLock {
            if flushScheduled { return false }
            flushScheduled = true
            return true
        }
        guard schedule else { return }
        io.asyncAfter(deadline: .now() + flushInterval) {
            self.lock.withLock { self.flushScheduled = false }
            self.writeBuffer(sync: false)
        }
    }

    /// Syncs the file `syncInterval` from now, unless a sync is already due by then.
    private func scheduleSync() {
        let schedule: Bool = lock.withLock {
            if syncScheduled { return false }
            syncScheduled = true
            return true
        }
        guard schedule else { return }
        io.asyncAfter(deadline: .now() + syncInterval) {
            self.lock.withLock { self.syncScheduled = false }
            self.sync()
        }
    }

    private func sync() {
        guard fd >= 0 else { return }
        if fsync(fd) != 0, errno != EINTR, errno != EINVAL {
            fail("cannot write \(url.path): \(String(cString: strerror(errno))) (fsync)")
        }
        lock.withLock { counts.syncs += 1 }
        checkInPlace()
    }

    /// Records the first failure, stops writing and tells `onFailure`.
    private func fail(_ reason: String) {
        let first: Bool = lock.withLock {
            stopped = true
            guard failure == nil else { return false }
            failure = reason
            return true
        }
        if first { onFailure?(reason) }
    }

    /// Fails the journal when its path no longer names the file being written: deleted (or moved
    /// away, or replaced) while the release ran, what it records is lost to `watch` and `--resume`.
    private func checkInPlace() {
        guard fd >= 0, !lock.withLock({ stopped }) else { return }
        var own = stat()
        var named = stat()
        guard fstat(fd, &own) == 0 else { return }
        if own.st_nlink == 0 || stat(url.path, &named) != 0 || named.st_ino != own.st_ino
            || named.st_dev != own.st_dev
        {
            fail("\(url.path) was deleted or replaced while the release was writing it; what it recorded is lost")
        }
    }

    private func writeBuffer(sync: Bool) {
        let records: [EventRecord] = lock.withLock {
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard fd >= 0 else { return }
        if !records.isEmpty {
            var data = Data()
            for record in records {
                guard let line = (try? encoder.encode(record)).map(UntrustedText.escapingInvisibleControls(inJSON:)) else {
                    fail("cannot encode event \(record.seq) for \(url.path)")
                    return
                }
                data.append(line)
                data.append(UInt8(ascii: "\n"))
            }
            write(data)
            lock.withLock { counts.writes += 1 }
        }
        if sync { self.sync() }
    }

    /// Appends whole lines. A batch that cannot be written whole (a full disk) is cut off again and
    /// the journal ends before it: no torn line, and no later event after a gap that a reader would
    /// take for the whole story. `failure` says why it ended.
    private func write(_ data: Data) {
        guard !lock.withLock({ stopped }) else { return }
        let end = lseek(fd, 0, SEEK_END)
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    if end >= 0 { _ = ftruncate(fd, end) }
                    fail("cannot write \(url.path): \(reason); it ends before that")
                    return
                }
                offset += n
            }
        }
    }
}
