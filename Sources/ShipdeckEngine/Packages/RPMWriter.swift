import Crypto
import Foundation

/// Writes an rpm in rpm 4's format: the 96-byte lead, the signature header (SHA-256 and SHA-1 of
/// the header, MD5 and size of header + payload, and, with a gpg signer, an OpenPGP signature of
/// the header), the main header (whose PAYLOADDIGEST makes the header signature cover the
/// payload too) and a gzip'd cpio payload. Every time is SOURCE_DATE_EPOCH, every file root's,
/// the build host a constant: the same inputs give the same header and payload bytes.
struct RPMWriter {
    let plan: PackagePlan
    let output: PackagePlan.Output
    let binary: URL
    let executableName: String
    /// Signs the header bytes (a detached binary OpenPGP signature), when a gpg signer exists.
    var signHeader: (([UInt8]) throws -> [UInt8])? = nil

    struct Written {
        var url: URL
        var sha256: String
        var size: Int64
        var signed: Bool
    }

    /// RPMFILE_* flags.
    static func fileFlags(_ kind: PackagesConfig.Content.Kind) -> UInt32 {
        switch kind {
        case .file: 0
        case .config: 1
        case .configNoReplace: 1 | 16
        case .doc: 2
        case .license: 128
        }
    }

    func write(into work: URL) throws -> Written {
        let contents = try PackageContents(plan: plan, format: .rpm, binary: binary, executableName: executableName)
        let mtime = plan.epoch

        // The payload first: the header carries its digest.
        let payloadURL = work.appendingPathComponent("\(output.fileName).payload")
        defer { try? FileManager.default.removeItem(at: payloadURL) }
        let payloadFile = try HashingFileWriter(path: payloadURL.path)
        let gzip = try GzipWriter(sink: payloadFile)
        var cpio = CpioWriter(sink: gzip)
        for (index, item) in contents.items.enumerated() {
            try cpio.add(
                name: "." + item.path, inode: UInt32(index + 1), mode: 0o100000 | UInt32(item.mode),
                mtime: mtime, source: item.source, size: item.size)
        }
        try cpio.finish()
        try gzip.finish()
        let payload = try payloadFile.finish()

        let header = try mainHeader(contents, payloadDigest: payload.hex).bytes
        var md5 = Insecure.MD5()
        md5.update(data: header)
        try FileChunks.forEach(path: payloadURL.path) { md5.update(bufferPointer: $0) }

        var signature = RPMHeader(regionTag: RPMTag.headerSignatures)
        signature[RPMTag.sigSHA1] = .string(FileDigest.hex(Insecure.SHA1.hash(data: header)))
        signature[RPMTag.sigSHA256] = .string(FileDigest.hex(SHA256.hash(data: header)))
        signature[RPMTag.sigSize] = .int32([try Self.uint32(Int64(header.count) + payload.size, "the package")])
        signature[RPMTag.sigMD5] = .binary(Array(md5.finalize()))
        signature[RPMTag.sigPayloadSize] = .int32([try Self.uint32(cpio.written, "the payload")])
        if let signHeader {
            let openpgp = try signHeader(header)
            signature[try Self.signatureTag(openpgp)] = .binary(openpgp)
        }
        var signatureBytes = signature.bytes
        while signatureBytes.count % 8 != 0 { signatureBytes.append(0) }

        let url = work.appendingPathComponent(output.fileName)
        let file = try HashingFileWriter(path: url.path)
        try file.write(lead())
        try file.write(signatureBytes)
        try file.write(header)
        try FileChunks.forEach(path: payloadURL.path) { try file.write($0) }
        let digest = try file.finish()
        return Written(url: url, sha256: digest.hex, size: digest.size, signed: signHeader != nil)
    }

    /// The lead: magic, format 3.0, binary, the arch number, `name-version-release`, Linux, header-style signature.
    func lead() -> [UInt8] {
        var lead: [UInt8] = [0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 0]
        let archnum = PackageArchitecture.rpmLeadNumber(output.architecture)
        lead += [UInt8(archnum >> 8), UInt8(archnum & 0xff)]
        var name = Array("\(plan.name)-\(plan.version.upstream)-\(plan.version.release)".utf8.prefix(65))
        name += [UInt8](repeating: 0, count: 66 - name.count)
        lead += name
        lead += [0, 1]  // osnum: Linux
        lead += [0, 5]  // RPMSIGTYPE_HEADERSIG
        lead += [UInt8](repeating: 0, count: 16)
        return lead
    }

    func mainHeader(_ contents: PackageContents, payloadDigest: String) throws -> RPMHeader {
        var h = RPMHeader(regionTag: RPMTag.headerImmutable)
        let version = plan.version
        h[RPMTag.headerI18nTable] = .stringArray(["C"])
        h[RPMTag.name] = .string(plan.name)
        h[RPMTag.version] = .string(version.upstream)
        h[RPMTag.release] = .string(version.release)
        if let epoch = version.epoch, let value = UInt32(epoch) { h[RPMTag.epoch] = .int32([value]) }
        h[RPMTag.summary] = .i18n(plan.summary)
        h[RPMTag.description] = .i18n(plan.details.isEmpty ? plan.summary : plan.details.joined(separator: "\n"))
        h[RPMTag.buildTime] = .int32([UInt32(truncatingIfNeeded: max(0, plan.epoch))])
        h[RPMTag.buildHost] = .string("shipdeck")  // not the machine's name: it would differ between builders
        h[RPMTag.size] = .int32([try Self.uint32(contents.items.reduce(0) { $0 + $1.size }, "the installed files")])
        if let vendor = plan.vendor { h[RPMTag.vendor] = .string(vendor) }
        h[RPMTag.license] = .string(plan.license ?? "Unspecified")
        if let maintainer = plan.maintainer { h[RPMTag.packager] = .string(maintainer) }
        h[RPMTag.group] = .i18n("Unspecified")
        if let homepage = plan.homepage { h[RPMTag.url] = .string(homepage) }
        h[RPMTag.os] = .string("linux")
        h[RPMTag.arch] = .string(output.architecture)
        h[RPMTag.sourceRPM] = .string("\(plan.name)-\(version.upstream)-\(version.release).src.rpm")  // marks a binary rpm
        h[RPMTag.encoding] = .string("utf-8")

        // Maintainer scripts: the body and the interpreter of its #! line.
        var requires: [(name: String, flags: UInt32, version: String)] = [
            ("rpmlib(CompressedFileNames)", 0x0100_000a, "3.0.4-1"),
            ("rpmlib(FileDigests)", 0x0100_000a, "4.6.0-1"),
            ("rpmlib(PayloadFilesHavePrefix)", 0x0100_000a, "4.0-1"),
        ]
        for (key, tag, prog, sense) in [
            ("preinstall", RPMTag.preIn, RPMTag.preInProg, UInt32(1 << 9)),
            ("postinstall", RPMTag.postIn, RPMTag.postInProg, 1 << 10),
            ("preremove", RPMTag.preUn, RPMTag.preUnProg, 1 << 11),
            ("postremove", RPMTag.postUn, RPMTag.postUnProg, 1 << 12),
        ] {
            guard let script = plan.scripts[key] else { continue }
            let body = try String(contentsOf: script.source, encoding: .utf8)
            h[tag] = .string(body)
            h[prog] = .stringArray([script.interpreter])
            requires.append((script.interpreter, 0x100 | sense, ""))  // RPMSENSE_INTERP | RPMSENSE_SCRIPT_*
        }

        // Files, with compressed names (dirnames + basenames).
        var dirNames: [String] = []
        var dirIndexes: [UInt32] = []
        for item in contents.items {
            let dir = PathText.parent(item.path) + "/"
            if let index = dirNames.firstIndex(of: dir) {
                dirIndexes.append(UInt32(index))
            } else {
                dirNames.append(dir)
                dirIndexes.append(UInt32(dirNames.count - 1))
            }
        }
        let items = contents.items
        h[RPMTag.baseNames] = .stringArray(items.map { ($0.path as NSString).lastPathComponent })
        h[RPMTag.dirNames] = .stringArray(dirNames)
        h[RPMTag.dirIndexes] = .int32(dirIndexes)
        h[RPMTag.fileSizes] = .int32(try items.map { try Self.uint32($0.size, $0.path) })
        h[RPMTag.fileModes] = .int16(items.map { 0o100000 | $0.mode })
        h[RPMTag.fileRDevs] = .int16(items.map { _ in 0 })
        h[RPMTag.fileMTimes] = .int32(items.map { _ in UInt32(truncatingIfNeeded: max(0, plan.epoch)) })
        h[RPMTag.fileDigests] = .stringArray(try items.map { try PackageContents.digest(SHA256.self, of: $0.source) })
        h[RPMTag.fileDigestAlgo] = .int32([8])  // PGPHASHALGO_SHA256
        h[RPMTag.fileLinkTos] = .stringArray(items.map { _ in "" })
        h[RPMTag.fileFlags] = .int32(items.map { Self.fileFlags($0.kind) })
        h[RPMTag.fileUserName] = .stringArray(items.map { _ in "root" })
        h[RPMTag.fileGroupName] = .stringArray(items.map { _ in "root" })
        h[RPMTag.fileVerifyFlags] = .int32(items.map { _ in UInt32.max })
        h[RPMTag.fileDevices] = .int32(items.map { _ in 1 })
        h[RPMTag.fileINodes] = .int32((1...UInt32(items.count)).map { $0 })
        h[RPMTag.fileLangs] = .stringArray(items.map { _ in "" })

        // Relationships. The package provides itself, as rpmbuild's packages do.
        let evr = (version.epoch.map { "\($0):" } ?? "") + "\(version.upstream)-\(version.release)"
        var provides: [(name: String, flags: UInt32, version: String)] = [(plan.name, 8, evr)]
        var conflicts: [(name: String, flags: UInt32, version: String)] = []
        var obsoletes: [(name: String, flags: UInt32, version: String)] = []
        var recommends: [(name: String, flags: UInt32, version: String)] = []
        var suggests: [(name: String, flags: UInt32, version: String)] = []
        var rich = false
        for (key, values) in plan.relations[.rpm] ?? [] {
            let entries = values.map { dependency -> (name: String, flags: UInt32, version: String) in
                if dependency.alternatives.count > 1 {
                    rich = true  // a rich dependency: (a >= 1 or b)
                    return ("(" + dependency.alternatives.map(\.rpm).joined(separator: " or ") + ")", 0, "")
                }
                let term = dependency.alternatives[0]
                return (term.name, term.constraint?.op.rpmFlags ?? 0, term.constraint?.version ?? "")
            }
            switch key {
            case "depends": requires += entries
            case "recommends": recommends += entries
            case "suggests": suggests += entries
            case "conflicts": conflicts += entries
            case "provides": provides += entries
            case "replaces": obsoletes += entries  // rpm's Obsoletes is what Replaces means to dpkg
            default: break
            }
        }
        if rich { requires.append(("rpmlib(RichDependencies)", 0x0100_000a, "4.12.0-1")) }
        // A '~' (or '^') in any version of the header needs rpm ≥ 4.10 (≥ 4.15) to sort right, and
        // rpmbuild says so; older rpm would compare 1.2.0~rc.1 as after 1.2.0.
        let versions = [evr] + (provides + requires + conflicts + obsoletes + recommends + suggests).map(\.version)
        if versions.contains(where: { $0.contains("~") }) {
            requires.append(("rpmlib(TildeInVersions)", 0x0100_000a, "4.10.0-1"))
        }
        if versions.contains(where: { $0.contains("^") }) {
            requires.append(("rpmlib(CaretInVersions)", 0x0100_000a, "4.15.0-1"))
        }
        func put(
            _ list: [(name: String, flags: UInt32, version: String)], _ name: UInt32, _ flags: UInt32, _ version: UInt32
        ) {
            guard !list.isEmpty else { return }
            h[name] = .stringArray(list.map(\.name))
            h[flags] = .int32(list.map(\.flags))
            h[version] = .stringArray(list.map(\.version))
        }
        put(provides, RPMTag.provideName, RPMTag.provideFlags, RPMTag.provideVersion)
        put(requires, RPMTag.requireName, RPMTag.requireFlags, RPMTag.requireVersion)
        put(conflicts, RPMTag.conflictName, RPMTag.conflictFlags, RPMTag.conflictVersion)
        put(obsoletes, RPMTag.obsoleteName, RPMTag.obsoleteFlags, RPMTag.obsoleteVersion)
        put(recommends, RPMTag.recommendName, RPMTag.recommendFlags, RPMTag.recommendVersion)
        put(suggests, RPMTag.suggestName, RPMTag.suggestFlags, RPMTag.suggestVersion)

        h[RPMTag.payloadFormat] = .string("cpio")
        h[RPMTag.payloadCompressor] = .string("gzip")
        h[RPMTag.payloadFlags] = .string(String(ArchiveCompression.gzipLevel))
        h[RPMTag.payloadDigest] = .stringArray([payloadDigest])
        h[RPMTag.payloadDigestAlgo] = .int32([8])
        return h
    }

    static func uint32(_ value: Int64, _ what: String) throws -> UInt32 {
        guard value >= 0, value <= Int64(UInt32.max) else {
            throw ShipdeckError(.io, "\(what) is larger than 4 GiB, which Shipdeck's rpm writer does not support")
        }
        return UInt32(value)
    }

    /// RPMSIGTAG_RSA for an RSA signature, RPMSIGTAG_DSA for DSA, ECDSA and EdDSA (as rpmsign files them):
    /// the public-key algorithm is the third byte of a version 4 signature packet's body.
    static func signatureTag(_ packet: [UInt8]) throws -> UInt32 {
        guard let first = packet.first, first & 0x80 != 0 else {
            throw ShipdeckError(.signing, "gpg did not write an OpenPGP signature packet")
        }
        var offset: Int
        if first & 0x40 != 0 {  // new format: one-, two- or five-byte length
            guard packet.count > 2 else { throw ShipdeckError(.signing, "truncated OpenPGP signature") }
            let l = packet[1]
            offset = l < 192 ? 2 : (l < 224 ? 3 : 6)
        } else {
            offset = 1 + [1, 2, 4, 0][Int(first & 0x03)]
        }
        guard packet.count > offset + 2, packet[offset] == 4 else {
            throw ShipdeckError(.signing, "gpg wrote an OpenPGP signature that is not version 4, which rpm needs")
        }
        return packet[offset + 2] == 1 ? RPMTag.sigRSA : RPMTag.sigDSA
    }
}
