import Foundation
import Testing

@testable import ShipdeckEngine

/// `packages:` and GoReleaser's `nfpms:` read into `PackagesConfig`, and the pure rules the plan
/// applies: dependency syntax, package versions, architecture names.
@Suite struct PackagesConfigTests {
    func read(_ yaml: String) throws -> PackagesConfig {
        try #require(try ConfigReader(file: "shipdeck.yml").parse(yaml).packages)
    }

    @Test func packagesSectionIsReadWithEveryKey() throws {
        let config = try read(
            """
            packages:
              formats: [rpm]
              name: tool
              bindir: /usr/local/bin
              maintainer: A <a@example.com>
              depends: [libc6 (>= 2.28)]
              recommends: [a | b]
              contents:
                - { src: tool.conf, dst: /etc/tool.conf, type: config|noreplace, file_info: { mode: 0600 } }
              scripts: { postinstall: post.sh }
              overrides: { rpm: { depends: [glibc] } }
            """)
        #expect(config.formats == [.rpm])
        #expect(config.name == "tool" && config.bindir == "/usr/local/bin")
        #expect(config.relations.depends == ["libc6 (>= 2.28)"])
        #expect(config.contents.first?.kind == .configNoReplace && config.contents.first?.mode == 0o600)
        #expect(config.scripts.postinstall == "post.sh")
        #expect(config.relations(for: .rpm).depends == ["glibc"])
        #expect(config.relations(for: .rpm).recommends == ["a | b"], "an override replaces only the lists it names")
        #expect(config.relations(for: .deb).depends == ["libc6 (>= 2.28)"])
    }

    @Test(arguments: [
        ("packages: { format: [deb] }", "packages.format", "did you mean 'formats'"),
        ("packages: { formats: [apk] }", "packages.formats", "unknown package format 'apk'"),
        ("packages: { bindir: usr/bin }", "packages.bindir", "is not an absolute path"),
        (
            "packages: { contents: [{ src: a, dst: /a, type: symlink }] }", "packages.contents[0].type",
            "unknown content type"
        ),
        ("packages: { contents: [{ src: a }] }", "packages.contents[0]", "needs both src:"),
        ("packages: { scripts: { postinst: a.sh } }", "packages.scripts.postinst", "did you mean 'postinstall'"),
        ("packages: { contents: [{ src: a, dst: /a, file_info: { owner: www } }] }", "owner", "owned by root:root"),
    ])
    func badShapesNameTheKey(yaml: String, key: String, problem: String) throws {
        let error = try #require(throws: ShipdeckError.self) { try ConfigReader(file: "shipdeck.yml").parse(yaml) }
        #expect(
            error.message.contains(key) && error.message.contains(problem) || (error.hint ?? "").contains(problem),
            "\(error)")
    }

    @Test func dependenciesAreSpelledForEachFormat() throws {
        let greater = try PackageDependency.parse("libc6 (>> 2.28)")
        #expect(greater.deb == "libc6 (>> 2.28)")
        #expect(greater.alternatives[0].rpm == "libc6 > 2.28")
        let rpmStyle = try PackageDependency.parse("glibc >= 2.28")
        #expect(rpmStyle.deb == "glibc (>= 2.28)")
        #expect(rpmStyle.alternatives[0].constraint?.op.rpmFlags == 12)
        let either = try PackageDependency.parse("default-mta | mail-transport-agent")
        #expect(either.deb == "default-mta | mail-transport-agent")
        #expect(try PackageDependency.parse("bash").deb == "bash")
    }

    @Test(arguments: [
        "libfoo >== 2", "lib foo", "(>= 1)", "a |", "libfoo (>= )", "libfoo (>= 1", "Libfoo!", "foo (~> 1.0)",
    ])
    func unknownDependencySyntaxIsRejected(text: String) {
        #expect(throws: PackageDependency.SyntaxError.self) { try PackageDependency.parse(text) }
    }

    @Test func preReleasesSortBeforeTheRelease() throws {
        let rc = try PackageVersion(version: "1.2.0-rc.1", release: "1", epoch: nil)
        #expect(rc.upstream == "1.2.0~rc.1" && rc.deb == "1.2.0~rc.1-1")
        let dev = try PackageVersion(version: "0.0.0-dev+abc1234", release: "2", epoch: "3")
        #expect(dev.deb == "3:0.0.0~dev+abc1234-2" && dev.debFileVersion == "0.0.0~dev+abc1234-2")
        // A dash inside build metadata is not a pre-release: it does not become '~'.
        let meta = try PackageVersion(version: "1.2.3+build-5", release: "1", epoch: nil)
        #expect(meta.upstream == "1.2.3+build.5", "\(meta.upstream)")
        #expect(try PackageVersion(version: "1.2.3-rc-1+b-2", release: "1", epoch: nil).upstream == "1.2.3~rc.1+b.2")
        #expect(throws: PackageVersion.Invalid.self) { try PackageVersion(version: "next", release: "1", epoch: nil) }
        #expect(throws: PackageVersion.Invalid.self) { try PackageVersion(version: "1.0", release: "1-2", epoch: nil) }
    }

    @Test func architectureNamesFollowEachFormat() {
        let pairs: [(String, String, String)] = [
            ("linux/amd64", "amd64", "x86_64"), ("linux/arm64", "arm64", "aarch64"),
            ("linux/arm/7", "armhf", "armv7hl"),
            ("linux/arm/6", "armhf", "armv6hl"), ("linux/arm/5", "armel", "armv5tel"), ("linux/386", "i386", "i686"),
            ("linux/ppc64le", "ppc64el", "ppc64le"), ("linux/s390x", "s390x", "s390x"),
            ("linux/riscv64", "riscv64", "riscv64"),
        ]
        for (target, deb, rpm) in pairs {
            let parsed = BuildTarget(parsing: target)!
            #expect(PackageArchitecture.deb(parsed) == deb, "\(target)")
            #expect(PackageArchitecture.rpm(parsed) == rpm, "\(target)")
        }
    }

    @Test func goreleaserNfpmsBecomePackages() throws {
        let config = try GoReleaserImport.parse(
            """
            project_name: tool
            nfpms:
              - package_name: tool
                formats: [deb, rpm, apk]
                maintainer: A <a@example.com>
                vendor: Example
                license: MIT
                bindir: /usr/local/bin
                dependencies: [git]
                contents:
                  - { src: tool.conf, dst: /etc/tool/tool.conf, type: config }
                  - { src: /usr/bin/tool, dst: /usr/local/bin/t, type: symlink }
                scripts: { postinstall: scripts/post.sh }
                overrides: { rpm: { dependencies: [git-core] } }
                rpm: { signature: { key_file: key.gpg } }
                file_name_template: "{{ .PackageName }}"
                meta: true
            """, file: ".goreleaser.yaml", defaultProject: "x")
        let packages = try #require(config.packages)
        #expect(packages.formats == [.deb, .rpm])
        #expect(packages.name == "tool" && packages.bindir == "/usr/local/bin" && packages.license == "MIT")
        #expect(packages.relations.depends == ["git"])
        #expect(packages.relations(for: .rpm).depends == ["git-core"])
        #expect(packages.contents.map(\.destination) == ["/etc/tool/tool.conf"])
        #expect(packages.scripts.postinstall == "scripts/post.sh")
    }

    /// A release from a GoReleaser config names each nfpms key it does not make, not the whole section.
    @Test func goreleaserNfpmsKeysShipdeckDoesNotMakeAreNamed() throws {
        let config = try GoReleaserImport.parse(
            """
            project_name: tool
            nfpms:
              - package_name: tool
                formats: [deb, rpm, apk]
                contents:
                  - { src: tool.conf, dst: /etc/tool/tool.conf, type: config }
                  - { src: /usr/bin/tool, dst: /usr/local/bin/t, type: symlink }
                rpm: { signature: { key_file: key.gpg } }
                file_name_template: "{{ .PackageName }}"
                meta: true
            """, file: ".goreleaser.yaml", defaultProject: "x")
        let warnings = config.warnings.joined(separator: "\n")
        for part in [
            "format apk", "contents[1]: content type symlink", "nfpms[0].rpm.signature", "nfpms[0].file_name_template",
            "nfpms[0].meta",
        ] {
            #expect(warnings.contains(part), "no warning about \(part):\n\(warnings)")
        }
        #expect(!warnings.contains("no Linux packages"), "\(warnings)")
        #expect(config.packages?.formats == [.deb, .rpm])
        let unsupported = config.goreleaser?.unsupported.map(\.path) ?? []
        #expect(!unsupported.contains("nfpms") && unsupported.contains("nfpms[0].meta"), "\(unsupported)")
    }

    /// A malformed nfpms: in a GoReleaser config stops the release with the key, instead of
    /// releasing without packages.
    @Test func goreleaserNfpmsThatIsNotAListIsAnError() throws {
        #expect {
            _ = try GoReleaserImport.parse("project_name: tool\nnfpms: 3\n", file: ".goreleaser.yaml", defaultProject: "x")
        } throws: { error in
            "\(error)".contains("nfpms") && "\(error)".contains("expected a list")
        }
    }

    /// nfpm's glob rule: each match of a wildcard src goes under dst by its path below the
    /// matches' common folder; a wildcard matching nothing is an error naming the key.
    @Test func wildcardContentsGoUnderDstByTheirPathBelowTheCommonFolder() throws {
        let module = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-globs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: module) }
        for path in ["man/man1/a.1", "man/man1/b.1", "man/man5/c.5", "man/notes.txt"] {
            let url = module.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        let sources = PackageFileSources(
            formats: [.deb], moduleDirectory: module, binaryDestinations: ["/usr/bin/tool"],
            fail: { ShipdeckError(.config, "\($0): \($1)", hint: $2) })
        func content(_ src: String, _ dst: String) -> PackagesConfig.Content {
            PackagesConfig.Content(source: src, destination: dst, kind: .file, mode: nil, packager: nil, key: "packages.contents[0]", line: nil)
        }
        let one = try sources.resolve([content("man/man1/*.1", "/usr/share/man/man1")], missingMayAppearLater: false)
        #expect(one.files[.deb]?.map(\.destination) == ["/usr/share/man/man1/a.1", "/usr/share/man/man1/b.1"])
        let deep = try sources.resolve([content("man/**/*.[0-9]", "/usr/share/man/")], missingMayAppearLater: false)
        #expect(deep.files[.deb]?.map(\.destination).sorted()
            == ["/usr/share/man/man1/a.1", "/usr/share/man/man1/b.1", "/usr/share/man/man5/c.5"])
        let literal = try sources.resolve([content("man/notes.txt", "/usr/share/doc/tool/")], missingMayAppearLater: false)
        #expect(literal.files[.deb]?.map(\.destination) == ["/usr/share/doc/tool/notes.txt"])
        #expect {
            _ = try sources.resolve([content("man/*.8", "/usr/share/man/man8")], missingMayAppearLater: false)
        } throws: { "\($0)".contains("contents[0].src") && "\($0)".contains("matches no file") }
        let later = try sources.resolve([content("gen/*.8", "/usr/share/man/man8")], missingMayAppearLater: true)
        #expect(later.deferred.count == 1 && later.files[.deb]?.isEmpty == true)
        #expect(later.warnings.first?.contains("checked again after the before hooks run") == true)
    }
}
