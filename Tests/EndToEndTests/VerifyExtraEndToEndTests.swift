import Foundation
import Testing

@testable import ShipdeckEngine

/// `shipdeck verify` accounts for every file in the folder: an injected file is EXTRA, exit 1,
/// while Shipdeck's own bookkeeping (journal, logs, part manifests, the lock, timeline.svg) is not.
@Suite(.serialized, .ownThreads) struct VerifyExtraEndToEndTests {
    let release = SignedRelease.shared

    func verify(_ dist: URL, _ extra: [String] = []) -> TestSupport.Output {
        TestSupport.shipdeck(
            ["verify", dist.path] + release.keys.verifyFlags + extra, in: dist.deletingLastPathComponent())
    }

    @Test func anInjectedFileIsExtraAndFailsVerify() throws {
        let copy = release.copyOfDist()
        // Bookkeeping by name is fine, wherever a run left it.
        for name in ["shipdeck.journal.previous.jsonl", "part-1-of-2.json", ".shipdeck.lock", "timeline.svg"] {
            try "{}".write(to: copy.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let clean = verify(copy)
        #expect(clean.status == 0, "\(clean.combined)")
        #expect(!clean.stdout.contains("EXTRA"), "\(clean.stdout)")

        try Data(contentsOf: copy.appendingPathComponent(release.linuxBinary))
            .write(to: copy.appendingPathComponent("evil_linux_amd64"))
        try FileManager.default.createDirectory(
            at: copy.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "x".write(to: copy.appendingPathComponent("sub/payload.sh"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: copy.appendingPathComponent("link-\u{202e}txt.exe").path,
            withDestinationPath: "/etc/passwd")
        let out = verify(copy)
        #expect(out.status == 1, "\(out.combined)")
        #expect(
            out.stdout.contains("EXTRA     evil_linux_amd64  (not listed in checksums.txt or artifacts.json"),
            "\(out.stdout)")
        #expect(out.stdout.contains("EXTRA     sub/payload.sh"), "\(out.stdout)")
        // The name is escaped like every untrusted text.
        #expect(out.stdout.contains("EXTRA     link-<U+202E>txt.exe"), "\(out.stdout)")
        #expect(out.stdout.contains("verify: FAILED"), "\(out.stdout)")
        #expect(out.stdout.contains("OK        \(release.linuxBinary)"), "\(out.stdout)")
    }

    /// artifacts.json rewritten by `edit` (a list of records as JSON objects).
    func editManifest(_ dist: URL, _ edit: (inout [[String: Any]]) -> Void) throws {
        let url = dist.appendingPathComponent("artifacts.json")
        var records = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        edit(&records)
        try JSONSerialization.data(withJSONObject: records, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// A file added to artifacts.json alone is not vouched for by the signed checksums file: it
    /// needs a signature of its own, whatever type the list gives it; sizes are checked too.
    @Test func aFileListedOnlyInArtifactsJsonNeedsASignatureAndItsSize() throws {
        let evil = Data("#!/bin/sh\necho pwned\n".utf8)
        let sha = FileDigest.sha256(data: evil)
        for (type, expected) in [
            ("Binary", "UNSIGNED  evil_linux_amd64  (no verified signature covers it)"),
            ("Archive", "UNSIGNED  evil_linux_amd64  (no verified signature covers it)"),
            ("Image", "MISMATCH  evil_linux_amd64  (listed as an image, but not a blob of an image layout"),
            ("Checksum", "UNSIGNED  evil_linux_amd64  (no verified signature covers it)"),
        ] {
            let copy = release.copyOfDist()
            try evil.write(to: copy.appendingPathComponent("evil_linux_amd64"))
            try editManifest(copy) {
                $0.append(["name": "evil_linux_amd64", "path": "evil_linux_amd64", "type": type, "sha256": sha,
                           "size": evil.count])
            }
            let out = verify(copy)
            #expect(out.status == 1, "\(type): \(out.combined)")
            #expect(out.stdout.contains(expected), "\(type): \(out.stdout)")
            #expect(!out.stdout.contains("OK        evil_linux_amd64"), "\(out.stdout)")
        }
        // A path out of the folder is refused unread.
        let outside = release.copyOfDist()
        try editManifest(outside) {
            $0.append(["name": "o", "path": "../outside.txt", "type": "Checksum", "sha256": sha, "size": evil.count])
        }
        let refused = verify(outside)
        #expect(refused.status == 1, "\(refused.combined)")
        #expect(refused.stdout.contains("MISMATCH  ../outside.txt  (a path outside the release folder"), "\(refused.stdout)")
        let copy = release.copyOfDist()
        try editManifest(copy) { records in
            for index in records.indices where records[index]["name"] as? String == release.linuxBinary {
                records[index]["size"] = 1
            }
        }
        let out = verify(copy)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("MISMATCH  \(release.linuxBinary)  ("), "\(out.stdout)")
        #expect(out.stdout.contains("bytes, artifacts.json says 1)"), "\(out.stdout)")
    }

    @Test func aStrayBlobInAnImageLayoutIsExtraAndATamperedOneIsAMismatch() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        try "project: imagehello\ntargets: [linux/amd64]\nimages:\n  name: imagehello\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let built = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        try #require(built.status == 0, "\(built.combined)")
        let dist = module.appendingPathComponent("dist")
        let ok = TestSupport.shipdeck(["verify", dist.path, "--allow-unsigned"], in: module)
        #expect(ok.status == 0, "\(ok.combined)")
        #expect(ok.stdout.contains("OK        imagehello/index.json"), "\(ok.stdout)")
        #expect(ok.stdout.contains("image blob, referenced by a listed manifest"), "\(ok.stdout)")

        let blobs = dist.appendingPathComponent("imagehello/blobs/sha256")
        let stray = Data("injected layer".utf8)
        let strayName = FileDigest.sha256(data: stray)
        try stray.write(to: blobs.appendingPathComponent(strayName))
        let extra = TestSupport.shipdeck(["verify", dist.path, "--allow-unsigned"], in: module)
        #expect(extra.status == 1, "\(extra.combined)")
        #expect(extra.stdout.contains("EXTRA     imagehello/blobs/sha256/\(strayName)"), "\(extra.stdout)")
        try FileManager.default.removeItem(at: blobs.appendingPathComponent(strayName))

        // index.json pointed at that stray blob instead of the listed index: a mismatch.
        let indexURL = dist.appendingPathComponent("imagehello/index.json")
        let index = try String(contentsOf: indexURL, encoding: .utf8)
        let listed = try #require(index.range(of: #"sha256:[0-9a-f]{64}"#, options: .regularExpression))
        try index.replacingCharacters(in: listed, with: "sha256:\(strayName)").write(to: indexURL, atomically: true, encoding: .utf8)
        let redirected = TestSupport.shipdeck(["verify", dist.path, "--allow-unsigned"], in: module)
        #expect(redirected.status == 1, "\(redirected.combined)")
        #expect(redirected.stdout.contains("MISMATCH  imagehello/index.json  (points at sha256:\(strayName.prefix(16))…, which artifacts.json does not list)"),
                "\(redirected.stdout)")
        try index.write(to: indexURL, atomically: true, encoding: .utf8)

        // A layer (not listed in artifacts.json itself, referenced by a listed manifest) with other bytes.
        let names = try FileManager.default.contentsOfDirectory(atPath: blobs.path)
        let sizes = try names.map { ($0, try Data(contentsOf: blobs.appendingPathComponent($0)).count) }
        let layer = try #require(sizes.max { $0.1 < $1.1 }?.0)
        var bytes = try Data(contentsOf: blobs.appendingPathComponent(layer))
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: blobs.appendingPathComponent(layer))
        let tampered = TestSupport.shipdeck(["verify", dist.path, "--allow-unsigned"], in: module)
        #expect(tampered.status == 1, "\(tampered.combined)")
        #expect(
            tampered.stdout.contains(
                "MISMATCH  imagehello/blobs/sha256/\(layer)  (image blob whose sha256 is not its name)"),
            "\(tampered.stdout)")
    }
}
