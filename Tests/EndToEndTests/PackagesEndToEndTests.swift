import Foundation
import Testing

/// `packages:` writes a .deb and an .rpm per Linux cell that the real dpkg-deb, lintian, dpkg, rpm
/// and gpg accept: built from a real Go module, installed into scratch roots, the rpm's header
/// signature checked by `rpm -K`, and the same bytes from a release in another directory.
@Suite(.serialized, .ownThreads) struct PackagesEndToEndTests {
    static let version = "1.2.3"
    static let deb = "pkghello_1.2.3-1_amd64.deb"
    static let debArm = "pkghello_1.2.3-1_arm64.deb"
    static let rpm = "pkghello-1.2.3-1.x86_64.rpm"
    static let rpmArm = "pkghello-1.2.3-1.aarch64.rpm"
    static let passphrase = "pkg test passphrase"

    /// One signed release of the package fixture, shared by the tests that only read it.
    struct SignedRelease: Sendable {
        var module: URL
        var dist: URL
        var publicKey: URL
        var gnupgHome: URL
        var output: String
    }

    static let shared: SignedRelease = makeSignedRelease(label: "pkg-a")

    /// A throwaway GNUPGHOME with an RSA key (passphrase-protected), the fixture with a gpg signer
    /// added and committed at tag v1.2.3, and a release of it. The agent is stopped afterwards.
    static func makeSignedRelease(label: String) -> SignedRelease {
        let work = TestSupport.temporaryDirectory(label)
        let home = work.appendingPathComponent("gnupg")
        try! FileManager.default.createDirectory(
            at: home, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let gpg = ["GNUPGHOME": home.path]
        var r = TestSupport.run(
            "/usr/bin/gpg",
            [
                "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase,
                "--quick-gen-key", "Packages <packages@example.com>", "rsa2048", "sign", "never",
            ],
            in: work, environment: gpg)
        precondition(r.status == 0, r.combined)
        let publicKey = work.appendingPathComponent("packages-public.asc")
        r = TestSupport.run(
            "/usr/bin/gpg", ["--batch", "--armor", "--output", publicKey.path, "--export", "packages@example.com"],
            in: work, environment: gpg)
        precondition(r.status == 0, r.combined)
        let module = copy(into: work, signer: true)
        let dist = work.appendingPathComponent("dist")
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--dist", dist.path], in: module,
            environment: gpg.merging(["PKG_GPG_PASSPHRASE": passphrase]) { $1 })
        _ = TestSupport.run("/usr/bin/gpgconf", ["--kill", "gpg-agent"], in: work, environment: gpg)
        return SignedRelease(
            module: module, dist: dist, publicKey: publicKey, gnupgHome: home,
            output: out.combined + "\nexit status \(out.status)")
    }

    /// The fixture under `dir`, optionally with a gpg signer, as a git repository tagged v1.2.3.
    static func copy(into dir: URL, signer: Bool, edit: (inout String) -> Void = { _ in }) -> URL {
        let module = dir.appendingPathComponent("package-hello")
        try! FileManager.default.copyItem(at: TestSupport.fixtures.appendingPathComponent("package-hello"), to: module)
        let configURL = module.appendingPathComponent("shipdeck.yml")
        var config = try! String(contentsOf: configURL, encoding: .utf8)
        if signer {
            config += "signers:\n  - kind: gpg\n    user: packages@example.com\n    password_env: PKG_GPG_PASSPHRASE\n"
        }
        edit(&config)
        try! config.write(to: configURL, atomically: true, encoding: .utf8)
        let env = [
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z",
            "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z",
        ]
        for args in [
            ["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "fixture"], ["tag", "v1.2.3"],
        ] {
            let r = TestSupport.run("/usr/bin/git", args, in: module, environment: env)
            precondition(r.status == 0, "git \(args) failed: \(r.stderr)")
        }
        return module
    }

    func released() throws -> SignedRelease {
        let release = Self.shared
        try #require(release.output.hasSuffix("exit status 0"), "\(release.output)")
        return release
    }

    /// A root holding only /bin/sh (dash and the libraries ldd names), where maintainer scripts can run.
    static func scratchRoot(_ label: String) throws -> URL {
        let root = TestSupport.temporaryDirectory(label)
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: "/bin/dash", toPath: root.appendingPathComponent("bin/sh").path)
        let ldd = TestSupport.run("/usr/bin/ldd", ["/bin/dash"], in: root)
        for library in ldd.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        where library.hasPrefix("/") {
            let target = root.appendingPathComponent(String(library.dropFirst()))
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Copy the file a link such as /lib64/ld-linux-x86-64.so.2 points to, not the (absolute) link.
            let real = URL(fileURLWithPath: String(library)).resolvingSymlinksInPath().path
            if !fm.fileExists(atPath: target.path) { try fm.copyItem(atPath: real, toPath: target.path) }
        }
        return root
    }

    // MARK: deb

    @Test func debIsWhatDpkgDebReadsBack() throws {
        let release = try released()
        let deb = release.dist.appendingPathComponent(Self.deb).path
        let info = TestSupport.run("/usr/bin/dpkg-deb", ["--info", deb], in: release.dist)
        try #require(info.status == 0, "\(info.combined)")
        for line in [
            "Package: pkghello", "Version: 1.2.3-1", "Architecture: amd64",
            "Maintainer: Example Maintainer <maintainer@example.com>", "Depends: ca-certificates",
            "Recommends: systemd | sysvinit-core", "Conflicts: pkghello-legacy (<< 1.0)", "Provides: hello-service",
            "Replaces: pkghello-legacy (<< 1.0)", "Homepage: https://example.com/pkghello",
            "Description: Says hello from a package.", "postinst", "prerm", "conffiles", "md5sums",
        ] {
            #expect(info.stdout.contains(line), "dpkg-deb --info lacks \(line):\n\(info.stdout)")
        }
        let fields = TestSupport.run("/usr/bin/dpkg-deb", ["--field", deb, "Architecture"], in: release.dist)
        #expect(fields.stdout == "amd64\n")
        let arm = TestSupport.run(
            "/usr/bin/dpkg-deb",
            [
                "--field", release.dist.appendingPathComponent(Self.debArm).path,
                "Architecture",
            ], in: release.dist)
        #expect(arm.stdout == "arm64\n")
        let contents = TestSupport.run("/usr/bin/dpkg-deb", ["--contents", deb], in: release.dist)
        try #require(contents.status == 0, "\(contents.combined)")
        let lines = contents.stdout.split(separator: "\n")
        // Root owns everything, every time is SOURCE_DATE_EPOCH (the commit: 2024-01-02 03:04), modes are the configured ones.
        #expect(lines.allSatisfy { $0.contains(" 0/0 ") && $0.contains("2024-01-02 03:04") }, "\(contents.stdout)")
        #expect(lines.contains { $0.hasPrefix("-rwxr-xr-x") && $0.hasSuffix("./usr/bin/pkghello") })
        #expect(lines.contains { $0.hasPrefix("-rw-r--r--") && $0.hasSuffix("./etc/pkghello/pkghello.yaml") })
        #expect(lines.contains { $0.hasSuffix("./lib/systemd/system/pkghello.service") })
        #expect(lines.contains { $0.hasSuffix("./usr/share/doc/pkghello/copyright") })
        #expect(!lines.contains { $0.contains("licenses/pkghello") }, "an rpm-only file is in the deb")
        let conffiles = TestSupport.run("/usr/bin/dpkg-deb", ["--info", deb, "conffiles"], in: release.dist)
        #expect(conffiles.stdout == "/etc/pkghello/pkghello.yaml\n")
    }

    /// lintian finds no error. The warnings accepted: the fixture has no manual page, and the
    /// generated changelog entry closes no bug (it is not an upload to Debian).
    @Test func debHasNoLintianErrors() throws {
        let release = try released()
        let accepted: Set<String> = ["no-manual-page", "initial-upload-closes-no-bugs"]
        let lintian = TestSupport.run(
            "/usr/bin/lintian", ["--no-cfg", release.dist.appendingPathComponent(Self.deb).path],
            in: release.dist)
        let tags = lintian.stdout.split(separator: "\n").filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") }
        #expect(!tags.contains { $0.hasPrefix("E: ") }, "lintian errors:\n\(lintian.combined)")
        let warnings = tags.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) }
        #expect(Set(warnings).isSubset(of: accepted), "unexpected lintian warnings:\n\(lintian.stdout)")
        // The static-binary override is lintian's own mechanism, and lintian sees it.
        #expect(lintian.status == 0, "\(lintian.combined)")
    }

    /// `dpkg --root` into a root that holds only /bin/sh (`--force-depends`: ca-certificates is
    /// not there); the postinst runs chrooted, the binary runs, and removal keeps the conffile.
    @Test func debInstallsIntoAScratchRootWhereTheBinaryRuns() throws {
        let release = try released()
        let root = try Self.scratchRoot("dpkg-root")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("var/lib/dpkg/info"), withIntermediateDirectories: true)
        try fm.createDirectory(
            at: root.appendingPathComponent("var/lib/dpkg/updates"), withIntermediateDirectories: true)
        _ = fm.createFile(atPath: root.appendingPathComponent("var/lib/dpkg/status").path, contents: Data())
        let install = TestSupport.run(
            "/usr/bin/dpkg",
            [
                "--root=\(root.path)", "--force-depends", "-i",
                release.dist.appendingPathComponent(Self.deb).path,
            ], in: root)
        try #require(install.status == 0, "\(install.combined)")
        let run = TestSupport.run(root.appendingPathComponent("usr/bin/pkghello").path, ["-version"], in: root)
        #expect(run.status == 0 && run.stdout == "\(Self.version)\n", "\(run.combined)")
        let marker = try String(contentsOf: root.appendingPathComponent("etc/pkghello/installed"), encoding: .utf8)
        #expect(marker == "pkghello installed\n", "the postinst did not run")
        let verify = TestSupport.run("/usr/bin/dpkg", ["--root=\(root.path)", "--verify", "pkghello"], in: root)
        #expect(
            verify.status == 0 && verify.stdout.isEmpty, "md5sums do not match what was installed: \(verify.combined)")
        let remove = TestSupport.run("/usr/bin/dpkg", ["--root=\(root.path)", "-r", "pkghello"], in: root)
        #expect(remove.status == 0, "\(remove.combined)")
        #expect(remove.combined.contains("pkghello: removing"), "the prerm did not run: \(remove.combined)")
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("usr/bin/pkghello").path))
        #expect(
            fm.fileExists(atPath: root.appendingPathComponent("etc/pkghello/pkghello.yaml").path),
            "dpkg -r removed a conffile")
    }

    // MARK: rpm

    @Test func rpmIsWhatRpmQueriesReadBack() throws {
        let release = try released()
        let rpm = release.dist.appendingPathComponent(Self.rpm).path
        let info = TestSupport.run("/usr/bin/rpm", ["-qip", rpm], in: release.dist)
        try #require(info.status == 0, "\(info.combined)")
        for pattern in [
            #"Name\s+: pkghello"#, #"Version\s+: 1\.2\.3"#, #"Release\s+: 1"#, #"Architecture: x86_64"#,
            #"License\s+: MIT"#, #"Vendor\s+: Example Inc\."#, #"URL\s+: https://example\.com/pkghello"#,
            #"Packager\s+: Example Maintainer <maintainer@example\.com>"#, #"Summary\s+: Says hello from a package\."#,
            #"Build Date\s+: Tue Jan  2 03:04:05 2024"#, #"Signature\s+: RSA/SHA256"#,
        ] {
            #expect(
                info.stdout.range(of: pattern, options: .regularExpression) != nil,
                "rpm -qip lacks \(pattern):\n\(info.stdout)")
        }
        let list = TestSupport.run("/usr/bin/rpm", ["-qlpv", rpm], in: release.dist)
        try #require(list.status == 0, "\(list.combined)")
        let files = list.stdout.split(separator: "\n")
        #expect(files.count == 5, "\(list.stdout)")
        #expect(
            files.contains { $0.hasPrefix("-rwxr-xr-x") && $0.contains(" root ") && $0.hasSuffix("/usr/bin/pkghello") })
        #expect(files.contains { $0.hasSuffix("/usr/share/licenses/pkghello/LICENSE") })
        #expect(!files.contains { $0.contains("/usr/share/doc/pkghello/copyright") }, "a deb-only file is in the rpm")
        let arch = TestSupport.run(
            "/usr/bin/rpm", ["-qp", "--qf", "%{ARCH}", release.dist.appendingPathComponent(Self.rpmArm).path],
            in: release.dist)
        #expect(arch.stdout == "aarch64")
        let kinds = TestSupport.run("/usr/bin/rpm", ["-qp", "--configfiles", rpm], in: release.dist)
        #expect(kinds.stdout == "/etc/pkghello/pkghello.yaml\n")
        let noreplace = TestSupport.run(
            "/usr/bin/rpm", ["-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]", rpm], in: release.dist)
        #expect(noreplace.stdout.contains("cn /etc/pkghello/pkghello.yaml"), "\(noreplace.stdout)")
        #expect(noreplace.stdout.contains("l /usr/share/licenses/pkghello/LICENSE"), "\(noreplace.stdout)")
        #expect(noreplace.stdout.contains("d /usr/share/doc/pkghello/README.md"), "\(noreplace.stdout)")
        let deps = TestSupport.run(
            "/usr/bin/rpm", ["-qp", "--requires", "--provides", "--conflicts", "--obsoletes", "--recommends", rpm],
            in: release.dist)
        for line in [
            "ca-certificates", "pkghello = 1.2.3-1", "hello-service", "pkghello-legacy < 1.0", "systemd", "/bin/sh",
        ] {
            #expect(deps.stdout.split(separator: "\n").contains(Substring(line)), "missing \(line):\n\(deps.stdout)")
        }
        #expect(!deps.stdout.contains("TildeInVersions"), "1.2.3 has no '~':\n\(deps.stdout)")
        let scripts = TestSupport.run("/usr/bin/rpm", ["-qp", "--scripts", rpm], in: release.dist)
        #expect(scripts.stdout.contains("postinstall scriptlet (using /bin/sh):"), "\(scripts.stdout)")
        #expect(scripts.stdout.contains("preuninstall scriptlet (using /bin/sh):"), "\(scripts.stdout)")
    }

    /// A pre-release's rpm (1.3.0~rc.1) needs rpm ≥ 4.10 to sort before 1.3.0, and says so as
    /// rpmbuild's packages do; rpm itself agrees on the order.
    @Test func aPreReleaseRpmRequiresTildeInVersions() throws {
        let work = TestSupport.temporaryDirectory("pkg-rc")
        let module = Self.copy(into: work, signer: false)
        let dist = work.appendingPathComponent("dist")
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--dist", dist.path, "--version", "1.3.0-rc.1", "--target", "linux/amd64"],
            in: module)
        try #require(out.status == 0, "\(out.combined)")
        let rpm = dist.appendingPathComponent("pkghello-1.3.0~rc.1-1.x86_64.rpm").path
        let deps = TestSupport.run("/usr/bin/rpm", ["-qp", "--requires", rpm], in: dist)
        #expect(deps.status == 0, "\(deps.combined)")
        #expect(deps.stdout.contains("rpmlib(TildeInVersions) <= 4.10.0-1"), "\(deps.stdout)")
        let order = TestSupport.run(
            "/usr/bin/rpm", ["--eval", #"%{lua: print(rpm.vercmp("1.3.0~rc.1", "1.3.0"))}"#], in: dist)
        #expect(order.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "-1", "\(order.combined)")
    }

    /// rpm -K checks the header signature against the imported key; without the key it is NOKEY,
    /// and a flipped payload byte breaks the payload digest the signed header carries.
    @Test func rpmHeaderSignatureVerifiesWithRpmK() throws {
        let release = try released()
        let rpm = release.dist.appendingPathComponent(Self.rpm)
        let db = TestSupport.temporaryDirectory("rpmdb")
        let imported = TestSupport.run(
            "/usr/bin/rpm", ["--dbpath", db.path, "--import", release.publicKey.path], in: db)
        try #require(imported.status == 0, "\(imported.combined)")
        let check = TestSupport.run("/usr/bin/rpm", ["--dbpath", db.path, "-Kv", rpm.path], in: db)
        #expect(check.status == 0, "\(check.combined)")
        for line in [
            "Header V4 RSA/SHA256 Signature", "Header SHA256 digest: OK", "Payload SHA256 digest: OK", "MD5 digest: OK",
        ] {
            #expect(check.stdout.contains(line), "rpm -Kv lacks \(line):\n\(check.stdout)")
        }
        #expect(check.stdout.contains("Signature, key ID") && check.stdout.contains(": OK"))

        let empty = TestSupport.temporaryDirectory("rpmdb-empty")
        let nokey = TestSupport.run("/usr/bin/rpm", ["--dbpath", empty.path, "-Kv", rpm.path], in: empty)
        #expect(nokey.status != 0 && nokey.combined.contains("NOKEY"), "\(nokey.combined)")

        var bytes = try [UInt8](Data(contentsOf: rpm))
        bytes[bytes.count - 100] ^= 0xff
        let tampered = db.appendingPathComponent("tampered.rpm")
        try Data(bytes).write(to: tampered)
        let bad = TestSupport.run("/usr/bin/rpm", ["--dbpath", db.path, "-Kv", tampered.path], in: db)
        #expect(bad.status != 0 && bad.stdout.contains("Payload SHA256 digest: BAD"), "\(bad.combined)")
    }

    /// `rpm --root DIR -i --nodeps` into a root holding only /bin/sh: the postinstall scriptlet
    /// runs there, the binary runs, and `rpm -V` finds every file as the header describes it.
    @Test func rpmInstallsIntoAScratchRootWhereTheBinaryRuns() throws {
        let release = try released()
        let root = try Self.scratchRoot("rpm-root")
        let install = TestSupport.run(
            "/usr/bin/rpm",
            [
                "--root", root.path, "-i", "--nodeps", "--nosignature",
                release.dist.appendingPathComponent(Self.rpm).path,
            ], in: root)
        try #require(install.status == 0, "\(install.combined)")
        #expect(!install.combined.contains("scriptlet failed"), "\(install.combined)")
        let run = TestSupport.run(root.appendingPathComponent("usr/bin/pkghello").path, ["-version"], in: root)
        #expect(run.status == 0 && run.stdout == "\(Self.version)\n", "\(run.combined)")
        let marker = try String(contentsOf: root.appendingPathComponent("etc/pkghello/installed"), encoding: .utf8)
        #expect(marker == "pkghello installed\n", "the postinstall scriptlet did not run")
        let query = TestSupport.run("/usr/bin/rpm", ["--root", root.path, "-q", "pkghello"], in: root)
        #expect(query.stdout == "pkghello-1.2.3-1.x86_64\n", "\(query.combined)")
        let verify = TestSupport.run("/usr/bin/rpm", ["--root", root.path, "-V", "--nodeps", "pkghello"], in: root)
        #expect(verify.status == 0 && verify.stdout.isEmpty, "\(verify.combined)")
    }

    // MARK: The release around them

    @Test func packagesAreHashedListedAndOnlyForLinuxCells() throws {
        let release = try released()
        let sums = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: release.dist)
        #expect(sums.status == 0, "\(sums.combined)")
        for name in [Self.deb, Self.debArm, Self.rpm, Self.rpmArm] {
            #expect(sums.stdout.contains("\(name): OK"), "checksums.txt lacks \(name)")
        }
        let artifacts = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: release.dist.appendingPathComponent("artifacts.json"))) as? [[String: Any]])
        let packages = artifacts.filter { $0["type"] as? String == "Linux Package" }
        #expect(Set(packages.compactMap { $0["name"] as? String }) == [Self.deb, Self.debArm, Self.rpm, Self.rpmArm])
        #expect(packages.allSatisfy { $0["goos"] as? String == "linux" })
        #expect(packages.first { $0["name"] as? String == Self.rpmArm }?["goarch"] as? String == "arm64")
        let names = try FileManager.default.contentsOfDirectory(atPath: release.dist.path)
        #expect(!names.contains { $0.contains("darwin") && ($0.hasSuffix(".deb") || $0.hasSuffix(".rpm")) })
        // The gpg signer signed checksums.txt, which covers the .deb files (see README: Linux packages).
        let verify = TestSupport.run(
            "/usr/bin/gpg", ["--batch", "--verify", "checksums.txt.asc", "checksums.txt"], in: release.dist,
            environment: ["GNUPGHOME": release.gnupgHome.path])
        #expect(verify.status == 0, "\(verify.combined)")
        _ = TestSupport.run(
            "/usr/bin/gpgconf", ["--kill", "gpg-agent"], in: release.dist,
            environment: ["GNUPGHOME": release.gnupgHome.path])
    }

    /// Another copy of the module under another path, its own release: the debs are byte-identical;
    /// the rpms' headers and payloads are, and only the OpenPGP signature (which holds its creation
    /// time) differs. Unsigned, the whole rpm is identical too.
    @Test func releasesFromDifferentPathsGiveIdenticalPackages() throws {
        let release = try released()
        let work = TestSupport.temporaryDirectory("pkg-b-other-path")
        let module = Self.copy(into: work, signer: false)
        let dist = work.appendingPathComponent("dist")
        let out = TestSupport.shipdeck(
            [
                "release", "--no-tui", "--target", "linux/amd64", "--target", "linux/arm64",
                "--dist", dist.path,
            ], in: module)
        try #require(out.status == 0, "\(out.combined)")
        for name in [Self.deb, Self.debArm] {
            let a = try Data(contentsOf: release.dist.appendingPathComponent(name))
            let b = try Data(contentsOf: dist.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between \(release.module.path) and \(module.path)")
        }
        for name in [Self.rpm, Self.rpmArm] {
            let signed = try [UInt8](Data(contentsOf: release.dist.appendingPathComponent(name)))
            let unsigned = try [UInt8](Data(contentsOf: dist.appendingPathComponent(name)))
            #expect(
                try Self.afterSignature(signed) == Self.afterSignature(unsigned), "\(name): header or payload differs")
        }
        // A third, unsigned release from yet another path: the whole rpm is the same.
        let work2 = TestSupport.temporaryDirectory("pkg-c")
        let module2 = Self.copy(into: work2, signer: false)
        let dist2 = work2.appendingPathComponent("dist")
        let out2 = TestSupport.shipdeck(
            ["release", "--no-tui", "--target", "linux/amd64", "--dist", dist2.path], in: module2)
        try #require(out2.status == 0, "\(out2.combined)")
        #expect(
            try Data(contentsOf: dist.appendingPathComponent(Self.rpm))
                == Data(contentsOf: dist2.appendingPathComponent(Self.rpm)))
        #expect(
            try Data(contentsOf: dist.appendingPathComponent(Self.deb))
                == Data(contentsOf: dist2.appendingPathComponent(Self.deb)))
    }

    /// The bytes after the lead and the (8-byte aligned) signature header: the main header and payload.
    static func afterSignature(_ rpm: [UInt8]) throws -> ArraySlice<UInt8> {
        func u32(_ at: Int) -> Int { rpm[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        try #require(rpm.count > 112 && rpm[96..<100] == [0x8e, 0xad, 0xe8, 0x01])
        var end = 96 + 16 + u32(104) * 16 + u32(108)
        end += (8 - end % 8) % 8
        return rpm[end...]
    }

    @Test func planListsEachLinuxCellsPackagesAndBuildsNothing() throws {
        let work = TestSupport.temporaryDirectory("pkg-plan")
        let module = Self.copy(into: work, signer: false)
        let out = TestSupport.shipdeck(["plan"], in: module)
        try #require(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("    packages: \(Self.deb), \(Self.rpm)\n"), "\(out.stdout)")
        #expect(out.stdout.contains("    packages: \(Self.debArm), \(Self.rpmArm)\n"), "\(out.stdout)")
        #expect(out.stdout.components(separatedBy: "packages:").count == 3, "a non-Linux cell lists packages")
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path))
    }

    // MARK: Bad input

    /// The fixture's description, whole (a literal block).
    static let description = """
          description: |-
            Says hello from a package.
            pkghello is a tiny program that the Shipdeck tests package as a .deb
            and an .rpm, with a configuration file, a systemd unit and scripts.

        """

    /// Each fails before anything is built, exit 2, naming the key and the fix.
    @Test(arguments: [
        (
            "depends: [ca-certificates]", "depends: [\"libfoo >== 2\"]", "packages.depends[0]",
            "'>==' is not a version operator"
        ),
        ("- { src: README.md,", "- { src: MISSING.md,", "packages.contents[2].src", "'MISSING.md' does not exist"),
        (
            "postinstall: packaging/postinstall.sh", "postinstall: packaging/not-executable.sh",
            "packages.scripts.postinstall",
            "is not executable"
        ),
        // dpkg -s, rpm -qi and apt show print these to terminals as they are.
        (
            "vendor: Example Inc.", "vendor: \"Example \\u202EInc.\"", "packages.vendor",
            "must be one line without control characters"
        ),
        (
            PackagesEndToEndTests.description, "  description: \"Says hello\\x1b[2J\\nfrom a package\"\n",
            "packages.description", "holds the control character \\x1b"
        ),
        (
            PackagesEndToEndTests.description, "  description: \"Says hello \\x9b31m\"\n",
            "packages.description", "control character \\x9b"
        ),
    ])
    func badPackageInputFailsAtPlanTime(from: String, to: String, key: String, problem: String) throws {
        let work = TestSupport.temporaryDirectory("pkg-bad")
        let module = Self.copy(into: work, signer: false) { $0 = $0.replacingOccurrences(of: from, with: to) }
        try "#!/bin/sh\nexit 0\n".write(
            to: module.appendingPathComponent("packaging/not-executable.sh"), atomically: true, encoding: .utf8)
        chmod(module.appendingPathComponent("packaging/not-executable.sh").path, 0o644)
        let dist = work.appendingPathComponent("dist")
        let out = TestSupport.shipdeck(["release", "--no-tui", "--dist", dist.path], in: module)
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains(key) && out.stderr.contains(problem), "\(out.stderr)")
        #expect(out.stderr.contains("hint:"), "\(out.stderr)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        #expect(!written.contains { $0.hasPrefix("pkghello") }, "something was built: \(written)")
    }
}
