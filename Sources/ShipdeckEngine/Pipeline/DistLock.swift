import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One Shipdeck run's hold on a dist/ folder, for the whole run: a release, a `--resume`, a
/// merge, a publish. A second run into the same folder is refused, naming the holder, before it
/// touches anything (so `--clean` never empties a folder another run is writing).
///
/// The lock is `flock(2)` on `dist/.shipdeck.lock`, which the kernel drops when the holder's
/// process ends however it ends, so a lock can never outlive its holder. The file also records
/// who holds it (pid, host, start time, command) for the refusal message. A file whose lock is
/// free but which still names a holder was left by a run that died (`kill -9`, a crash): the
/// next run takes it over and says so.
///
/// ```swift
/// let lock = try DistLock.acquire(dist: plan.distDirectory, warn: { print("warning: \($0)") })
/// defer { lock.release() }
/// ```
// `@unchecked`: `guardLock` guards `fd`, the only mutable field.
package final class DistLock: @unchecked Sendable {
    /// The lock file's name inside dist/.
    package static let fileName = DistPaths.lockFile

    /// Who holds (or held) a dist/ folder.
    package struct Holder: Codable, Sendable, Equatable {
        package var pid: Int32
        package var host: String
        /// ISO 8601, UTC.
        package var started: String
        /// The command line, as the holder was started.
        package var command: String

        package static func current(command: String) -> Holder {
            var name = [CChar](repeating: 0, count: 256)
            let host = gethostname(&name, name.count) == 0
                ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown host"
            return Holder(pid: getpid(), host: host, started: RFC3339.string(Date()), command: command)
        }

        /// `pid 4242 on buildhost, started 2026-12-01T09:00:00Z: shipdeck release --clean` (escaped).
        package var description: String {
            "pid \(pid) on \(UntrustedText.escape(host)), started \(UntrustedText.escape(started)): "
                + UntrustedText.escape(command)
        }
    }

    package let url: URL
    package let holder: Holder
    /// Guards `fd`: `release` may be called from a signal path's queue and from `deinit`.
    private let guardLock = NSLock()
    private var fd: Int32
    /// dist/ did not exist before this run: a run that ends having written nothing leaves no folder.
    private let createdFolder: Bool

    private init(url: URL, holder: Holder, fd: Int32, createdFolder: Bool) {
        self.url = url
        self.holder = holder
        self.fd = fd
        self.createdFolder = createdFolder
    }

    deinit { release() }

    /// Takes the lock of `dist` (creating the folder if needed), or throws naming the run that holds it.
    /// - Parameters:
    ///   - command: what the holder record says this run is (default: this process's command line).
    ///   - warn: told when a lock left by a run that is gone is taken over.
    package static func acquire(
        dist: URL, command: String = DistLock.commandLine(),
        warn: (String) -> Void
    ) throws -> DistLock {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        var created = false
        if fm.fileExists(atPath: dist.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw ShipdeckError(
                    .dist, "\(dist.path) exists and is not a directory", hint: "remove it or choose another --dist")
            }
        } else {
            do {
                try fm.createDirectory(at: dist, withIntermediateDirectories: true)
                created = true
            } catch {
                throw ShipdeckError(
                    .dist, "cannot create \(dist.path): \(DistFolder.reason(error))",
                    hint: "check the permissions of its parent, or choose another --dist")
            }
        }
        let url = dist.appendingPathComponent(fileName)
        // A holder unlinks the file as it releases; whoever locked the unlinked inode tries again.
        for _ in 0..<16 {
            let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw ShipdeckError(
                    .dist, "\(dist.path) is not writable: cannot create its lock file \(fileName) (\(reason))",
                    hint: "fix its permissions (chmod u+w) or choose another --dist")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let busy = errno == EWOULDBLOCK
                let reason = String(cString: strerror(errno))
                let recorded = readHolder(fd)
                close(fd)
                guard busy else {
                    throw ShipdeckError(
                        .dist, "cannot lock \(url.path): \(reason)",
                        hint: "put dist/ on a local file system, or choose another --dist")
                }
                let who = recorded?.description ?? "another Shipdeck run (it has not written its name yet)"
                throw ShipdeckError(
                    .dist, "\(dist.path) is in use by another Shipdeck run: \(who)",
                    hint:
                        "wait for that run to end (`shipdeck watch \(dist.path)` follows it), stop it, or choose another --dist"
                )
            }
            var opened = stat(), onDisk = stat()
            guard fstat(fd, &opened) == 0, stat(url.path, &onDisk) == 0,
                opened.st_ino == onDisk.st_ino, opened.st_dev == onDisk.st_dev
            else {
                close(fd)
                continue
            }
            if let previous = readHolder(fd) {
                warn("took over the lock of \(dist.path) from a Shipdeck run that is gone (\(previous.description))")
            }
            let holder = Holder.current(command: command)
            let lock = DistLock(url: url, holder: holder, fd: fd, createdFolder: created)
            try lock.record(holder)
            return lock
        }
        throw ShipdeckError(
            .dist, "cannot lock \(url.path): it keeps being replaced",
            hint: "check that no other program deletes files in \(dist.path)")
    }

    /// The holder recorded in `dist`, if the file names one (for messages; whether it still runs is
    /// what `acquire` finds out).
    package static func recordedHolder(dist: URL) -> Holder? {
        let fd = open(dist.appendingPathComponent(fileName).path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readHolder(fd)
    }

    /// Gives the folder up: the file goes first (so the next run finds no stale holder), then the lock.
    package func release() {
        guardLock.withLock {
            guard fd >= 0 else { return }
            var opened = stat(), onDisk = stat()
            if fstat(fd, &opened) == 0, stat(url.path, &onDisk) == 0, opened.st_ino == onDisk.st_ino {
                unlink(url.path)
            }
            close(fd)
            fd = -1
            // Only an empty folder goes (rmdir refuses any other), so nothing a run wrote is lost.
            if createdFolder { rmdir(url.deletingLastPathComponent().path) }
        }
    }

    /// This process's command line, words quoted where needed.
    package static func commandLine() -> String {
        let words = CommandLine.arguments
        let name = words.first.map { ($0 as NSString).lastPathComponent } ?? "shipdeck"
        return ([name] + words.dropFirst()).map(ShellQuoting.quote).joined(separator: " ")
    }

    private func record(_ holder: Holder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(holder)) ?? Data()
        data.append(UInt8(ascii: "\n"))
        try guardLock.withLock {
            guard ftruncate(fd, 0) == 0 else {
                throw ShipdeckError(
                    .dist, "cannot write the lock file \(url.path): \(String(cString: strerror(errno)))")
            }
            let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            guard written == data.count else {
                throw ShipdeckError(
                    .dist, "cannot write the lock file \(url.path): \(String(cString: strerror(errno)))",
                    hint: "check the free space of \(url.deletingLastPathComponent().path)")
            }
            _ = fsync(fd)
        }
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: Data(buffer[0..<count]))
    }
}
