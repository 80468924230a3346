import Foundation
import Testing

/// `changelog:`: dist/CHANGELOG.md from a real git history (tags, commits, a merge), between the
/// previous tag and this release's, in GoReleaser's format.
@Suite(.serialized, .ownThreads) struct ChangelogEndToEndTests {
    /// Runs git in `dir` with a fixed identity and date; returns its trimmed stdout.
    @discardableResult
    static func git(_ args: [String], in dir: URL, date: String = "2024-03-04T05:06:07Z") -> String {
        let env = ["GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
                   "GIT_COMMITTER_EMAIL": "dev@example.com", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date]
        let r = TestSupport.run("/usr/bin/git", args, in: dir, environment: env)
        precondition(r.status == 0, "git \(args): \(r.combined)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// v1.0.0 → "docs", "fix", a feature branch with two commits merged with a merge commit → v1.1.0.
    struct History {
        var module: URL
        var hashes: [String: String] = [:]
    }

    static func history() -> History {
        let module = TestSupport.copyFixture("hello", example: true)
        var h = History(module: module)
        git(["init", "-q", "-b", "main"], in: module)
        git(["add", "-A"], in: module)
        git(["commit", "-q", "-m", "initial import"], in: module)
        git(["tag", "v1.0.0"], in: module)
        func commit(_ message: String, file: String) {
            try! message.write(to: module.appendingPathComponent(file), atomically: true, encoding: .utf8)
            git(["add", "-A"], in: module)
            git(["commit", "-q", "-m", message], in: module)
            h.hashes[message] = git(["rev-parse", "HEAD"], in: module)
        }
        commit("docs: explain the flags", file: "NOTES.md")
        commit("fix: greet an empty name", file: "fix.txt")
        git(["checkout", "-q", "-b", "feature"], in: module)
        commit("feat(cli): add --shout", file: "shout.txt")
        commit("feat: colour output", file: "colour.txt")
        git(["checkout", "-q", "main"], in: module)
        git(["merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature"], in: module)
        h.hashes["Merge branch 'feature'"] = git(["rev-parse", "HEAD"], in: module)
        git(["tag", "v1.1.0"], in: module)
        return h
    }

    static let config = #"""
        targets: [linux/amd64]
        archive: { format: binary }
        changelog:
          sort: asc
          abbrev: 7
          filters:
            exclude: ['^docs:']
          groups:
            - title: Features
              regexp: '^.*?feat(\([[:word:]]+\))??!?:.+$'
              order: 0
            - title: Bug fixes
              regexp: '^.*?fix(\([[:word:]]+\))??!?:.+$'
              order: 1
            - title: Others
              order: 999

        """#

    @Test func theChangelogHoldsTheCommitsSinceThePreviousTagGroupedSortedAndAbbreviated() throws {
        var h = Self.history()
        try Self.config.write(to: h.module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        // The config is part of the tagged commit, so the history stays as built above.
        Self.git(["tag", "-d", "v1.1.0"], in: h.module)
        Self.git(["add", "-A"], in: h.module)
        Self.git(["commit", "-q", "-m", "chore: release config"], in: h.module)
        h.hashes["chore: release config"] = Self.git(["rev-parse", "HEAD"], in: h.module)
        Self.git(["tag", "v1.1.0"], in: h.module)
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: h.module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("changelog ok"), "\(out.stdout)")
        #expect(out.stdout.contains("v1.0.0..v1.1.0"), "\(out.stdout)")
        func line(_ message: String) -> String { "* \(h.hashes[message]!.prefix(7)) \(message)" }
        let expected = """
            ## Changelog
            ### Features
            \(line("feat(cli): add --shout"))
            \(line("feat: colour output"))
            ### Bug fixes
            \(line("fix: greet an empty name"))
            ### Others
            \(line("Merge branch 'feature'"))
            \(line("chore: release config"))

            """
        // Others keep sort order too: "Merge…" < "chore…" byte-wise.
        let text = try String(contentsOf: h.module.appendingPathComponent("dist/CHANGELOG.md"), encoding: .utf8)
        #expect(text == expected, "\(text)")
        #expect(!text.contains("initial import"), "commits before the previous tag are not in it")
        #expect(!text.contains("docs:"), "excluded")
        let manifest = try String(contentsOf: h.module.appendingPathComponent("dist/artifacts.json"), encoding: .utf8)
        #expect(manifest.contains("\"name\" : \"CHANGELOG.md\""), "listed (as Metadata) so verify checks it")
        let verify = TestSupport.shipdeck(["verify", "dist", "--allow-unsigned"], in: h.module)
        #expect(verify.status == 0, "\(verify.combined)")
        try (text + "* 0000000 feat: injected\n").write(to: h.module.appendingPathComponent("dist/CHANGELOG.md"),
                                                         atomically: true, encoding: .utf8)
        let tampered = TestSupport.shipdeck(["verify", "dist", "--allow-unsigned"], in: h.module)
        #expect(tampered.status != 0 && tampered.stdout.contains("MISMATCH  CHANGELOG.md"), "\(tampered.combined)")
    }

    @Test func withoutAPreviousTagTheChangelogGoesBackToTheFirstCommit() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        try "targets: [linux/amd64]\narchive: { format: binary }\nchangelog: { abbrev: -1 }\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        Self.git(["init", "-q", "-b", "main"], in: module)
        Self.git(["add", "-A"], in: module)
        Self.git(["commit", "-q", "-m", "first"], in: module)
        try "x".write(to: module.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        Self.git(["add", "-A"], in: module)
        Self.git(["commit", "-q", "-m", "second \u{1b}[31mred"], in: module)
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        let text = try String(contentsOf: module.appendingPathComponent("dist/CHANGELOG.md"), encoding: .utf8)
        #expect(text == "## Changelog\n* second \u{1b}[31mred\n* first\n", "\(text)")
        #expect(!out.combined.contains("\u{1b}[31m"), "commit text never reaches the terminal raw")
    }
}
