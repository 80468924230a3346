import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A finished release to publish, built once: three archives and checksums.txt.
final class PublishableRelease: @unchecked Sendable {
    static let shared = PublishableRelease()
    let module: URL
    let output: TestSupport.Output
    let version = "1.2.0"

    private init() {
        module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.0")
        try! "targets: [linux/amd64, windows/amd64, darwin/arm64]\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        output = TestSupport.shipdeck(["release", "--no-tui"], in: module)
    }

    /// A copy of the module with its dist/, and `publish` appended to its shipdeck.yml.
    func copy(publish: String) -> URL {
        let copy = TestSupport.temporaryDirectory("publish").appendingPathComponent("hello")
        try! FileManager.default.copyItem(at: module, to: copy)
        let config = copy.appendingPathComponent("shipdeck.yml")
        let text = try! String(contentsOf: config, encoding: .utf8) + publish
        try! text.write(to: config, atomically: true, encoding: .utf8)
        return copy
    }

    /// name → sha256, as checksums.txt lists them.
    func checksums(in module: URL) -> [String: String] {
        let text = try! String(contentsOf: module.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { out[String(parts[1])] = String(parts[0]) }
        }
        return out
    }

    /// What must end up on the release: the archives, checksums.txt (binaries are inside the archives).
    func expectedAssets(in module: URL) -> [String: String] {
        var expected = checksums(in: module).filter { $0.key.hasSuffix(".tar.gz") || $0.key.hasSuffix(".zip") }
        expected["checksums.txt"] = try! FileDigestForTests.sha256(module.appendingPathComponent("dist/checksums.txt"))
        return expected
    }
}

enum FileDigestForTests {
    static func sha256(_ url: URL) throws -> String {
        let out = TestSupport.run("/usr/bin/sha256sum", [url.path], in: url.deletingLastPathComponent())
        return String(out.stdout.prefix(64))
    }
}

@Suite(.serialized, .ownThreads) struct PublishEndToEndTests {
    let release = PublishableRelease.shared
    let tokenVariable = "SHIPDECK_TEST_GITHUB_TOKEN"

    /// Test-only timings (PublishOptions.applyTestTimings): backoff from 50 ms, so injected faults cost
    /// no real minutes; the server's Retry-After is still waited for as sent.
    static let quickRetries = ["SHIPDECK_TEST_RETRY_BASE_MS": "50"]

    func publish(
        _ module: URL, _ extra: [String] = [], token: String? = GitHubStandIn.token, environment: [String: String] = [:]
    ) -> TestSupport.Output {
        TestSupport.shipdeck(
            ["publish", "--no-tui"] + extra, in: module,
            environment: Self.quickRetries.merging(environment) { $1 }.merging([tokenVariable: token ?? ""]) { $1 })
    }

    /// Every file under `folder` (the dist, the module), read as bytes, for the canary.
    func filesContaining(_ needle: String, under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var hits: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if let data = try? Data(contentsOf: url), data.range(of: Data(needle.utf8)) != nil { hits.append(url.path) }
        }
        return hits
    }

    func expectOnServer(_ server: GitHubStandIn, _ module: URL, published: Bool = true) throws {
        let state = try server.state()
        #expect(state.violations.isEmpty, "requests that do not match the description: \(state.violations)")
        let expected = release.expectedAssets(in: module)
        #expect(state.releases.count == 1)
        #expect(state.releases.first?.tag_name == "v\(release.version)")
        #expect(state.releases.first?.draft == !published)
        let onServer = Dictionary(state.assets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(onServer.keys) == Set(expected.keys), "\(onServer.keys.sorted()) vs \(expected.keys.sorted())")
        for (name, sha) in expected {
            #expect(onServer[name]?.sha256 == sha, "\(name)")
            #expect(onServer[name]?.state == "uploaded", "\(name)")
        }
    }

    @Test func theReleaseBuilt() {
        #expect(release.output.status == 0, "\(release.output.combined)")
    }

    @Test func publishesEveryAssetOnceAsADraftThenPublishesIt() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module)
        #expect(out.status == 0, "\(out.combined)")
        try expectOnServer(server, module)
        let state = try server.state()
        for name in release.expectedAssets(in: module).keys {
            #expect(state.uploads(of: name) == 1, "\(name) uploaded \(state.uploads(of: name)) times")
            #expect(out.stdout.contains("[github] \(name) ok: uploaded"), "\(out.stdout)")
        }
        // Draft first, every asset, then published.
        let requests = state.log.compactMap { entry in entry.method.map { "\($0) \(entry.path ?? "")" } }
        let create = requests.firstIndex { $0 == "POST /repos/octo/hello/releases" }
        let firstUpload = requests.firstIndex { $0.hasSuffix("/assets") && $0.hasPrefix("POST") }
        let publishIndex = requests.lastIndex { $0.hasPrefix("PATCH /repos/octo/hello/releases/") }
        #expect(create != nil && firstUpload != nil && publishIndex != nil, "\(requests)")
        if let create, let firstUpload, let publishIndex { #expect(create < firstUpload && firstUpload < publishIndex) }
        // The token: in no output and no file.
        #expect(!out.combined.contains(GitHubStandIn.token))
        #expect(filesContaining(GitHubStandIn.token, under: module).isEmpty)

        // Again: everything is there, nothing is sent.
        let again = publish(module)
        #expect(again.status == 0, "\(again.combined)")
        #expect(again.stdout.contains("skipped: already on the release (same size and sha256)"), "\(again.stdout)")
        let after = try server.state()
        for name in release.expectedAssets(in: module).keys { #expect(after.uploads(of: name) == 1, "\(name)") }
        #expect(after.violations.isEmpty, "\(after.violations)")

        // --json (and --resume): events only, each a JSON object; the token in none of them.
        let json = publish(module, ["--json", "--resume"])
        #expect(json.status == 0, "\(json.combined)")
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }, "\(json.stdout)")
        #expect(json.stdout.contains("\"type\":\"publishFinished\""), "\(json.stdout)")
        #expect(json.stdout.contains("\"result\":\"skipped\""), "\(json.stdout)")
        for output in [again, json] { #expect(!output.combined.contains(GitHubStandIn.token)) }
        #expect(filesContaining(GitHubStandIn.token, under: module).isEmpty)
    }

    @Test func anAssetThatDiffersStopsThePublishNamingItUnlessReplaceExisting() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let id = try server.seedRelease(tag: "v\(release.version)", draft: true)
        try server.seedAsset(releaseID: id, name: "checksums.txt", data: "someone else's checksums\n")
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("checksums.txt FAILED: checksums.txt is already on release v1.2.0 with 25 bytes"), "\(out.stdout)")
        #expect(out.stdout.contains("replace_existing: true"), "\(out.stdout)")
        #expect(out.stdout.contains("left a draft: 1 asset failed"), "\(out.stdout)")
        var state = try server.state()
        #expect(state.uploads(of: "checksums.txt") == 0)
        #expect(state.releases.first?.draft == true)
        #expect(state.log.allSatisfy { $0.deleted == nil }, "\(state.log)")

        // With replace_existing the other one is deleted and this release's is sent; then published.
        let replacing = release.copy(publish: server.publishYAML(extra: "replace_existing: true"))
        let again = publish(replacing)
        #expect(again.status == 0, "\(again.combined)")
        try expectOnServer(server, replacing)
        state = try server.state()
        #expect(state.log.filter { $0.deleted == "checksums.txt" }.count == 1, "\(state.log)")
        #expect(state.uploads(of: "checksums.txt") == 1)
        for name in release.expectedAssets(in: module).keys where name != "checksums.txt" {
            #expect(state.uploads(of: name) == 1, "\(name): the first run's upload is kept")
        }
    }

    @Test func faultsAreRetriedOrReportedWithTheServersWords() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        // In order of the requests they hit: a stalled answer (slower than the idle timeout), a rate
        // limit with Retry-After, a 500 on creating the draft, a 502 on an upload, a reset mid-upload,
        // an upload stored whose answer is lost (the retry then meets GitHub's 422 already_exists).
        try server.inject([
            ["method": "GET", "path": "/releases/tags", "times": 1, "delay": 5],
            ["method": "GET", "path": "/releases/tags", "times": 1, "status": 429, "headers": ["Retry-After": "1"],
             "body": ["message": "API rate limit exceeded"]],
            ["method": "POST", "path": "/releases", "times": 1, "status": 500,
             "body": ["message": "Server Error"]],
            ["method": "POST", "path": "/assets", "times": 1, "status": 502, "body": ["message": "Bad Gateway"]],
            ["method": "POST", "path": "/assets", "name": "windows", "times": 1, "reset_after": 4096],
            ["method": "POST", "path": "/assets", "name": "darwin", "times": 1, "lost_answer": true],
        ])
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module, environment: ["SHIPDECK_TEST_HTTP_IDLE_MS": "1500"])
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("draft release v1.2.0: retrying in 0.0s: GET "), "\(out.stdout)")
        #expect(out.stdout.contains("the server sent nothing for too long"), "\(out.stdout)")
        // The server's Retry-After, not the (50 ms) backoff.
        #expect(out.stdout.contains("retrying in 1.0s: HTTP 429 (rate limited)"), "\(out.stdout)")
        #expect(out.stdout.contains("draft release v1.2.0: retrying in 0.0s: HTTP 500"), "\(out.stdout)")
        #expect(out.stdout.contains("HTTP 502"), "\(out.stdout)")
        #expect(out.stdout.contains("windows_amd64.zip: retrying in 0.0s: POST "), "\(out.stdout)")
        #expect(out.stdout.contains("connection reset by peer"), "\(out.stdout)")
        #expect(out.stdout.contains("windows_amd64.zip ok: uploaded"), "\(out.stdout)")
        #expect(out.stdout.contains("darwin_arm64.tar.gz ok: uploaded")
            && out.stdout.contains("(confirmed on the server after a lost answer)"), "\(out.stdout)")
        #expect(out.stdout.contains("(after deleting an upload that was cut off)"), "\(out.stdout)")
        try expectOnServer(server, module)
        let state = try server.state()
        for name in release.expectedAssets(in: module).keys { #expect(state.uploads(of: name) == 1, "\(name)") }

        // A fault that does not go away: reported with the server's message, the release stays a draft.
        let server2 = try GitHubStandIn()
        defer { server2.stop() }
        try server2.inject([
            ["method": "POST", "path": "/assets", "name": "checksums", "times": 50, "status": 503,
             "body": ["message": "the disk is on fire"]],
        ])
        let module2 = release.copy(publish: server2.publishYAML())
        let failed = publish(module2)
        #expect(failed.status == 1, "\(failed.combined)")
        #expect(failed.stdout.contains("checksums.txt FAILED: GitHub: 503 the disk is on fire"), "\(failed.stdout)")
        #expect(failed.stdout.contains("left a draft"), "\(failed.stdout)")
        #expect(try server2.state().releases.first?.draft == true)
    }

    /// `noDigest`: a server that reports no sha256 of its assets (GitHub before digests, or GHES):
    /// then the publish journal of the killed run vouches for what it completed.
    @Test(arguments: [false, true]) func killedHalfWayThenResumedEveryAssetExactlyOnce(noDigest: Bool) throws {
        let server = try GitHubStandIn(noDigest: noDigest)
        defer { server.stop() }
        try server.inject([["throttle": 300_000]])
        let module = release.copy(publish: server.publishYAML())
        let process = Process()
        process.executableURL = TestSupport.shipdeckBinary
        process.arguments = ["publish", "--no-tui"]
        process.currentDirectoryURL = module
        var env = ProcessInfo.processInfo.environment
        env[tokenVariable] = GitHubStandIn.token
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Half-way: two assets complete and a third under way.
        let halfWay = try server.wait { state in
            state.log.filter { $0.uploaded != nil }.count >= 2 && state.assets.contains { $0.state == "open" }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(halfWay, "the publish never got half-way")
        // The server may still be reading what the killed client had sent: let it settle first.
        try server.inject([["throttle": 0]])
        #expect(try server.wait { $0.uploading == 0 })
        let before = try server.state()
        let complete = Set(before.assets.filter { $0.state == "uploaded" }.map(\.name))
        #expect(complete.count >= 2)

        // What the killed run's journal says it finished (the server may hold one more: killed between
        // the server storing it and the journal line).
        let journal = (try? String(contentsOf: module.appendingPathComponent("dist/shipdeck.publish.jsonl"), encoding: .utf8)) ?? ""
        let vouched = Set(journal.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["phase"] as? String == "finished", object["result"] as? String == "done",
                let unit = object["unit"] as? String, unit.hasPrefix("github:asset:") else { return nil }
            return String(unit.dropFirst("github:asset:".count))
        })
        #expect(!vouched.isEmpty && vouched.isSubset(of: complete), "\(vouched) vs \(complete)")

        let out = publish(module, ["--resume"])
        #expect(out.status == 0, "\(out.combined)")
        try expectOnServer(server, module)
        let after = try server.state()
        for name in release.expectedAssets(in: module).keys {
            // Nothing complete is sent twice: with digests the server tells; without, the journal vouches,
            // or (killed between the server storing an asset and the journal line) its copy is downloaded.
            #expect(after.uploads(of: name) == 1, "\(name) uploaded \(after.uploads(of: name)) times")
            if noDigest && complete.contains(name) && !vouched.contains(name) {
                #expect(out.stdout.contains("[github] \(name) skipped: already on the release (same size and sha256 of the server's copy, downloaded)"), "\(out.stdout)")
            }
        }
        for name in noDigest ? vouched : complete {
            #expect(out.stdout.contains("[github] \(name) skipped: already on the release ("
                + (noDigest ? "same size; the interrupted publish uploaded this sha256)" : "same size and sha256)")), "\(out.stdout)")
        }
    }

    /// SIGINT or SIGTERM mid-upload: the upload stops at once, the release stays a draft, the exit
    /// status is 128 + the signal; `--json` says so in its events.
    @Test(arguments: [(SIGINT, false), (SIGTERM, true)]) func aSignalStopsThePublishAndLeavesADraft(
        signal: Int32, json: Bool
    ) throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        try server.inject([["throttle": 100_000]])
        let module = release.copy(publish: server.publishYAML())
        let process = Process()
        process.executableURL = TestSupport.shipdeckBinary
        process.arguments = ["publish", "--no-tui"] + (json ? ["--json"] : [])
        process.currentDirectoryURL = module
        var env = ProcessInfo.processInfo.environment
        env[tokenVariable] = GitHubStandIn.token
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let uploading = try server.wait { $0.uploading > 0 }
        #expect(uploading, "the publish never started uploading")
        let sent = Date()
        kill(process.processIdentifier, signal)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self) + String(decoding: stderr, as: UTF8.self)
        #expect(Date().timeIntervalSince(sent) < 15, "it took \(Date().timeIntervalSince(sent)) s to stop")
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "\(text)")
        try server.inject([["throttle": 0]])
        let state = try server.state()
        #expect(state.releases.count == 1 && state.releases.first?.draft == true, "\(state.releases)")
        #expect(!state.log.contains { $0.method == "PATCH" }, "the release was published: \(state.log)")
        if json {
            #expect(text.contains("\"type\":\"interrupted\""), "\(text)")
            #expect(text.contains("\"type\":\"publishFinished\"") && text.contains("\"outcome\":\"cancelled\""),
                    "\(text)")
        } else {
            #expect(text.contains("SIGINT: stopping the publish"), "\(text)")
            #expect(text.contains("cancelled"), "\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/.shipdeck.lock").path))
    }

    /// `publish --json` that fails before publishing prints an `error` event on stdout.
    @Test func aJSONPublishThatFailsPrintsAnErrorEvent() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let out = publish(release.copy(publish: server.publishYAML()), ["--json"], token: nil)
        #expect(out.status == 2, "\(out.combined)")
        let events = out.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let error = events.first { $0["type"] as? String == "error" }
        #expect((error?["message"] as? String)?.contains("SHIPDECK_TEST_GITHUB_TOKEN is not set") == true,
                "\(out.stdout)")
        #expect(error?["code"] as? String == "config", "\(out.stdout)")
    }

    /// A server that reports no sha256 of its assets (GitHub Enterprise Server, GitHub before digests):
    /// an asset of the same size on a published release is downloaded and hashed — through the 302 to
    /// the object store, which fails the test if it is sent the token, or streamed by the API itself —
    /// and only then skipped or called different; a download that keeps failing is named.
    @Test(arguments: [false, true]) func withoutDigestsAnAssetOfTheSameSizeIsDownloadedAndHashed(direct: Bool) throws {
        let ours = try String(contentsOf: release.module.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        let port = direct ? "api" : "downloads"

        // The same bytes: skipped after one download, and every other asset uploaded once.
        let server = try GitHubStandIn(noDigest: true, directDownload: direct)
        defer { server.stop() }
        let id = try server.seedRelease(tag: "v\(release.version)", draft: false)
        try server.seedAsset(releaseID: id, name: "checksums.txt", data: ours)
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains(
            "[github] checksums.txt skipped: already on the release (same size and sha256 of the server's copy, downloaded)"),
            "\(out.stdout)")
        try expectOnServer(server, module)
        var state = try server.state()
        #expect(state.downloads(of: "checksums.txt", port: port) == 1, "\(state.log)")
        #expect(state.uploads(of: "checksums.txt") == 0)
        for name in release.expectedAssets(in: module).keys where name != "checksums.txt" {
            #expect(state.uploads(of: name) == 1, "\(name)")
        }
        #expect(filesContaining(GitHubStandIn.token, under: module).isEmpty)

        let other = try GitHubStandIn(noDigest: true, directDownload: direct)
        defer { other.stop() }
        let otherID = try other.seedRelease(tag: "v\(release.version)", draft: false)
        let module2 = release.copy(publish: other.publishYAML())
        if direct {
            // The same size, one byte different: named as different, nothing deleted or sent over it.
            let changed = String(ours.first == "0" ? "1" : "0") + ours.dropFirst()
            try other.seedAsset(releaseID: otherID, name: "checksums.txt", data: changed)
            let failed = publish(module2)
            #expect(failed.status == 1, "\(failed.combined)")
            #expect(failed.stdout.contains("checksums.txt FAILED: checksums.txt is already on release v1.2.0 with sha256 "),
                    "\(failed.stdout)")
            #expect(failed.stdout.contains("downloaded (this release's file has"), "\(failed.stdout)")
            state = try other.state()
            #expect(state.downloads(of: "checksums.txt", port: port) == 1, "\(state.log)")
            #expect(state.uploads(of: "checksums.txt") == 0)
            #expect(state.log.allSatisfy { $0.deleted == nil }, "\(state.log)")
        } else {
            // The object store keeps failing: the asset is neither trusted nor replaced, and the error says why.
            try other.seedAsset(releaseID: otherID, name: "checksums.txt", data: ours)
            try other.inject([["method": "GET", "path": "/objects/", "times": 100, "status": 503]])
            let failed = publish(module2)
            #expect(failed.status == 1, "\(failed.combined)")
            #expect(failed.stdout.contains("reports no sha256 and its copy could not be downloaded to check it"),
                    "\(failed.stdout)")
            #expect(failed.stdout.contains("503"), "\(failed.stdout)")
            #expect(!failed.combined.contains("X-Signature="), "the signed URL's signature was shown: \(failed.combined)")
            state = try other.state()
            #expect(state.violations.isEmpty, "\(state.violations)")
            #expect(state.uploads(of: "checksums.txt") == 0)
            #expect(state.log.allSatisfy { $0.deleted == nil }, "\(state.log)")
        }
    }

    @Test func aWrongTokenFailsOnTheFirstRequest() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module, token: "ghp_wrong_token_canary_31415")
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("GitHub: 401 Bad credentials"), "\(out.stderr)")
        #expect(out.stderr.contains("SHIPDECK_TEST_GITHUB_TOKEN"), "\(out.stderr)")
        #expect(!out.combined.contains("ghp_wrong_token_canary_31415"))
        let state = try server.state()
        #expect(state.log.filter { $0.method != nil }.count == 1, "\(state.log)")
        #expect(state.releases.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/.shipdeck.lock").path))
    }

    @Test func badInputIsAClearErrorBeforeAnythingIsUploaded() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }

        let missingToken = publish(release.copy(publish: server.publishYAML()), token: nil)
        #expect(missingToken.status == 2, "\(missingToken.combined)")
        #expect(missingToken.stderr.contains("SHIPDECK_TEST_GITHUB_TOKEN is not set"), "\(missingToken.stderr)")
        #expect(missingToken.stderr.contains("hint: export SHIPDECK_TEST_GITHUB_TOKEN="), "\(missingToken.stderr)")

        let noRepository = publish(release.copy(publish: server.publishYAML(repository: "octo/nope")))
        #expect(noRepository.status == 2, "\(noRepository.combined)")
        #expect(noRepository.stderr.contains("GitHub: 404 Not Found"), "\(noRepository.stderr)")
        #expect(noRepository.stderr.contains("octo/nope"), "\(noRepository.stderr)")
        #expect(noRepository.stderr.contains("hint: check publish.github.repository (octo/nope)"), "\(noRepository.stderr)")

        let tampered = release.copy(publish: server.publishYAML())
        let archive = try FileManager.default.contentsOfDirectory(atPath: tampered.appendingPathComponent("dist").path)
            .first { $0.hasSuffix(".tar.gz") }!
        let url = tampered.appendingPathComponent("dist/\(archive)")
        var data = try Data(contentsOf: url)
        data[data.count / 2] ^= 0x01
        try data.write(to: url)
        let unverified = publish(tampered)
        #expect(unverified.status == 2, "\(unverified.combined)")
        #expect(unverified.stderr.contains("does not verify, so nothing was published"), "\(unverified.stderr)")
        #expect(unverified.stderr.contains("MISMATCH \(archive)"), "\(unverified.stderr)")
        #expect(unverified.stderr.contains("hint: run `shipdeck verify"), "\(unverified.stderr)")

        var state = try server.state()
        #expect(state.log.allSatisfy { $0.method == "GET" }, "\(state.log)")
        #expect(state.releases.isEmpty && state.assets.isEmpty)

        // An address nothing listens on (port 9 is discard; nothing serves it here).
        let unreachable = release.copy(publish: """
            publish:
              github:
                repository: octo/hello
                token_env: SHIPDECK_TEST_GITHUB_TOKEN
                api_url: http://127.0.0.1:9
                upload_url: http://127.0.0.1:9

            """)
        let noHost = publish(unreachable)
        #expect(noHost.status == 2, "\(noHost.combined)")
        #expect(noHost.stderr.contains("cannot connect to 127.0.0.1:9"), "\(noHost.stderr)")
        #expect(noHost.stderr.contains("hint: check publish.github.api_url"), "\(noHost.stderr)")
        state = try server.state()
        #expect(state.violations.isEmpty, "\(state.violations)")
    }

    @Test func releaseWithPublishChecksTheTokenVariableBeforeBuilding() throws {
        let module = release.copy(publish: "publish:\n  github: { repository: octo/hello, token_env: SHIPDECK_TEST_GITHUB_TOKEN }\n")
        let before = try FileManager.default.contentsOfDirectory(atPath: module.appendingPathComponent("dist").path)
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--publish", "--resume"], in: module, environment: [tokenVariable: ""])
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("SHIPDECK_TEST_GITHUB_TOKEN is not set"), "\(out.stderr)")
        #expect(!out.stdout.contains("build started"), "\(out.stdout)")
        let after = try FileManager.default.contentsOfDirectory(atPath: module.appendingPathComponent("dist").path)
        #expect(Set(before) == Set(after))
    }

    /// A release whose journal says it failed, was interrupted, was killed (no end) or is still
    /// running is refused before any request, naming the problem and the fix.
    @Test func aReleaseThatFailedOrDidNotFinishIsNotPublished() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        // A real failed release: windows/amd64 does not compile.
        let failing = TestSupport.copyFixture("hello", example: true, git: true)
        try "targets: [linux/amd64, windows/amd64]\n\(server.publishYAML())"
            .write(to: failing.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        try "//go:build windows\n\npackage main\n\nfunc broken( {\n"
            .write(to: failing.appendingPathComponent("broken_windows.go"), atomically: true, encoding: .utf8)
        for args in [["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "b"],
                     ["tag", "v1.2.0"]] {
            #expect(TestSupport.run("/usr/bin/git", args, in: failing).status == 0)
        }
        let released = TestSupport.shipdeck(["release", "--no-tui"], in: failing)
        #expect(released.status == 1, "\(released.combined)")
        let failed = publish(failing)
        #expect(failed.status == 2, "\(failed.combined)")
        #expect(failed.stderr.contains("failed (cell windows/amd64 failed), so nothing was published"),
                "\(failed.stderr)")
        #expect(failed.stderr.contains("hint: fix what failed and run `shipdeck release --resume`"), "\(failed.stderr)")

        // The good release's journal, as a signal, a kill (no end) or a release still running leave it.
        func edited(_ change: (inout [String]) -> Void) throws -> URL {
            let module = release.copy(publish: server.publishYAML())
            let url = module.appendingPathComponent("dist/shipdeck.journal.jsonl")
            var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            change(&lines)
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return module
        }
        let interrupted = publish(try edited { lines in
            lines = lines.map { $0.contains("\"releaseFinished\"") ? $0.replacingOccurrences(
                of: "\"outcome\":\"succeeded\"", with: "\"outcome\":\"interrupted\"") : $0 }
        })
        #expect(interrupted.status == 2, "\(interrupted.combined)")
        #expect(interrupted.stderr.contains("was interrupted by a signal before it finished"), "\(interrupted.stderr)")
        #expect(interrupted.stderr.contains("hint: run `shipdeck release --resume`"), "\(interrupted.stderr)")

        let killed = publish(try edited { lines in lines.removeAll { $0.contains("\"releaseFinished\"") } })
        #expect(killed.status == 2, "\(killed.combined)")
        #expect(killed.stderr.contains("did not finish (its journal has no end"), "\(killed.stderr)")
        #expect(killed.stderr.contains("was killed or crashed"), "\(killed.stderr)")

        // Still running: the header names a live process on this machine (this test's).
        let running = publish(try edited { lines in
            lines.removeAll { $0.contains("\"releaseFinished\"") }
            lines[0] = lines[0].replacingOccurrences(
                of: #""pid":[0-9]+"#, with: "\"pid\":\(getpid())", options: .regularExpression)
        })
        #expect(running.status == 2, "\(running.combined)")
        #expect(running.stderr.contains("is still running (process \(getpid()))"), "\(running.stderr)")

        let state = try server.state()
        #expect(state.log.isEmpty, "requests were sent: \(state.log)")
        #expect(state.releases.isEmpty && state.assets.isEmpty)
    }

    /// A server's words with escape sequences, C1 and bidi controls reach the terminal, `--json` and
    /// the publish journal escaped (`\e`, `\x9b`, `<U+202E>`), never raw.
    @Test func aServersControlCharactersAreEscapedEverywhere() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let hostile = "boom \u{1b}]52;c;aGk=\u{07}\u{1b}[2J \u{9b}31m \u{202e}txt.exe"
        try server.inject([
            ["method": "POST", "path": "/assets", "name": "checksums", "times": 50, "status": 422,
             "body": ["message": hostile]],
        ])
        let module = release.copy(publish: server.publishYAML())
        let out = publish(module)
        #expect(out.status == 1, "\(out.combined)")
        let json = publish(module, ["--json", "--resume"])
        #expect(json.status == 1, "\(json.combined)")
        let journal = try Data(contentsOf: module.appendingPathComponent("dist/shipdeck.publish.jsonl"))
        let escaped = "boom \\e]52;c;aGk=\\x07\\e[2J \\x9b31m <U+202E>txt.exe"
        #expect(out.stdout.contains(escaped), "\(out.stdout)")
        let outputs = [("stdout", Data(out.combined.utf8)), ("json", Data(json.combined.utf8)), ("journal", journal)]
        for (name, bytes) in outputs {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.unicodeScalars.contains { [0x1b, 0x07, 0x9b, 0x202e].contains($0.value) }, "\(name): \(text)")
            // Not hidden as a JSON escape either: what a consumer decodes and prints is safe.
            #expect(!text.contains("\\u001b") && !text.contains("\\u202e"), "\(name): \(text)")
        }
        #expect(String(decoding: journal, as: UTF8.self).contains("<U+202E>txt.exe"))
        #expect(json.stdout.contains("<U+202E>txt.exe"), "\(json.stdout)")
    }

    /// `--version` that is not the journal's is refused before any request; the journal's own is taken.
    @Test func aVersionOtherThanTheJournalsIsRefused() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let module = release.copy(publish: server.publishYAML())
        let wrong = publish(module, ["--version", "9.9.9"])
        #expect(wrong.status == 2, "\(wrong.combined)")
        #expect(wrong.stderr.contains(
            "--version 9.9.9 is not the version of the release in \(module.path)/dist: its journal records 1.2.0"),
            "\(wrong.stderr)")
        #expect(wrong.stderr.contains("hint: pass --version 1.2.0"), "\(wrong.stderr)")
        #expect(try server.state().log.isEmpty)
        let dry = publish(module, ["--version", "v1.2.0", "--dry-run"])
        #expect(dry.status == 2, "\(dry.combined)")
        let right = publish(module, ["--version", "1.2.0"])
        #expect(right.status == 0, "\(right.combined)")
        try expectOnServer(server, module)
    }

    /// A token HTTP cannot carry is refused by its variable's name; one a server echoes is cut out of
    /// the lines, the JSON events, the publish journal and the error of the first request.
    @Test func aTokenUnfitForAHeaderOrEchoedByTheServerIsNeverShown() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let token = GitHubStandIn.token
        let module = release.copy(publish: server.publishYAML())
        let bad = publish(module, token: "ghp_canary_bad_27182\r\nX-Injected: 1")
        #expect(bad.status == 2, "\(bad.combined)")
        #expect(bad.stderr.contains("SHIPDECK_TEST_GITHUB_TOKEN holds a line break (CR or LF)"), "\(bad.stderr)")
        #expect(!bad.combined.contains("ghp_canary_bad_27182"), "\(bad.combined)")
        #expect(try server.state().log.isEmpty)

        try server.inject([
            ["method": "POST", "path": "/assets", "name": "checksums", "times": 50, "status": 503,
             "body": ["message": "we saw Bearer \(token)"]],
        ])
        let echoed = publish(module)
        #expect(echoed.status == 1, "\(echoed.combined)")
        #expect(echoed.stdout.contains("we saw Bearer <redacted $SHIPDECK_TEST_GITHUB_TOKEN>"), "\(echoed.stdout)")
        let json = publish(module, ["--json", "--resume"])
        #expect(json.status == 1, "\(json.combined)")
        #expect(json.stdout.contains("we saw Bearer <redacted $SHIPDECK_TEST_GITHUB_TOKEN>"), "\(json.stdout)")

        let other = try GitHubStandIn()
        defer { other.stop() }
        try other.inject([
            ["method": "GET", "path": "/releases", "times": 1, "status": 401,
             "body": ["message": "Bad credentials \(token)"]],
        ])
        let first = publish(release.copy(publish: other.publishYAML()))
        #expect(first.status == 2, "\(first.combined)")
        #expect(first.stderr.contains("Bad credentials <redacted $SHIPDECK_TEST_GITHUB_TOKEN>"), "\(first.stderr)")
        for output in [echoed, json, first] { #expect(!output.combined.contains(token), "\(output.combined)") }
        #expect(filesContaining(token, under: module).isEmpty)
    }

    /// A `publish.github.tag` git would refuse is a config error before any request.
    @Test func aTagThatIsNotAGitRefNameIsRefusedBeforeAnyRequest() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        for tag in ["'v {version}'", "'v{version}..x'", "'-v{version}'", "'v{version}.lock'"] {
            let out = publish(release.copy(publish: server.publishYAML(extra: "tag: \(tag)")))
            #expect(out.status == 2, "\(tag): \(out.combined)")
            #expect(out.stderr.contains("publish.github.tag") && out.stderr.contains("is not a git tag name"),
                    "\(tag): \(out.stderr)")
        }
        #expect(try server.state().log.isEmpty)
    }

    @Test func aDryRunPrintsEveryRequestAndSendsNone() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let module = release.copy(publish: server.publishYAML())
        // Notes whose name holds an escape sequence: shown escaped, in the line of its request.
        let notes = module.appendingPathComponent("notes\u{1b}[31m\u{202e}.md")
        try "Notes\n".write(to: notes, atomically: true, encoding: .utf8)
        let out = publish(module, ["--dry-run", "--release-notes", notes.path])
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("POST \(server.apiURL)/repos/octo/hello/releases"), "\(out.stdout)")
        #expect(out.stdout.contains("Authorization: <redacted>"), "\(out.stdout)")
        #expect(out.stdout.contains("name=checksums.txt"), "\(out.stdout)")
        #expect(!out.combined.contains(GitHubStandIn.token))
        #expect(try server.state().log.isEmpty)
        // One request a line: each line that names a request starts with its method, and says all of it.
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let methods = ["GET ", "POST ", "PATCH ", "PUT ", "DELETE ", "HEAD "]
        let requests = lines.filter { line in methods.contains { line.hasPrefix($0) } }
        #expect(requests.count == 3 + 1 + release.expectedAssets(in: module).count + 1, "\(out.stdout)")
        #expect(!out.stdout.contains("\\x0a"), "a line break was escaped instead of split: \(out.stdout)")
        #expect(requests.allSatisfy { $0.contains("Authorization: <redacted>") || $0.contains("/assets?name=") },
                "\(out.stdout)")
        #expect(lines.contains {
            $0.hasPrefix("POST ") && $0.contains("\"draft\": true") && $0.contains("Authorization")
        },
                "\(out.stdout)")
        #expect(out.stdout.contains("notes\\e[31m<U+202E>.md"), "\(out.stdout)")
        #expect(!out.stdout.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x202e }, "\(out.stdout)")
    }
}
