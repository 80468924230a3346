import Foundation
import Testing

@testable import ShipdeckEngine

/// What a real release must never do: ship something that is not an executable, choke on a
/// symlinked extra file, or pass C1/bidi controls raw into `--json` and the journal.
@Suite(.serialized, .ownThreads) struct ReleaseIntegrityEndToEndTests {
    func hello() -> URL { TestSupport.copyFixture("hello", example: true) }

    func script(_ name: String, _ body: String) throws -> URL {
        let url = TestSupport.temporaryDirectory(name).appendingPathComponent("go")
        try body.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    @Test func aBuildOutputThatIsNotAnExecutableOfTheTargetFailsTheCell() throws {
        let module = hello()
        // Builds for real, then replaces the windows output with a Go archive and the linux one
        // with an arm64 executable: what a wrong main: or a confused toolchain would leave.
        let go = try script(
            "wrong-output",
            """
            #!/bin/sh
            if [ "$1" = build ]; then
              out=""; prev=""
              for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
              \(TestSupport.goBinary) "$@" || exit $?
              case "$GOOS/$GOARCH" in
                windows/*) printf '!<arch>\\n__.PKGDEF       0           0     0     644     1         `\\n' > "$out" ;;
                linux/amd64) GOARCH=arm64 \(TestSupport.goBinary) "$@" ;;
              esac
              exit 0
            fi
            exec \(TestSupport.goBinary) "$@"
            """)
        let out = TestSupport.shipdeck(
            [
                "release", "--no-tui", "--go", go.path, "--target", "linux/amd64", "--target", "windows/amd64",
                "--target", "darwin/arm64",
            ], in: module)
        #expect(out.status == 1, "\(out.combined)")
        #expect(
            out.stdout.contains("go build wrote a Go library archive (!<arch>) as hello.exe, not an executable"),
            "\(out.stdout)")
        #expect(
            out.stdout.contains("hello is an executable for ELF arm64 (static), but the target is linux/amd64"),
            "\(out.stdout)")
        let dist = module.appendingPathComponent("dist")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        #expect(!names.contains { $0.contains("windows") }, "\(names)")
        #expect(!names.contains { $0.contains("linux_amd64") }, "\(names)")
        #expect(names.contains { $0.contains("darwin_arm64") }, "the good cell should still ship: \(names)")
    }

    @Test func symlinkedExtraFilesArePackedAsTheFilesTheyPointTo() throws {
        let module = hello()
        try "# Notes\n".write(to: module.appendingPathComponent("NOTES.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: module.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: module.appendingPathComponent("docs/notes.md").path,
            withDestinationPath: "../NOTES.md")
        try FileManager.default.createSymbolicLink(
            atPath: module.appendingPathComponent("LICENSE").path,
            withDestinationPath: "README.md")
        try "archive: { files: [LICENSE, docs] }\n".write(
            to: module.appendingPathComponent("shipdeck.yml"),
            atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(
            [
                "release", "--no-tui", "--version", "1.0.0", "--target", "linux/amd64",
                "--target", "windows/amd64",
            ], in: module)
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let tar = TestSupport.run("/usr/bin/tar", ["-tvzf", "hello_1.0.0_linux_amd64.tar.gz"], in: dist)
        #expect(tar.status == 0, "\(tar.combined)")
        // Regular files (mode -rw-r--r--), not links, with the targets' sizes.
        let readmeSize = try FileManager.default.attributesOfItem(
            atPath: module.appendingPathComponent("README.md").path)[.size]
        #expect(tar.stdout.contains("-rw-r--r-- 0/0") && tar.stdout.contains(" LICENSE"), "\(tar.stdout)")
        #expect(tar.stdout.contains(" \(readmeSize ?? 0) "), "\(tar.stdout)")
        #expect(!tar.stdout.contains("->"), "\(tar.stdout)")
        let extracted = TestSupport.run(
            "/usr/bin/tar", ["-xOzf", "hello_1.0.0_linux_amd64.tar.gz", "docs/notes.md"], in: dist)
        #expect(extracted.stdout == "# Notes\n", "\(extracted.combined)")
        let zip = TestSupport.run("/usr/bin/unzip", ["-p", "hello_1.0.0_windows_amd64.zip", "docs/notes.md"], in: dist)
        #expect(zip.stdout == "# Notes\n", "\(zip.combined)")
    }

    @Test func c1AndBidiControlsAreEscapedInJSONAndTheJournal() throws {
        let module = hello()
        // U+009B (a one-byte CSI), U+202E (right-to-left override), U+2066, U+0085 and DEL.
        let go = try script(
            "c1-go",
            """
            #!/bin/sh
            if [ "$1" = build ]; then printf 'c1: \\302\\2332J bidi: \\342\\200\\256exe.gnp iso: \\342\\201\\246x nel: \\302\\205 del: \\177\\n'; fi
            exec \(TestSupport.goBinary) "$@"
            """)
        let out = TestSupport.shipdeck(["release", "--json", "--go", go.path, "--target", "linux/amd64"], in: module)
        #expect(out.status == 0, "\(out.stderr)")
        let journal = try Data(contentsOf: module.appendingPathComponent("dist/shipdeck.journal.jsonl"))
        for (name, data) in [("--json", Data(out.stdout.utf8)), ("journal", journal)] {
            let bytes = [UInt8](data)
            func contains(_ needle: [UInt8]) -> Bool {
                guard bytes.count >= needle.count else { return false }
                return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
            }
            #expect(
                !contains([0xc2, 0x9b]) && !contains([0xe2, 0x80, 0xae]) && !contains([0xe2, 0x81, 0xa6])
                    && !contains([0xc2, 0x85]) && !contains([0x7f]), "raw controls in \(name)")
            let text = String(decoding: data, as: UTF8.self)
            for escape in ["\\u009b2J", "\\u202eexe.gnp", "\\u2066x", "\\u0085", "\\u007f"] {
                #expect(text.contains(escape), "\(escape) missing in \(name)")
            }
            // Still JSON, and it decodes to the very text the child printed.
            let lines = text.split(separator: "\n").map(String.init)
            let records = lines.compactMap { try? JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)) }
            #expect(records.count == lines.count - (name == "journal" ? 1 : 0), "undecodable lines in \(name)")
            let logged = records.flatMap { record -> [String] in
                if case .log(_, _, let lines) = record.event { return lines } else { return [] }
            }
            #expect(
                logged.contains("c1: \u{9b}2J bidi: \u{202e}exe.gnp iso: \u{2066}x nel: \u{85} del: \u{7f}"),
                "\(logged)")
        }
    }
}
