import Foundation
import Testing

/// A module with only a `.goreleaser.yaml`: plan, release and `init --from-goreleaser`.
@Suite(.serialized, .ownThreads) struct GoReleaserEndToEndTests {
    /// What GoReleaser names the archives of the fixture's config (goreleaser.com/customization/archive:
    /// `title .Os`, x86_64 for amd64, `v{{ .Arm }}`, zip for windows) and its checksum file.
    static let expectedArchives = [
        "hello_Darwin_arm64.tar.gz", "hello_Darwin_x86_64.tar.gz", "hello_Linux_arm64.tar.gz",
        "hello_Linux_armv7.tar.gz",
        "hello_Linux_x86_64.tar.gz", "hello_Windows_arm64.zip", "hello_Windows_x86_64.zip",
    ]

    @Test func planShowsGoReleasersNamesIgnoredTargetsAndUnsupportedKeys() throws {
        let module = TestSupport.copyFixture("goreleaser-hello", git: true, tag: "v1.2.3")
        let out = TestSupport.shipdeck(["plan"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        for name in Self.expectedArchives { #expect(out.stdout.contains(" + \(name)"), "\(name) in\n\(out.stdout)") }
        #expect(out.stdout.contains("Cells (7)"), "\(out.stdout)")
        #expect(out.stdout.contains("config:  \(module.path)/.goreleaser.yaml"))
        #expect(out.stdout.contains("linux/arm/6  (rule: {goarch: arm, goarm: 6, goos: linux})"), "\(out.stdout)")
        #expect(out.stdout.contains("windows/arm/7  (rule: {goarch: arm, goos: windows})"))
        // The hooks run now (before.hooks once, builds[0].hooks.post per cell); changelog: is imported.
        #expect(!out.stdout.contains("hooks is not supported"), "\(out.stdout)")
        #expect(out.stdout.contains("[hooks: 0 pre, 1 post]"), "\(out.stdout)")
        #expect(out.stdout.contains("Before hooks (run once, before any cell):\n  go mod tidy\n"), "\(out.stdout)")
        #expect(!out.stdout.contains("changelog is not supported"), "changelog: is imported")
        #expect(out.stdout.contains("-X main.version=1.2.3 -X main.commit="), "ldflags templates are expanded")
        #expect(!out.stdout.contains("{{"))
    }

    @Test func releaseWritesTheDocumentedArtifactNames() throws {
        let module = TestSupport.copyFixture("goreleaser-hello", git: true, tag: "v1.2.3")
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--target", "linux/arm/7", "--target", "windows/amd64"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dist.path))
        #expect(files.contains("hello_Linux_armv7.tar.gz"), "\(files.sorted())")
        #expect(files.contains("hello_Windows_x86_64.zip"), "\(files.sorted())")
        #expect(files.contains("hello_1.2.3_checksums.txt"), "\(files.sorted())")
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "hello_1.2.3_checksums.txt"], in: dist)
        #expect(check.status == 0, "\(check.combined)")
        #expect(check.stdout.contains("hello_Linux_armv7.tar.gz: OK"))
        let listing = TestSupport.run("/usr/bin/tar", ["-tzf", "hello_Linux_armv7.tar.gz"], in: dist)
        #expect(listing.stdout == "LICENSE\nREADME.md\nhello\n", "\(listing.combined)")
    }

    /// `nfpms:` in a GoReleaser config makes a .deb and an .rpm per Linux cell, listed in the
    /// checksums file as GoReleaser lists its Linux packages, and the release verifies.
    @Test func nfpmsMakesLinuxPackagesListedInTheChecksums() throws {
        let module = TestSupport.copyFixture("goreleaser-hello", git: true, tag: "v1.2.3")
        let config = module.appendingPathComponent(".goreleaser.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        // A before hook makes the manual page the package takes (cli/cli's `make manpages`).
        text = text.replacingOccurrences(
            of: "    - go mod tidy\n", with: "    - go mod tidy\n    - sh -c \"mkdir -p man && echo page > man/hello.1\"\n")
        text += """

            nfpms:
              - package_name: hello
                maintainer: Example Maintainer <maintainer@example.com>
                description: Says hello.
                license: MIT
                formats: [deb, rpm]
                bindir: /usr/bin
                contents:
                  - { src: README.md, dst: /usr/share/doc/hello/README.md }
                  - { src: "./man/*.1", dst: /usr/share/man/man1 }
                meta: false

            """
        try text.write(to: config, atomically: true, encoding: .utf8)
        _ = TestSupport.run("/usr/bin/git", ["commit", "-qam", "nfpms"], in: module)
        _ = TestSupport.run("/usr/bin/git", ["tag", "-f", "v1.2.3"], in: module)
        let out = TestSupport.shipdeck(["release", "--no-tui", "--target", "linux/amd64"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(!out.combined.contains("no Linux packages"), "\(out.combined)")
        #expect(out.combined.contains("nfpms[0].meta is not supported"), "a key Shipdeck does not make is named: \(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dist.path))
        let deb = try #require(files.first { $0.hasSuffix(".deb") }, "\(files.sorted())")
        let rpm = try #require(files.first { $0.hasSuffix(".rpm") }, "\(files.sorted())")
        let sums = try String(contentsOf: dist.appendingPathComponent("hello_1.2.3_checksums.txt"), encoding: .utf8)
        #expect(sums.contains("  \(deb)\n") && sums.contains("  \(rpm)\n"), "\(sums)")
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "hello_1.2.3_checksums.txt"], in: dist)
        #expect(check.status == 0, "\(check.combined)")
        let contents = TestSupport.run("/usr/bin/dpkg-deb", ["--contents", deb], in: dist)
        #expect(contents.stdout.contains("./usr/bin/hello") && contents.stdout.contains("./usr/share/doc/hello/README.md"),
                "\(contents.combined)")
        // The glob is resolved after the hook made the file, placed under dst as nfpm does.
        #expect(contents.stdout.contains("./usr/share/man/man1/hello.1"), "\(contents.combined)")
        #expect(out.combined.contains("is checked again after the before hooks run"), "\(out.combined)")
        let query = TestSupport.run("/usr/bin/rpm", ["-qlp", rpm], in: dist)
        #expect(query.stdout.contains("/usr/bin/hello"), "\(query.combined)")
        let verify = TestSupport.shipdeck(["verify", "--allow-unsigned", dist.path], in: module)
        #expect(verify.status == 0, "\(verify.combined)")
    }

    @Test func initFromGoReleaserWritesAnEquivalentShipdeckYml() throws {
        let module = TestSupport.copyFixture("goreleaser-hello", git: true, tag: "v1.2.3")
        let before = TestSupport.shipdeck(["plan"], in: module)
        let made = TestSupport.shipdeck(["init", "--from-goreleaser"], in: module)
        #expect(made.status == 0, "\(made.combined)")
        let yaml = try String(contentsOf: module.appendingPathComponent("shipdeck.yml"), encoding: .utf8)
        #expect(yaml.contains("  - linux/arm/7\n"), "\(yaml)")
        #expect(yaml.contains("#   linux/arm/6  ({goarch: arm, goarm: 6, goos: linux})"), "\(yaml)")
        #expect(yaml.contains("changelog:\n  sort: asc\n"), "\(yaml)")
        let after = TestSupport.shipdeck(["plan"], in: module)
        #expect(after.status == 0, "\(after.combined)")
        #expect(after.stdout.contains("config:  \(module.path)/shipdeck.yml"))
        // The same cells and archive names (shipdeck.yml keeps binaries in dist/ itself and has no hooks).
        func cells(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.contains("  →  ") }.map { line in
                let id = line.split(separator: " ", omittingEmptySubsequences: true)[0]
                let archive = line.components(separatedBy: " + ").dropFirst().first?.split(separator: " ").first ?? ""
                return "\(id) \(archive)"
            }
        }
        #expect(cells(after.stdout) == cells(before.stdout), "\(after.stdout)")
        #expect(cells(before.stdout).contains("linux/arm/7 hello_Linux_armv7.tar.gz"), "\(before.stdout)")
    }

    @Test func templateMistakesAreClearErrors() throws {
        let module = TestSupport.copyFixture("goreleaser-hello")
        let config = module.appendingPathComponent(".goreleaser.yaml")
        let original = try String(contentsOf: config, encoding: .utf8)
        try original.replacingOccurrences(of: "{{- if .Arm }}v{{ .Arm }}{{ end }}", with: "{{- if .Arm }}v{{ .Arm")
            .write(to: config, atomically: true, encoding: .utf8)
        let unclosed = TestSupport.shipdeck(["plan"], in: module)
        #expect(unclosed.status != 0)
        #expect(unclosed.stderr.contains("archives[0].name_template: unclosed '{{' at character"), "\(unclosed.stderr)")

        try original.replacingOccurrences(of: "{{ .ProjectName }}_\n", with: "{{ .Project }}_\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let unknown = TestSupport.shipdeck(["plan"], in: module)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown template field '.Project'"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("did you mean '.ProjectName'"), "\(unknown.stderr)")
    }
}
