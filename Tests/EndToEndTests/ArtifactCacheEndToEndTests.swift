import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The artifact cache with real `go build`s: an unchanged re-run takes every binary from the cache
/// (and says so), a change of sources, flags or Go environment builds again, a corrupted entry is
/// rebuilt, `--no-cache` builds everything, the bound prunes, and two releases share one cache.
@Suite(.ownThreads, .timeLimit(.minutes(10))) struct ArtifactCacheEndToEndTests {
    typealias S = WatchTestsSupport
    /// One cell keeps each release short; the bound and the sharing tests use two.
    static let one = ["linux/amd64"]
    static let two = ["linux/amd64", "windows/amd64"]

    /// A module copied from journal-hello and a private cache folder for it.
    struct Setup {
        let module: URL
        let cacheHome: URL
        var cache: ArtifactCache { ArtifactCache(directory: cacheHome.appendingPathComponent("shipdeck/artifacts")) }

        init(fixture: String = "journal-hello") {
            module = TestSupport.copyFixture(fixture)
            cacheHome = module.deletingLastPathComponent().appendingPathComponent("xdg-cache")
        }

        /// The environment of a release with this cache on (TestSupport turns it off by default),
        /// and go's own build cache kept where it was (not an empty one under the private XDG_CACHE_HOME).
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["SHIPDECK_NO_CACHE": "", "XDG_CACHE_HOME": cacheHome.path, "GOCACHE": TestSupport.goCache].merging(extra) { $1 }
        }

        /// Runs a release into a new dist/; returns its output and dist folder.
        func release(_ flags: [String] = [], targets: [String] = ArtifactCacheEndToEndTests.one,
                     environment extra: [String: String] = [:]) -> (TestSupport.Output, URL) {
            let dist = TestSupport.temporaryDirectory("dist").appendingPathComponent("dist")
            let output = TestSupport.shipdeck(
                ["release", "--no-tui", "--go", TestSupport.goBinary, "--dist", dist.path]
                    + targets.flatMap { ["--target", $0] } + flags,
                in: module, environment: environment(extra))
            return (output, dist)
        }

        func entryCount() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: cache.entries.path)) ?? []).filter { $0.hasSuffix(".json") }.count
        }
    }

    /// Each cell's build stage result in the journal of `dist`.
    static func buildResults(_ dist: URL) -> [String: StageResult] {
        var out: [String: StageResult] = [:]
        for case .stageFinished(let cell, _, .build, let result, _, _) in S.events(dist.appendingPathComponent(JournalHeader.fileName)) {
            out[cell] = result
        }
        return out
    }

    static func all(_ result: StageResult, _ targets: [String] = one) -> [String: StageResult] {
        Dictionary(uniqueKeysWithValues: targets.map { ($0, result) })
    }

    /// The log lines of `cell` in the journal of `dist`.
    static func logLines(_ dist: URL, cell: String) -> [String] {
        S.events(dist.appendingPathComponent(JournalHeader.fileName)).flatMap { event -> [String] in
            if case .log(cell, _, let lines) = event { return lines }
            return []
        }
    }

    static func checksums(_ dist: URL) -> String {
        (try? String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)) ?? "missing"
    }

    /// The provenance statement's internal parameters in `dist`.
    static func provenanceInternals(_ dist: URL) throws -> [String: Any] {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dist.path).first { $0.hasSuffix(".intoto.jsonl") })
        let envelope = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: dist.appendingPathComponent(name))) as? [String: Any])
        let text = try #require(envelope["payload"] as? String)
        let payload = try #require(Data(base64Encoded: text))
        let statement = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let predicate = try #require(statement["predicate"] as? [String: Any])
        let definition = try #require(predicate["buildDefinition"] as? [String: Any])
        return try #require(definition["internalParameters"] as? [String: Any])
    }

    @Test func unchangedRerunIsCachedAndChangesBuildAgain() throws {
        let setup = Setup()
        // With provenance (a native key from `shipdeck keygen`), which must say where a binary came from.
        let keys = setup.module.deletingLastPathComponent().appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let keygen = TestSupport.shipdeck(["keygen", "--output", keys.appendingPathComponent("native").path], in: keys)
        try #require(keygen.status == 0, "\(keygen.combined)")
        let config = setup.module.appendingPathComponent("shipdeck.yml")
        try (try String(contentsOf: config, encoding: .utf8)
            + "provenance: true\nsigners:\n  - kind: native\n    key: \(keys.appendingPathComponent("native.key").path)\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let (first, firstDist) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        #expect(Self.buildResults(firstDist) == Self.all(.succeeded))
        #expect(setup.entryCount() == 1)

        // Unchanged: the binary comes from the cache, byte for byte what the first release published;
        // --json says so in the build stage's event.
        let dist = TestSupport.temporaryDirectory("json").appendingPathComponent("dist")
        let json = TestSupport.shipdeck(
            ["release", "--json", "--go", TestSupport.goBinary, "--dist", dist.path, "--target", "linux/amd64"],
            in: setup.module, environment: setup.environment())
        try #require(json.status == 0, "\(json.stderr)")
        #expect(Self.buildResults(dist) == Self.all(.cached))
        #expect(Self.checksums(dist) == Self.checksums(firstDist))
        #expect(json.stdout.split(separator: "\n").contains { $0.contains("\"type\":\"stageFinished\"")
            && $0.contains("\"stage\":\"build\"") && $0.contains("\"result\":\"cached\"")
            && $0.contains("from the artifact cache, built ") }, "\(json.stdout)")
        // The log (file and events) says where the binary came from; no command ran.
        let log = try String(contentsOf: dist.appendingPathComponent(DistPaths.logPath(cell: "linux/amd64", attempt: 1)),
                             encoding: .utf8)
        #expect(log.contains("binary from the artifact cache"), "\(log)")
        #expect(!Self.logLines(dist, cell: "linux/amd64").contains { $0.hasPrefix("$ ") })
        // The provenance names the cached binary and the build that made it; the first release's names none.
        #expect(try Self.provenanceInternals(firstDist)["cachedBuilds"] == nil)
        let cachedBuilds = try #require(try Self.provenanceInternals(dist)["cachedBuilds"] as? [[String: Any]])
        let key = try #require(cachedBuilds.first?["cacheKey"] as? String)
        let entry = try #require(setup.cache.entry(key))
        #expect(cachedBuilds.count == 1)
        #expect(cachedBuilds.first?["target"] as? String == "linux/amd64")
        #expect(cachedBuilds.first?["sha256"] as? String == entry.sha256)
        #expect(cachedBuilds.first?["builtAt"] as? String == entry.build.builtAt)
        #expect(Self.checksums(dist).contains(entry.sha256))

        // A source change: built again (and stored under its new fingerprint).
        let main = setup.module.appendingPathComponent("main.go")
        try (try String(contentsOf: main, encoding: .utf8)).replacingOccurrences(of: "journalhello", with: "journalhello2")
            .write(to: main, atomically: true, encoding: .utf8)
        let (edited, editedDist) = setup.release()
        #expect(edited.status == 0, "\(edited.combined)")
        #expect(Self.buildResults(editedDist) == Self.all(.succeeded))
        #expect(Self.checksums(editedDist) != Self.checksums(firstDist))
        #expect(setup.entryCount() == 2)

        // A flag change (ldflags in the config): built again, and the new flag is in the binary.
        try (try String(contentsOf: config, encoding: .utf8) + "ldflags: [\"-X main.version=flagged\"]\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let (flagged, flaggedDist) = setup.release()
        #expect(flagged.status == 0, "\(flagged.combined)")
        #expect(Self.buildResults(flaggedDist) == Self.all(.succeeded))
        let binary = try #require(
            try FileManager.default.contentsOfDirectory(atPath: flaggedDist.path).first { $0.hasSuffix("_linux_amd64") })
        let ran = TestSupport.run(flaggedDist.appendingPathComponent(binary).path, [], in: flaggedDist)
        #expect(ran.stdout.contains("flagged"), "\(ran.combined)")

        // A Go environment change (GOPROXY reaches go build): built again.
        let (proxied, proxiedDist) = setup.release(environment: ["GOPROXY": "off"])
        #expect(proxied.status == 0, "\(proxied.combined)")
        #expect(Self.buildResults(proxiedDist) == Self.all(.succeeded))
        #expect(setup.entryCount() == 4)
    }

    /// Sources outside the module folder, through go.mod's `replace => ../lib`: a change there builds
    /// again (the cache once handed back the binary of the old ../lib), and an unchanged re-run is cached.
    @Test func aChangedLocalReplacementBuildsAgain() throws {
        let setup = Setup()
        let lib = setup.module.deletingLastPathComponent().appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        try "module example.com/lib\n\ngo 1.22\n".write(to: lib.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        let libSource = lib.appendingPathComponent("lib.go")
        try "package lib\n\nconst Msg = \"lib-one\"\n".write(to: libSource, atomically: true, encoding: .utf8)
        let goMod = setup.module.appendingPathComponent("go.mod")
        try (try String(contentsOf: goMod, encoding: .utf8) + "\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
            .write(to: goMod, atomically: true, encoding: .utf8)
        try "package main\n\nimport (\n\t\"os\"\n\n\t\"example.com/lib\"\n)\n\nfunc init() {\n\tif len(os.Args) > 99 {\n\t\tprintln(lib.Msg)\n\t}\n}\n"
            .write(to: setup.module.appendingPathComponent("uselib.go"), atomically: true, encoding: .utf8)
        let (first, firstDist) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        #expect(Self.buildResults(firstDist) == Self.all(.succeeded))
        try "package lib\n\nconst Msg = \"lib-two\"\n".write(to: libSource, atomically: true, encoding: .utf8)
        let (second, secondDist) = setup.release()
        #expect(second.status == 0, "\(second.combined)")
        #expect(Self.buildResults(secondDist) == Self.all(.succeeded), "\(second.stdout)")
        #expect(Self.checksums(secondDist) != Self.checksums(firstDist))
        let (third, thirdDist) = setup.release()
        #expect(third.status == 0, "\(third.combined)")
        #expect(Self.buildResults(thirdDist) == Self.all(.cached))
        #expect(Self.checksums(thirdDist) == Self.checksums(secondDist))
    }

    /// The same through a go.work that the config's `env: [GOWORK=…]` names, outside the module.
    @Test func aChangedFolderOfAConfiguredGoWorkBuildsAgain() throws {
        let setup = Setup()
        let top = setup.module.deletingLastPathComponent()
        let lib = top.appendingPathComponent("lib"), ws = top.appendingPathComponent("ws")
        for dir in [lib, ws] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        try "module example.com/lib\n\ngo 1.22\n".write(to: lib.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        let libSource = lib.appendingPathComponent("lib.go")
        try "package lib\n\nconst Msg = \"work-one\"\n".write(to: libSource, atomically: true, encoding: .utf8)
        try "go 1.22\n\nuse (\n\t../\(setup.module.lastPathComponent)\n\t../lib\n)\n"
            .write(to: ws.appendingPathComponent("go.work"), atomically: true, encoding: .utf8)
        let goMod = setup.module.appendingPathComponent("go.mod")
        try (try String(contentsOf: goMod, encoding: .utf8) + "\nrequire example.com/lib v0.0.0\n")
            .write(to: goMod, atomically: true, encoding: .utf8)
        try "package main\n\nimport (\n\t\"os\"\n\n\t\"example.com/lib\"\n)\n\nfunc init() {\n\tif len(os.Args) > 99 {\n\t\tprintln(lib.Msg)\n\t}\n}\n"
            .write(to: setup.module.appendingPathComponent("uselib.go"), atomically: true, encoding: .utf8)
        let config = setup.module.appendingPathComponent("shipdeck.yml")
        try (try String(contentsOf: config, encoding: .utf8) + "env: [GOWORK=\(ws.appendingPathComponent("go.work").path)]\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let (first, firstDist) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        try "package lib\n\nconst Msg = \"work-two\"\n".write(to: libSource, atomically: true, encoding: .utf8)
        let (second, secondDist) = setup.release()
        #expect(second.status == 0, "\(second.combined)")
        #expect(Self.buildResults(secondDist) == Self.all(.succeeded), "\(second.stdout)")
        #expect(Self.checksums(secondDist) != Self.checksums(firstDist))
        let (third, thirdDist) = setup.release()
        #expect(Self.buildResults(thirdDist) == Self.all(.cached), "\(third.stdout)")
    }

    @Test func aCorruptedEntryIsDiscardedAndRebuilt() throws {
        let setup = Setup()
        let (first, firstDist) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        // Flip one byte in every stored binary.
        let blobs = try FileManager.default.contentsOfDirectory(atPath: setup.cache.blobs.path).filter { !$0.hasPrefix(".") }
        #expect(blobs.count == 1)
        for name in blobs {
            let url = setup.cache.blobs.appendingPathComponent(name)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
            var bytes = [UInt8](try Data(contentsOf: url))
            bytes[bytes.count / 2] ^= 0x5a
            try Data(bytes).write(to: url)
        }
        let (second, secondDist) = setup.release()
        #expect(second.status == 0, "\(second.combined)")
        #expect(Self.buildResults(secondDist) == Self.all(.succeeded))
        #expect(second.stdout.contains("warning: linux/amd64: a corrupt artifact cache entry was discarded"), "\(second.stdout)")
        #expect(second.stdout.contains("not the recorded"))
        // The release is right (the corrupted bytes were never published), and the cache is whole again.
        #expect(Self.checksums(secondDist) == Self.checksums(firstDist))
        let (third, thirdDist) = setup.release()
        #expect(third.status == 0, "\(third.combined)")
        #expect(Self.buildResults(thirdDist) == Self.all(.cached))
        #expect(Self.checksums(thirdDist) == Self.checksums(firstDist))
        // The headless line and the summary say "cached".
        #expect(third.stdout.contains("[linux/amd64] build cached ("), "\(third.stdout)")
        #expect(third.stdout.contains("from the artifact cache, built "))
        #expect(S.summary(of: third.stdout).contains("linux/amd64   cached"), "\(third.stdout)")
    }

    @Test func noCacheBuildsEverythingAndStoresNothing() throws {
        let setup = Setup()
        let (first, _) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        let before = try FileManager.default.contentsOfDirectory(atPath: setup.cache.entries.path).sorted()
        let (flag, flagDist) = setup.release(["--no-cache"])
        #expect(flag.status == 0, "\(flag.combined)")
        #expect(Self.buildResults(flagDist) == Self.all(.succeeded))
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.cache.entries.path).sorted() == before)

        // SHIPDECK_NO_CACHE=1 does the same: with nothing cached, no artifacts folder appears.
        let fresh = Setup()
        let (variable, variableDist) = fresh.release(environment: ["SHIPDECK_NO_CACHE": "1"])
        #expect(variable.status == 0, "\(variable.combined)")
        #expect(Self.buildResults(variableDist) == Self.all(.succeeded))
        #expect(!FileManager.default.fileExists(atPath: fresh.cache.directory.path))

        let bad = TestSupport.shipdeck(["release", "--cache-size", "lots"], in: setup.module, environment: setup.environment())
        #expect(bad.status == 64 || bad.status == 2, "\(bad.combined)")
        #expect(bad.stderr.contains("--cache-size lots is not a size"), "\(bad.stderr)")
    }

    @Test func theBoundPrunesTheLeastRecentlyUsed() throws {
        let setup = Setup()
        let (first, _) = setup.release(targets: Self.two)
        try #require(first.status == 0, "\(first.combined)")
        let sizes = try FileManager.default.contentsOfDirectory(atPath: setup.cache.blobs.path).map {
            try FileDigest.sha256(path: setup.cache.blobs.appendingPathComponent($0).path).size
        }
        #expect(sizes.count == 2)
        // Room for the larger of the two binaries only: one entry stays, within the bound.
        let bound = sizes.max()! + 1024
        let main = setup.module.appendingPathComponent("main.go")
        try (try String(contentsOf: main, encoding: .utf8)).replacingOccurrences(of: "journalhello", with: "pruned")
            .write(to: main, atomically: true, encoding: .utf8)
        let (small, _) = setup.release(["--cache-size", "\(bound)"], targets: Self.two)
        #expect(small.status == 0, "\(small.combined)")
        #expect(setup.cache.storedBytes() <= bound)
        #expect(setup.entryCount() == 1)
        // The one kept is of this release (the older entries went first).
        let kept = try #require(
            try FileManager.default.contentsOfDirectory(atPath: setup.cache.entries.path).first { $0.hasSuffix(".json") })
        let entry = try #require(setup.cache.entry(String(kept.dropLast(5))))
        let (rerun, rerunDist) = setup.release(["--cache-size", "\(bound)"], targets: Self.two)
        #expect(rerun.status == 0, "\(rerun.combined)")
        #expect(Self.buildResults(rerunDist)[entry.build.cell] == .cached)
    }

    @Test func twoReleasesAtOnceShareTheCache() throws {
        let setup = Setup()
        let dists = (0..<2).map { TestSupport.temporaryDirectory("shared-\($0)").appendingPathComponent("dist") }
        let releases = try dists.map { dist in
            try S.Background(
                TestSupport.shipdeckBinary.path,
                ["release", "--no-tui", "--go", TestSupport.goBinary, "--dist", dist.path]
                    + Self.two.flatMap { ["--target", $0] },
                in: setup.module, environment: setup.environment())
        }
        for release in releases {
            #expect(S.waitFor(180) { !release.isRunning }, "\(release.stdout)")
            #expect(release.process.terminationStatus == 0, "\(release.stdout)\n\(release.stderr)")
        }
        #expect(Self.checksums(dists[0]) == Self.checksums(dists[1]))
        // One entry per cell, each naming a whole blob; no temporary file left behind.
        #expect(setup.entryCount() == 2)
        for name in try FileManager.default.contentsOfDirectory(atPath: setup.cache.entries.path) {
            #expect(!name.hasPrefix(".tmp-"), "\(name)")
            guard name.hasSuffix(".json") else { continue }
            let entry = try #require(setup.cache.entry(String(name.dropLast(5))))
            #expect(try FileDigest.sha256(path: setup.cache.blobURL(entry.sha256).path).hex == entry.sha256)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.cache.blobs.path).allSatisfy { !$0.hasPrefix(".tmp-") })
        // Two releases reading the full cache at once both take every binary from it.
        let readers = try (0..<2).map { i -> (S.Background, URL) in
            let dist = TestSupport.temporaryDirectory("reader-\(i)").appendingPathComponent("dist")
            return (try S.Background(
                TestSupport.shipdeckBinary.path,
                ["release", "--no-tui", "--go", TestSupport.goBinary, "--dist", dist.path]
                    + Self.two.flatMap { ["--target", $0] },
                in: setup.module, environment: setup.environment()), dist)
        }
        for (reader, dist) in readers {
            #expect(S.waitFor(120) { !reader.isRunning }, "\(reader.stdout)")
            #expect(reader.process.terminationStatus == 0, "\(reader.stdout)\n\(reader.stderr)")
            #expect(Self.buildResults(dist) == Self.all(.cached, Self.two))
            #expect(Self.checksums(dist) == Self.checksums(dists[0]))
        }
    }

    /// `--verify-reproducible` compares a cached cell's archive with the one the earlier run made
    /// from the same binary, as the cache recorded it: here that run's record names another
    /// libdeflate (what an upgraded system library does), and the warning names the compressor.
    @Test func verifyReproducibleNamesACompressorDifferenceAcrossRuns() throws {
        let setup = Setup(fixture: "tiny-hello")  // imports nothing: the check builds it again with an empty GOCACHE
        let (first, firstDist) = setup.release()
        try #require(first.status == 0, "\(first.combined)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: setup.cache.entries.path).first { $0.hasSuffix(".json") })
        var entry = try #require(setup.cache.entry(String(name.dropLast(5))))
        let archive = try #require(entry.archives.first)
        #expect(archive.name.hasSuffix(".tar.gz"))
        #expect(Self.checksums(firstDist).contains(archive.sha256))
        let now = try #require(entry.compression)
        #expect(now.contains("libdeflate"))
        // The earlier run, as another libdeflate would have recorded it: other bytes, other version.
        let version = try #require(now.split(separator: " ").drop { $0 != "libdeflate" }.dropFirst().first)
        entry.compression = now.replacingOccurrences(of: "libdeflate \(version)", with: "libdeflate 1.10")
        entry.archives = [.init(name: archive.name, sha256: String(repeating: "ab", count: 32), size: archive.size)]
        try JSONEncoder().encode(entry).write(to: setup.cache.entryURL(entry.key))

        let (checked, checkedDist) = setup.release(["--verify-reproducible"])
        #expect(checked.status == 0, "\(checked.combined)")
        #expect(Self.buildResults(checkedDist) == Self.all(.cached))
        #expect(checked.stdout.contains("[linux/amd64] reproducibility ok"), "\(checked.stdout)")
        #expect(checked.stdout.contains("warning: linux/amd64: \(archive.name) differs"), "\(checked.stdout)")
        #expect(checked.stdout.contains("with the same binary; cause: the compressor differs: libdeflate 1.10 ≠ \(version)"),
                "\(checked.stdout)")
        // This run's archive is what the first run published (same compressor here), and the
        // cache now records it and this run's compressor.
        #expect(Self.checksums(checkedDist) == Self.checksums(firstDist))
        let updated = try #require(setup.cache.entry(entry.key))
        #expect(updated.archives.first?.sha256 == archive.sha256)
        #expect(updated.compression == now)

        // Without the check, the archive of the cached binary comes from the cache as well.
        let (again, againDist) = setup.release()
        #expect(again.status == 0, "\(again.combined)")
        #expect(again.stdout.contains("[linux/amd64] archive cached ("), "\(again.stdout)")
        #expect(Self.checksums(againDist) == Self.checksums(firstDist))
    }
}
