import Foundation
import Synchronization
import Testing
@testable import ShipdeckEngine

/// The tap / bucket is a real bare git repository in a temp folder; every push goes through the
/// real git, including a race in which another clone pushes first.
@Suite struct GitPublisherTests {
    static let git = "/usr/bin/git"

    struct Tap {
        let root: URL
        var bare: URL { root.appendingPathComponent("tap.git") }

        /// A bare repository whose main branch holds a README (or nothing, when `empty`).
        init(empty: Bool = false) throws {
            root = PublishTestSupport.temporaryDirectory("tap")
            try #require(PublishTestSupport.run(GitPublisherTests.git, ["init", "--quiet", "--bare", "-b", "main", bare.path], in: root).status == 0)
            if !empty { try commit(["README.md": "tap\n"], message: "start") }
        }

        /// Commits `files` from a separate clone, as another maintainer would.
        func commit(_ files: [String: String], message: String) throws {
            let other = root.appendingPathComponent("other-\(UUID().uuidString.prefix(6))")
            try #require(git(["clone", "--quiet", bare.path, other.path]).status == 0)
            for (path, text) in files {
                let url = other.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
            for args in [["add", "-A"], ["commit", "--quiet", "-m", message], ["push", "--quiet", "origin", "HEAD:main"]] {
                let out = git(["-C", other.path, "-c", "user.name=Other", "-c", "user.email=o@localhost"] + args)
                try #require(out.status == 0, "\(out.output)")
            }
        }

        @discardableResult
        func git(_ arguments: [String]) -> PublishTestSupport.Output {
            PublishTestSupport.run(GitPublisherTests.git, arguments, in: root)
        }

        func show(_ path: String) -> String { git(["--git-dir", bare.path, "show", "main:\(path)"]).output }
        func log() -> [String] {
            git(["--git-dir", bare.path, "log", "--format=%s", "main"]).output.split(separator: "\n").map(String.init)
        }
    }

    func publisher(_ tap: Tap, run: GitPublisher.Run? = nil) throws -> GitPublisher {
        let repository = TapConfig.Repository(key: "publish.homebrew.tap", url: tap.bare.path)
        let work = tap.root.appendingPathComponent("work")
        if let run { return try GitPublisher(repository: repository, workDirectory: work, run: run) }
        return try GitPublisher(repository: repository, workDirectory: work)
    }

    let formula = Data("class Hello < Formula\nend\n".utf8)

    @Test func commitsAndPushesTheFileWithAMessageNamingTheVersion() throws {
        let tap = try Tap()
        defer { try? FileManager.default.removeItem(at: tap.root) }
        let outcome = try publisher(tap).publish(files: ["Formula/hello.rb": formula], message: "hello 1.2.3: Homebrew formula")
        guard case .pushed(let commit, let retries) = outcome else { Issue.record("\(outcome)"); return }
        #expect(retries == 0)
        #expect(tap.show("Formula/hello.rb") == String(decoding: formula, as: UTF8.self))
        #expect(tap.log() == ["hello 1.2.3: Homebrew formula", "start"])
        #expect(tap.git(["--git-dir", tap.bare.path, "rev-parse", "main"]).output.hasPrefix(commit))
        #expect(!FileManager.default.fileExists(atPath: tap.root.appendingPathComponent("work").path), "the clone is removed")
    }

    @Test func publishingTheSameContentAgainMakesNoCommit() throws {
        let tap = try Tap()
        defer { try? FileManager.default.removeItem(at: tap.root) }
        let p = try publisher(tap)
        _ = try p.publish(files: ["Formula/hello.rb": formula], message: "hello 1.2.3")
        #expect(try p.isComplete(files: ["Formula/hello.rb": formula]))
        #expect(try !p.isComplete(files: ["Formula/hello.rb": Data("other".utf8)]))
        let again = try p.publish(files: ["Formula/hello.rb": formula], message: "hello 1.2.3")
        guard case .unchanged = again else { Issue.record("\(again)"); return }
        #expect(tap.log().count == 2)
    }

    @Test func aPushRejectedBecauseSomeonePushedFirstIsFetchedRebasedAndRetried() throws {
        let tap = try Tap()
        defer { try? FileManager.default.removeItem(at: tap.root) }
        // Another maintainer pushes between our commit and our first push.
        let raced = Mutex(false)
        let p = try publisher(tap) { spec in
            if spec.arguments.contains("push"), !raced.withLock({ let was = $0; $0 = true; return was }) {
                try tap.commit(["Formula/other.rb": "class Other < Formula\nend\n"], message: "other 0.1")
            }
            return try ProcessRunner.capture(spec)
        }
        var lines: [String] = []
        let outcome = try p.publish(files: ["Formula/hello.rb": formula], message: "hello 1.2.3") { lines.append($0) }
        guard case .pushed(_, let retries) = outcome else { Issue.record("\(outcome)"); return }
        #expect(retries == 1)
        #expect(tap.log() == ["hello 1.2.3", "other 0.1", "start"], "rebased on top of the other push")
        #expect(tap.show("Formula/other.rb").contains("Other"))
        #expect(tap.show("Formula/hello.rb") == String(decoding: formula, as: UTF8.self))
        #expect(lines.contains { $0.contains("push rejected") }, "\(lines)")
    }

    @Test func aConflictingConcurrentChangeStopsWithAClearErrorAndLeavesTheTapAlone() throws {
        let tap = try Tap()
        defer { try? FileManager.default.removeItem(at: tap.root) }
        let raced = Mutex(false)
        let p = try publisher(tap) { spec in
            if spec.arguments.contains("push"), !raced.withLock({ let was = $0; $0 = true; return was }) {
                try tap.commit(["Formula/hello.rb": "class Hello < Formula # theirs\nend\n"], message: "hand edit")
            }
            return try ProcessRunner.capture(spec)
        }
        let error = #expect(throws: ShipdeckError.self) {
            try p.publish(files: ["Formula/hello.rb": formula], message: "hello 1.2.3")
        }
        #expect(error?.message.contains("cannot rebase") == true, "\(String(describing: error))")
        // git's own advice (`hint: Resolve all conflicts manually…`) is not Shipdeck's to give.
        #expect(error?.message.contains("hint:") == false, "\(String(describing: error))")
        #expect(tap.log() == ["hand edit", "start"])
    }

    @Test func gitsHintLinesAreDroppedFromItsWords() {
        let output =
            "error: could not apply 1a2b3c... m\nhint: Resolve all conflicts manually\n  hint: and more\nCONFLICT"
        #expect(GitPublisher.lastLines(output) == "error: could not apply 1a2b3c... m | CONFLICT")
    }

    @Test func aFailedCloneLeavesNoTemporaryFolder() throws {
        let root = PublishTestSupport.temporaryDirectory("tap")
        defer { try? FileManager.default.removeItem(at: root) }
        let work = root.appendingPathComponent("work")
        let p = try GitPublisher(
            repository: .init(key: "publish.homebrew.tap", url: root.appendingPathComponent("missing.git").path),
            workDirectory: work)
        #expect(throws: ShipdeckError.self) { try p.publish(files: ["a": Data()], message: "m") }
        #expect(!FileManager.default.fileExists(atPath: work.path), "the failed clone's folder is left")
        #expect(throws: ShipdeckError.self) { _ = try p.isComplete(files: ["a": Data()]) }
        #expect(!FileManager.default.fileExists(atPath: work.path), "the failed clone's folder is left")
    }

    @Test func theRepositoryAndItsBranchAreCheckedWithLsRemote() throws {
        let tap = try Tap()
        defer { try? FileManager.default.removeItem(at: tap.root) }
        let work = tap.root.appendingPathComponent("work")
        func check(_ url: String, branch: String?) throws {
            try GitPublisher(
                repository: .init(key: "publish.homebrew.tap", url: url, branch: branch), workDirectory: work
            ).checkReachable()
        }
        try check(tap.bare.path, branch: nil)
        try check(tap.bare.path, branch: "main")
        let missing = #expect(throws: ShipdeckError.self) { try check(tap.bare.path, branch: "gh-pages") }
        #expect(missing?.message.contains("has no branch gh-pages (it has main)") == true,
                "\(String(describing: missing))")
        #expect(missing?.hint?.contains("publish.homebrew.branch") == true, "\(String(describing: missing))")
        let nowhere = #expect(throws: ShipdeckError.self) {
            try check(tap.root.appendingPathComponent("nope.git").path, branch: nil)
        }
        #expect(nowhere?.message.contains("cannot read the repository (git ls-remote)") == true,
                "\(String(describing: nowhere))")
        // An empty repository has no branch yet: the first push makes it.
        let empty = try Tap(empty: true)
        defer { try? FileManager.default.removeItem(at: empty.root) }
        try check(empty.bare.path, branch: "main")
        #expect(!FileManager.default.fileExists(atPath: work.path))
    }

    @Test func anEmptyRepositoryGetsItsFirstCommitOnMain() throws {
        let tap = try Tap(empty: true)
        defer { try? FileManager.default.removeItem(at: tap.root) }
        _ = try publisher(tap).publish(files: ["bucket/hello.json": Data("{}\n".utf8)], message: "hello 1.2.3")
        #expect(tap.log() == ["hello 1.2.3"])
        #expect(tap.show("bucket/hello.json") == "{}\n")
    }

    @Test func aRepositoryThatDoesNotExistIsAClearError() throws {
        let root = PublishTestSupport.temporaryDirectory("tap")
        defer { try? FileManager.default.removeItem(at: root) }
        let p = try GitPublisher(
            repository: .init(key: "publish.homebrew.tap", url: root.appendingPathComponent("missing.git").path),
            workDirectory: root.appendingPathComponent("work"))
        let error = #expect(throws: ShipdeckError.self) { try p.publish(files: ["a": Data()], message: "m") }
        #expect(error?.message.contains("git clone failed") == true)
        #expect(error?.hint?.contains("publish.homebrew.tap") == true)
    }

    @Test func aMissingTokenVariableIsRefusedBeforeAnyGitCommand() throws {
        let repository = TapConfig.Repository(
            key: "publish.scoop.bucket", url: "https://127.0.0.1:9/acme/bucket.git", tokenEnvironment: "SHIPDECK_TEST_NO_SUCH_TOKEN")
        let error = #expect(throws: ShipdeckError.self) {
            try GitPublisher(
                repository: repository, workDirectory: URL(fileURLWithPath: "/nonexistent"), environment: ["PATH": "/usr/bin"],
                run: { _ in Issue.record("git ran"); throw ShipdeckError(.git, "ran") })
        }
        #expect(error?.message.contains("SHIPDECK_TEST_NO_SUCH_TOKEN") == true)
    }

    @Test func theTokenGoesOnlyToGitsEnvironmentAndNeverIntoAnError() throws {
        let canary = "canary-\(UUID().uuidString)"
        let root = PublishTestSupport.temporaryDirectory("tap")
        defer { try? FileManager.default.removeItem(at: root) }
        let seen = Mutex<[ProcessSpec]>([])
        // Port 9 (discard) on loopback: nothing listens, the clone fails fast.
        let p = try GitPublisher(
            repository: .init(key: "publish.scoop.bucket", url: "https://127.0.0.1:9/acme/bucket.git", tokenEnvironment: "TAP_TOKEN"),
            workDirectory: root.appendingPathComponent("work"),
            environment: ["PATH": "/usr/bin:/bin", "TAP_TOKEN": canary, "AWS_SECRET_ACCESS_KEY": "other-secret"],
            run: { spec in seen.withLock { $0.append(spec) }; return try ProcessRunner.capture(spec) })
        let error = #expect(throws: ShipdeckError.self) { try p.publish(files: ["a": Data()], message: "m") }
        #expect(error.map { !"\($0)".contains(canary) } == true)
        let specs = seen.withLock { $0 }
        #expect(!specs.isEmpty)
        for spec in specs {
            #expect(!spec.arguments.joined(separator: " ").contains(canary), "the token is never an argument")
            #expect(spec.environment["AWS_SECRET_ACCESS_KEY"] == nil, "other variables are not passed")
            #expect(spec.environment["TAP_TOKEN"] == nil)
            #expect(spec.environment["GIT_CONFIG_KEY_0"] == "http.https://127.0.0.1:9/.extraHeader")
            let header = spec.environment["GIT_CONFIG_VALUE_0"] ?? ""
            let basic = Data(base64Encoded: String(header.dropFirst("Authorization: Basic ".count))).map { String(decoding: $0, as: UTF8.self) }
            #expect(basic == "x-access-token:\(canary)")
        }
    }
}
