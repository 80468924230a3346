import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The dist/ folder: where a release's files appear, each under its final name only when complete.
package struct DistFolder: Sendable {
    package let url: URL
    /// Work files (partial outputs) live here, inside dist/ so renames stay on one file system.
    package var workURL: URL { url.appendingPathComponent(".shipdeck", isDirectory: true) }
    package var logsURL: URL { url.appendingPathComponent(DistPaths.logsFolder, isDirectory: true) }

    package init(url: URL) { self.url = url }

    /// What `prepare` does with a folder that already holds files.
    package enum ExistingContents: Sendable { case refuse, clean, keep }

    /// Creates dist/ (or checks it), proves it writable, and refuses a non-empty one unless told.
    package func prepare(existing: ExistingContents, moduleDirectory: URL) throws {
        let fm = FileManager.default
        let path = url.path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw ShipdeckError(.dist, "\(path) exists and is not a directory", hint: "remove it or choose another --dist")
            }
            // The lock of the run preparing it (`DistLock`) is not content; it stays through --clean.
            let contents = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != DistPaths.lockFile }
            if !contents.isEmpty {
                switch existing {
                case .refuse:
                    throw ShipdeckError(.dist, "\(path) is not empty (\(contents.count) entries, e.g. \(contents.sorted()[0]))",
                                        hint: "pass --clean to delete its contents first, or --resume to continue an interrupted release there")
                case .clean:
                    try refuseToCleanAncestor(of: moduleDirectory)
                    for entry in contents { try? fm.removeItem(at: url.appendingPathComponent(entry)) }
                case .keep:
                    break
                }
            }
        } else {
            do {
                try fm.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw ShipdeckError(.dist, "cannot create \(path): \(Self.reason(error))",
                                    hint: "check the permissions of its parent, or choose another --dist")
            }
        }
        do {
            try fm.createDirectory(at: workURL, withIntermediateDirectories: true)
            try fm.createDirectory(at: logsURL, withIntermediateDirectories: true)
            let probe = workURL.appendingPathComponent("write-probe")
            try Data().write(to: probe)
            try fm.removeItem(at: probe)
        } catch {
            throw ShipdeckError(.dist, "\(path) is not writable: \(Self.reason(error))",
                                hint: "fix its permissions (chmod u+w) or choose another --dist")
        }
    }

    /// `--clean` empties dist/: never when dist/ (symlinks resolved) is, or holds, the module, the
    /// home directory or the root, which would delete the user's source.
    func refuseToCleanAncestor(of moduleDirectory: URL) throws {
        func resolved(_ url: URL) -> String { url.standardizedFileURL.resolvingSymlinksInPath().path }
        let dist = resolved(url)
        let protected: [(String, String)] = [
            (resolved(moduleDirectory), "the module being released"), (resolved(URL(fileURLWithPath: NSHomeDirectory())), "your home directory"),
        ]
        let distPrefix = dist == "/" ? "/" : dist + "/"
        if dist == "/" {
            throw ShipdeckError(.dist, "refusing to --clean \(url.path): it is the root directory",
                                hint: "choose a dedicated --dist folder, such as dist/ inside the module")
        }
        for (path, what) in protected where path == dist || path.hasPrefix(distPrefix) {
            throw ShipdeckError(.dist, "refusing to --clean \(url.path): it \(path == dist ? "is" : "contains") \(what) (\(path))",
                                hint: "choose a dedicated --dist folder, such as dist/ inside the module")
        }
    }

    /// A fresh work directory for one attempt of one cell.
    package func workDirectory(for cell: String, attempt: Int) throws -> URL {
        let dir = workURL.appendingPathComponent("\(Self.fileComponent(cell)).\(attempt)", isDirectory: true)
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    package func logURL(for cell: String, attempt: Int) -> URL {
        url.appendingPathComponent(DistPaths.logPath(cell: cell, attempt: attempt))
    }

    /// Moves a finished file to its final name in dist/ after syncing it, so a crash never leaves
    /// a half-written file under a final name.
    package func publish(_ source: URL, as name: String) throws -> URL {
        let destination = url.appendingPathComponent(name)
        if name.contains("/") {  // GoReleaser configs keep binaries in dist/<build>_<target>/
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        try Self.sync(source)
        guard rename(source.path, destination.path) == 0 else {
            throw ShipdeckError(.io, "cannot move \(source.lastPathComponent) to \(destination.path): \(String(cString: strerror(errno)))")
        }
        Self.syncDirectory(url)
        return destination
    }

    /// Writes `data` to `name` in dist/ atomically (temp file, fsync, rename).
    @discardableResult
    package func write(_ data: Data, as name: String) throws -> URL {
        let temp = workURL.appendingPathComponent("\(name).\(getpid()).partial")
        do {
            try data.write(to: temp)
            // Release files are for everyone to read, whatever the umask (archives are 0644 too).
            _ = chmod(temp.path, 0o644)
        } catch {
            throw ShipdeckError(.io, "cannot write \(name) in \(url.path): \(Self.reason(error))")
        }
        return try publish(temp, as: name)
    }

    /// Removes the work folder once the release is done with it.
    package func removeWorkFiles() { try? FileManager.default.removeItem(at: workURL) }

    static func sync(_ file: URL) throws {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ShipdeckError(.io, "cannot open \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fsync(fd)
    }

    static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// `linux/arm/7` → `linux_arm_7`.
    package static func fileComponent(_ cell: String) -> String { DistPaths.fileComponent(cell) }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileWriteNoPermissionError || ns.code == 513 { return "permission denied" }
        return ns.localizedDescription
    }
}
