import Foundation

/// Builds a cell a second time somewhere else and compares the bytes.
///
/// The second build runs on a copy of the module under another absolute path, with its own
/// empty Go build cache: a shared cache would only re-link the first build's objects and prove
/// little. When the binaries differ it says what it can: the `go version -m` build settings that
/// differ, the sizes and the first differing byte.
struct ReproducibilityCheck {
    let plan: BuildPlan
    let cell: CellPlan
    /// Runs the build, logging to the cell's log.
    let run: (ProcessSpec) throws -> ProcessResult
    /// Builds sharing the machine, this one included (`GoThreads`).
    var buildsAtOnce = 1

    struct Outcome {
        var reproducible: Bool
        var sha256: String
        /// What differs, when not reproducible.
        var differences: [String]
        /// The second build, moved to `keepingSecondIn` when it was given and the builds agree
        /// (its archive is compared with the first build's).
        var second: URL? = nil
    }

    /// The go binary as an absolute path: the rebuild runs in another directory.
    var goPath: String {
        let path = plan.toolchain.path
        return path.contains("/") ? URL(fileURLWithPath: path).standardizedFileURL.path : path
    }

    func check(first: URL, keepingSecondIn keep: URL? = nil) throws -> Outcome {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("shipdeck-rebuild-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { Self.removeTree(root) }
        let source = root.appendingPathComponent("src-\(UUID().uuidString.prefix(6))", isDirectory: true)
        let cache = root.appendingPathComponent("gocache", isDirectory: true)
        let output = root.appendingPathComponent("out", isDirectory: true)
        let fm = FileManager.default
        try fm.createDirectory(at: source, withIntermediateDirectories: true)
        try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        try fm.createDirectory(at: output, withIntermediateDirectories: true)
        try copyModule(to: source)

        let second = output.appendingPathComponent(cell.executableName)
        let threads = GoThreads.apply(
            arguments: cell.goArguments(output: second.path, mainPackage: plan.mainPackage),
            environment: CompilerGarbageCollection.environment(cell.environment), buildsAtOnce: buildsAtOnce)
        var env = try GoTemporaryFolder.environment(threads.environment, in: root)
        env["GOCACHE"] = cache.path
        let spec = ProcessSpec(executable: goPath, arguments: threads.arguments, environment: env,
                               workingDirectory: source.path)
        let result = try run(spec)
        if result.cancelled { throw CellPipeline.StageFailure(message: "cancelled", cancelled: true) }
        guard result.succeeded, fm.fileExists(atPath: second.path) else {
            throw CellPipeline.StageFailure(
                message: "the second build (in \(source.path), empty GOCACHE) failed (\(result.summary))")
        }
        let a = try FileDigest.sha256(path: first.path), b = try FileDigest.sha256(path: second.path)
        if a.hex == b.hex {
            var kept: URL?
            if let keep {
                try fm.createDirectory(at: keep, withIntermediateDirectories: true)
                kept = keep.appendingPathComponent(cell.executableName)
                try fm.moveItem(at: second, to: kept!)
            }
            return Outcome(reproducible: true, sha256: a.hex, differences: [], second: kept)
        }

        var differences = settingsDifferences(first, second, environment: env)
        differences.append(a.size == b.size ? "same size (\(a.size) bytes)" : "size \(a.size) vs \(b.size) bytes")
        if let offset = Self.firstDifference(first, second) {
            differences.append("first difference at byte \(offset) (0x\(String(offset, radix: 16)))")
            differences += DifferingBytes(first: first, second: second, offset: offset).explanation()
        }
        return Outcome(reproducible: false, sha256: a.hex, differences: differences)
    }

    /// Copies the module without .git and without the dist folder.
    private func copyModule(to destination: URL) throws {
        let fm = FileManager.default
        let module = plan.moduleDirectory.standardizedFileURL.path
        let dist = plan.distDirectory.standardizedFileURL.path
        for entry in try fm.contentsOfDirectory(atPath: module) where entry != ".git" {
            let item = module + "/" + entry
            if item == dist { continue }
            try fm.copyItem(atPath: item, toPath: destination.appendingPathComponent(entry).path)
        }
        // A dist folder deeper inside the module (out/release) must not be copied either.
        if dist.hasPrefix(module + "/") {
            try? fm.removeItem(atPath: destination.path + "/" + String(dist.dropFirst(module.count + 1)))
        }
    }

    /// The `build` settings of `go version -m` that differ, value by value.
    private func settingsDifferences(_ a: URL, _ b: URL, environment: [String: String]) -> [String] {
        guard let first = buildSettings(a, environment: environment),
            let second = buildSettings(b, environment: environment)
        else {
            return ["go version -m could not read the build settings"]
        }
        var out: [String] = []
        for key in Set(first.keys).union(second.keys).sorted() where first[key] != second[key] {
            let x = first[key] ?? "(unset)", y = second[key] ?? "(unset)"
            // Show only the words that differ: a long -ldflags usually differs in one -X.
            let xs = x.split(separator: " "), ys = y.split(separator: " ")
            if xs.count == ys.count, xs.count > 1 {
                let pairs = zip(xs, ys).filter { $0 != $1 }.map { "\($0) ≠ \($1)" }
                out.append("build setting \(key) differs: \(pairs.joined(separator: ", "))")
            } else {
                out.append("build setting \(key) differs: \(x) ≠ \(y)")
            }
        }
        // With -trimpath the go command does not record -ldflags, so an -X that differs shows
        // only in the bytes (see DifferingBytes).
        if out.isEmpty {
            out.append("go version -m shows the same build settings (-ldflags is not recorded with -trimpath)")
        }
        return out
    }

    private func buildSettings(_ binary: URL, environment: [String: String]) -> [String: String]? {
        let spec = ProcessSpec(
            executable: goPath, arguments: ["version", "-m", binary.path],
            environment: environment, workingDirectory: plan.moduleDirectory.path)
        guard let (result, text) = try? ProcessRunner.capture(spec), result.succeeded else { return nil }
        var settings: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0] == "build" else { continue }
            let setting = fields[1...].joined(separator: "\t")
            guard let eq = setting.firstIndex(of: "=") else { continue }
            settings[String(setting[..<eq])] = String(setting[setting.index(after: eq)...])
        }
        return settings
    }

    /// Offset of the first byte where the files differ (or where the shorter one ends).
    static func firstDifference(_ a: URL, _ b: URL) -> Int? {
        guard let x = try? FileHandle(forReadingFrom: a), let y = try? FileHandle(forReadingFrom: b) else { return nil }
        defer { try? x.close(); try? y.close() }
        var offset = 0
        while true {
            let p = (try? x.read(upToCount: 1 << 16)) ?? nil ?? Data()
            let q = (try? y.read(upToCount: 1 << 16)) ?? nil ?? Data()
            if p.isEmpty && q.isEmpty { return nil }
            let n = min(p.count, q.count)
            for i in 0..<n where p[p.startIndex + i] != q[q.startIndex + i] { return offset + i }
            if p.count != q.count { return offset + n }
            offset += n
        }
    }

    /// Go marks its cache read-only in places; make it writable, then remove it.
    static func removeTree(_ url: URL) {
        if let walker = FileManager.default.enumerator(atPath: url.path) {
            for case let path as String in walker {
                _ = try? FileManager.default.setAttributes(
                    [.posixPermissions: 0o755], ofItemAtPath: url.appendingPathComponent(path).path)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
}
