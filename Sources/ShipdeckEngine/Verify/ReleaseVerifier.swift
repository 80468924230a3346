import Crypto
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Checks a dist folder the way a stranger would: every hash against checksums.txt and
/// artifacts.json, every signature with the package keys given, the provenance envelope and its
/// subjects. Needs nothing but the folder (it may have been copied anywhere) and the keys.
package struct ReleaseVerifier {
    package let dist: URL
    package let keys: VerifyKeys
    /// The checksums file name when artifacts.json does not say (default checksums.txt).
    package var checksumsName: String?
    /// Files no signature covers are OK instead of UNSIGNED.
    package var allowUnsigned = false
    package var environment: [String: String]

    package init(dist: URL, keys: VerifyKeys, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.dist = dist
        self.keys = keys
        self.environment = environment
    }

    private enum SignatureKind: String { case minisign, gpg, ssh, native }

    package func verify() throws -> VerifyReport {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dist.path, isDirectory: &isDir), isDir.boolValue else {
            throw ShipdeckError(.verify, "\(dist.path) is not a directory", hint: "pass the dist folder of a release")
        }
        try checkKeyFiles()
        var report = VerifyReport()
        var hashStatus: [String: (VerifyReport.Status, String?)] = [:]
        var expected: [String: String] = [:]
        var covered: Set<String> = []
        /// What vouches for each covered file, for the report.
        var coverage: [String: [String]] = [:]
        var needsCover: Set<String> = []

        // 1. What the release says it contains.
        var manifest: [ArtifactRecord] = []
        let manifestURL = dist.appendingPathComponent(ArtifactsManifest.fileName)
        if let data = FileManager.default.contents(atPath: manifestURL.path) {
            do {
                manifest = try ArtifactsManifest.decode(data)
            } catch {
                report.lines.append(
                    .init(status: .mismatch, file: ArtifactsManifest.fileName, detail: "not a valid artifacts list"))
            }
        } else {
            report.lines.append(.init(status: .missing, file: ArtifactsManifest.fileName, detail: nil))
        }
        let checksumsName = manifest.first { $0.kind == .checksum }?.name ?? self.checksumsName ?? "checksums.txt"
        var checksumEntries: [(name: String, sha256: String)] = []
        let checksumsURL = dist.appendingPathComponent(checksumsName)
        if let text = try? String(contentsOf: checksumsURL, encoding: .utf8) {
            do {
                checksumEntries = try ChecksumsFile.parse(text, file: checksumsName).entries
            } catch {
                hashStatus[checksumsName] = (.mismatch, (error as? ShipdeckError)?.message ?? "unreadable")
            }
            needsCover.insert(checksumsName)
        } else {
            hashStatus[checksumsName] = (.missing, "the checksums file")
        }

        // 2. Hashes.
        func check(_ name: String, _ sha: String, source: String) {
            if let previous = expected[name], previous != sha {
                hashStatus[name] = (.mismatch, "\(checksumsName) and artifacts.json give different sha256")
                return
            }
            expected[name] = sha
            if hashStatus[name] != nil { return }
            let url = dist.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                hashStatus[name] = (.missing, "listed in \(source)")
                return
            }
            guard let actual = try? FileDigest.sha256(path: url.path) else {
                hashStatus[name] = (.missing, "cannot be read")
                return
            }
            hashStatus[name] =
                actual.hex == sha
                ? (.ok, nil)
                : (.mismatch, "sha256 is \(actual.hex.prefix(16))…, \(source) says \(sha.prefix(16))…")
        }
        for entry in checksumEntries {
            check(entry.name, entry.sha256, source: checksumsName)
            needsCover.insert(entry.name)
        }
        let archivedCells = Set(manifest.filter { $0.kind == .archive }.compactMap(\.cell))
        for artifact in manifest {
            // Paths are relative to the folder: nothing outside it is opened.
            let parts = artifact.path.split(separator: "/", omittingEmptySubsequences: false)
            if artifact.path.hasPrefix("/") || parts.contains("..") || parts.contains("") {
                hashStatus[artifact.path] = (.mismatch, "a path outside the release folder; it was not read")
                continue
            }
            if artifact.kind == .image, let problem = Self.imageRecordProblem(artifact) {
                hashStatus[artifact.path] = (.mismatch, problem)
                continue
            }
            check(artifact.path, artifact.sha256, source: ArtifactsManifest.fileName)
            // What a user downloads needs a signature whichever list names it; signatures and
            // provenance are checked as such, image blobs through the layout (their own lines), the
            // release notes (CHANGELOG.md, which no release signs) are text, not a program, and a
            // binary whose cell has an archive is not published (PublishAsset), as with GoReleaser.
            let isNotes = artifact.kind == .manifest && artifact.path == DistPaths.changelog
            let isArchived = artifact.kind == .binary && artifact.cell.map(archivedCells.contains) == true
            // Only the checksums file itself is exempt as a Checksum (its own signature covers it).
            let isChecksums = artifact.kind == .checksum && artifact.path == checksumsName
            if ![.signature, .provenance, .image].contains(artifact.kind), !isNotes, !isArchived, !isChecksums {
                needsCover.insert(artifact.path)
            }
            if hashStatus[artifact.path]?.0 == .ok,
                let size = Self.fileSize(dist.appendingPathComponent(artifact.path).path), size != artifact.size
            {
                hashStatus[artifact.path] = (
                    .mismatch, "\(size) bytes, \(ArtifactsManifest.fileName) says \(artifact.size)"
                )
            }
        }
        if hashStatus[checksumsName] == nil, FileManager.default.fileExists(atPath: checksumsURL.path) {
            hashStatus[checksumsName] = (.ok, nil)
        }

        // 3. Detached signatures: those artifacts.json lists, and any beside the files.
        var signatureNames = Set(manifest.filter { $0.kind == .signature }.map(\.path))
        let known = Set(expected.keys).union([checksumsName])
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        where [".minisig", ".asc", ".sig"].contains(where: { entry.hasSuffix($0) }) {
            signatureNames.insert(entry)
        }
        var signatureLines: [String: (VerifyReport.Status, String?)] = [:]
        for signature in signatureNames.sorted() {
            guard let target = known.filter({ signature.hasPrefix($0 + ".") }).max(by: { $0.count < $1.count }) else {
                signatureLines[signature] = (.mismatch, "signs no file of this release")
                continue
            }
            let sigURL = dist.appendingPathComponent(signature), fileURL = dist.appendingPathComponent(target)
            guard FileManager.default.fileExists(atPath: sigURL.path) else { continue }  // reported MISSING above
            guard FileManager.default.fileExists(atPath: fileURL.path) else {
                signatureLines[signature] = (.missing, "the signed file \(target) is missing")
                continue
            }
            let (status, detail) = verifySignature(sigURL, of: fileURL)
            signatureLines[signature] = (status, detail)
            if status == .ok, hashStatus[target]?.0 == .ok {
                covered.insert(target)
                coverage[target, default: []].append(signature)
            }
        }

        // 4. Authenticode inside .exe files, when a CA is given.
        if let ca = keys.authenticodeCA {
            for name in expected.keys.sorted() where name.hasSuffix(".exe") && hashStatus[name]?.0 == .ok {
                let out = try SignerProcess.run(
                    "osslsigncode", ["verify", "-in", dist.appendingPathComponent(name).path, "-CAfile", ca],
                    environment: SignerEnvironment.base(environment))
                if !out.succeeded {
                    hashStatus[name] = (.mismatch, "Authenticode: \(SignerProcess.tail(out.text, lines: 2))")
                }
            }
        }

        // 5. Provenance.
        var provenanceNames = Set(manifest.filter { $0.kind == .provenance }.map(\.path))
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        where entry.hasSuffix(".intoto.jsonl") {
            provenanceNames.insert(entry)
        }
        for name in provenanceNames.sorted() {
            let (status, detail) = verifyProvenance(dist.appendingPathComponent(name))
            if status != .ok || hashStatus[name]?.0 != .mismatch { hashStatus[name] = (status, detail) }
        }

        // 6. The checksums file vouches for what it lists once its own signature verified.
        if covered.contains(checksumsName) {
            for entry in checksumEntries where hashStatus[entry.name]?.0 == .ok {
                covered.insert(entry.name)
                coverage[entry.name, default: []].append("signed \(checksumsName)")
            }
        }
        var all = hashStatus
        for (name, value) in signatureLines {
            if let existing = all[name], existing.0.isProblem { continue }
            all[name] = value
        }
        for name in all.keys.sorted() {
            var (status, detail) = all[name]!
            if status == .ok, needsCover.contains(name), !covered.contains(name), !allowUnsigned {
                status = .unsigned
                detail = name == checksumsName ? "no verified signature of it" : "no verified signature covers it"
            } else if status == .ok, detail == nil, let by = coverage[name] {
                detail = "covered by " + by.joined(separator: ", ")
            }
            report.lines.append(.init(status: status, file: name, detail: detail))
        }
        var checked = Set(all.keys)
        if FileManager.default.fileExists(atPath: manifestURL.path) { checked.insert(ArtifactsManifest.fileName) }
        report.lines += unaccountedLines(checked: checked, manifest: manifest)
        report.lines.sort { ($0.file) < ($1.file) }
        return report
    }

    /// An Image record names a blob of an OCI layout by its digest: `<folder>/blobs/sha256/<sha256>`.
    /// Anything else would let artifacts.json list any file as an "image" that needs no signature.
    static func imageRecordProblem(_ record: ArtifactRecord) -> String? {
        let parts = record.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[0].isEmpty, parts[0] != ".", parts[0] != "..", parts[1] == "blobs",
            parts[2] == "sha256"
        else {
            return "listed as an image, but not a blob of an image layout (<folder>/blobs/sha256/<digest>)"
        }
        guard parts[3] == record.sha256 else {
            return "an image blob whose name is not the sha256 \(ArtifactsManifest.fileName) gives"
        }
        return nil
    }

    static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    // MARK: Signatures

    private func verifySignature(_ signature: URL, of file: URL) -> (VerifyReport.Status, String?) {
        guard let data = FileManager.default.contents(atPath: signature.path) else { return (.missing, nil) }
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        let kind: SignatureKind
        if text.hasPrefix("untrusted comment:") {
            kind = .minisign
        } else if text.contains("-----BEGIN PGP SIGNATURE-----") {
            kind = .gpg
        } else if text.contains("-----BEGIN SSH SIGNATURE-----") {
            kind = .ssh
        } else if Data(
            base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) != nil
        {
            kind = .native
        } else {
            // A command signer's (cosign, signify, a script): Shipdeck cannot check it, so it covers
            // nothing; the files it signs are UNSIGNED unless another signature or --allow-unsigned.
            return (
                .skipped,
                "not a format Shipdeck checks (minisign, gpg, ssh, P-256); check it with the tool that made it"
            )
        }
        do {
            switch kind {
            case .minisign:
                guard let key = keys.minisign else {
                    return (.skipped, "minisign signature; pass --minisign-key to check it")
                }
                let out = try run("minisign", ["-V", "-q", "-p", key, "-m", file.path, "-x", signature.path])
                return out.succeeded
                    ? (.ok, "minisign signature verified")
                    : (.mismatch, "minisign: signature does not verify: \(SignerProcess.tail(out.text, lines: 2))")
            case .gpg:
                return try verifyGPG(signature, of: file)
            case .ssh:
                guard let allowed = keys.sshAllowedSigners, let identity = keys.sshIdentity else {
                    return (.skipped, "ssh signature; pass --ssh-allowed-signers and --ssh-identity to check it")
                }
                let out = try SignerProcess.run(
                    "ssh-keygen",
                    [
                        "-Y", "verify", "-f", allowed, "-I", identity, "-n", keys.sshNamespace,
                        "-s", signature.path,
                    ],
                    environment: SignerEnvironment.base(environment), stdinFile: file.path)
                return out.succeeded
                    ? (.ok, "ssh signature by \(identity) verified")
                    : (
                        .mismatch,
                        "ssh-keygen -Y verify: signature does not verify: \(SignerProcess.tail(out.text, lines: 2))"
                    )
            case .native:
                guard let key = try nativeKey() else { return (.skipped, "P-256 signature; pass --pubkey to check it") }
                let valid = NativeP256Signer.isValid(
                    signatureBase64: String(decoding: data, as: UTF8.self),
                    digest: try NativeP256Signer.digest(of: file), publicKey: key)
                return valid
                    ? (.ok, "P-256 signature verified") : (.mismatch, "P-256 signature does not verify with --pubkey")
            }
        } catch {
            return (.mismatch, (error as? ShipdeckError)?.message ?? "\(error)")
        }
    }

    private func verifyGPG(_ signature: URL, of file: URL) throws -> (VerifyReport.Status, String?) {
        var env = SignerEnvironment.base(environment)
        var temporary: PrivateDirectory?
        defer {
            if let temporary {
                _ = try? run("gpgconf", ["--homedir", temporary.url.path, "--kill", "gpg-agent"], env: env)
                temporary.remove()
            }
        }
        if let keyring = keys.gpgKeyring {
            let home = try PrivateDirectory.make()
            temporary = home
            env["GNUPGHOME"] = home.url.path
            let imported = try run("gpg", ["--batch", "--no-tty", "--import", keyring], env: env)
            guard imported.succeeded else {
                throw ShipdeckError(
                    .verify, "cannot import --gpg-keyring \(keyring): \(SignerProcess.tail(imported.text, lines: 2))")
            }
        } else if let home = keys.gpgHome ?? environment["GNUPGHOME"] {
            env["GNUPGHOME"] = home
        } else {
            return (.skipped, "gpg signature; pass --gpg-keyring (a package key export) or --gpg-home to check it")
        }
        let out = try run("gpg", ["--batch", "--no-tty", "--verify", signature.path, file.path], env: env)
        return out.succeeded
            ? (.ok, "gpg signature verified")
            : (.mismatch, "gpg --verify: signature does not verify: \(SignerProcess.tail(out.text, lines: 2))")
    }

    private func nativeKey() throws -> P256.Signing.PublicKey? {
        guard let path = keys.native else { return nil }
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
            let key = try? P256.Signing.PublicKey(pemRepresentation: pem)
        else {
            throw ShipdeckError(
                .verify, "--pubkey \(path) is not a PEM P-256 package key",
                hint: "pass the .pub file `shipdeck keygen` wrote")
        }
        return key
    }

    private func run(_ tool: String, _ args: [String], env: [String: String]? = nil) throws -> SignerProcess.Output {
        try SignerProcess.run(tool, args, environment: env ?? SignerEnvironment.base(environment))
    }

    private func checkKeyFiles() throws {
        let given: [(String, String?)] = [
            ("--minisign-key", keys.minisign), ("--ssh-allowed-signers", keys.sshAllowedSigners),
            ("--pubkey", keys.native),
            ("--gpg-keyring", keys.gpgKeyring), ("--authenticode-ca", keys.authenticodeCA),
        ]
        for (flag, path) in given {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ShipdeckError(.verify, "\(flag) \(path) cannot be read", hint: "check the path")
            }
        }
        if keys.sshAllowedSigners != nil, keys.sshIdentity == nil {
            throw ShipdeckError(.usage, "--ssh-allowed-signers needs --ssh-identity (the principal that signed)")
        }
    }

    // MARK: Provenance

    private func verifyProvenance(_ url: URL) -> (VerifyReport.Status, String?) {
        guard let data = FileManager.default.contents(atPath: url.path),
            let envelope = try? JSONDecoder().decode(DSSEEnvelope.self, from: data),
            let payload = envelope.payloadData,
            let statement = try? JSONDecoder().decode(ProvenanceStatement.self, from: payload)
        else {
            return (.mismatch, "not a DSSE envelope holding an in-toto statement")
        }
        guard statement._type == ProvenanceStatement.statementType,
            statement.predicateType == ProvenanceStatement.slsaProvenance
        else {
            return (.mismatch, "unexpected statement type \(statement._type) / \(statement.predicateType)")
        }
        var signed = "signature not checked (pass --pubkey)"
        do {
            if let key = try nativeKey() {
                guard envelope.isSigned(by: key) else {
                    return (.mismatch, "provenance: DSSE signature does not verify with --pubkey")
                }
                signed = "DSSE signature verified"
            } else if !allowUnsigned {
                return (.unsigned, "provenance: pass --pubkey to check its DSSE signature")
            }
        } catch {
            return (.mismatch, (error as? ShipdeckError)?.message ?? "\(error)")
        }
        for subject in statement.subject {
            guard let sha = subject.digest["sha256"] else { continue }
            let path = dist.appendingPathComponent(subject.name).path
            guard let actual = try? FileDigest.sha256(path: path) else {
                return (.mismatch, "provenance names \(subject.name), which is missing")
            }
            if actual.hex != sha {
                return (.mismatch, "provenance: \(subject.name) has another sha256 than the statement says")
            }
        }
        return (.ok, "provenance: \(statement.subject.count) subjects match, \(signed)")
    }
}
