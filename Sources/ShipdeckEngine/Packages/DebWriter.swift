import Crypto
import Foundation

/// Writes a .deb: an `ar` archive of `debian-binary` ("2.0\n"), `control.tar.gz` (control,
/// md5sums, conffiles, maintainer scripts) and `data.tar.gz`, in that order, through the
/// deterministic tar and gzip writers of Archive/: entries sorted, every mtime SOURCE_DATE_EPOCH,
/// owner root (uid/gid 0), so the same inputs give the same bytes.
struct DebWriter {
    let plan: PackagePlan
    let output: PackagePlan.Output
    let binary: URL
    let executableName: String

    struct Written {
        var url: URL
        var sha256: String
        var size: Int64
    }

    func write(into work: URL) throws -> Written {
        let dir = work.appendingPathComponent("deb-\(output.architecture)", isDirectory: true)
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let contents = try PackageContents(
            plan: plan, format: .deb, binary: binary, executableName: executableName,
            generated: try generatedFiles(in: dir))

        // data.tar.gz: ./, ./usr/, ./usr/bin/, ./usr/bin/hello … (dpkg-deb's own spelling).
        var data: [ArchiveEntry] = [.directory(".")] + contents.directories.map { .directory("." + $0) }
        for item in contents.items {
            var entry = ArchiveEntry.file("." + item.path, source: item.source, executable: item.mode & 0o111 != 0)
            entry.mode = item.mode
            data.append(entry)
        }
        let dataURL = dir.appendingPathComponent("data.tar.gz")
        _ = try TarGzWriter.write(Self.sorted(data), mtime: plan.epoch, to: dataURL.path)

        // control.tar.gz
        let control = dir.appendingPathComponent("control", isDirectory: true)
        try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        var members: [ArchiveEntry] = []
        func add(_ name: String, _ text: String, executable: Bool = false) throws {
            let url = control.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            members.append(.file("./" + name, source: url, executable: executable))
        }
        try add("control", controlText(contents))
        var md5sums = ""
        for item in contents.items {
            md5sums += "\(try PackageContents.digest(Insecure.MD5.self, of: item.source))  \(item.path.dropFirst())\n"
        }
        try add("md5sums", md5sums)
        let conffiles = contents.items.filter { $0.kind == .config || $0.kind == .configNoReplace }.map(\.path)
        if !conffiles.isEmpty { try add("conffiles", conffiles.map { $0 + "\n" }.joined()) }
        for (key, name) in [
            ("preinstall", "preinst"), ("postinstall", "postinst"), ("preremove", "prerm"),
            ("postremove", "postrm"),
        ] {
            if let script = plan.scripts[key] {
                members.append(.file("./" + name, source: script.source, executable: true))
            }
        }
        let controlURL = dir.appendingPathComponent("control.tar.gz")
        _ = try TarGzWriter.write(Self.sorted([.directory(".")] + members), mtime: plan.epoch, to: controlURL.path)

        let url = work.appendingPathComponent(output.fileName)
        let file = try HashingFileWriter(path: url.path)
        let ar = try ArWriter(sink: file, mtime: plan.epoch)
        try ar.add(name: "debian-binary", bytes: Array("2.0\n".utf8))
        try ar.add(name: "control.tar.gz", file: controlURL)
        try ar.add(name: "data.tar.gz", file: dataURL)
        let digest = try file.finish()
        try? FileManager.default.removeItem(at: dir)
        return Written(url: url, sha256: digest.hex, size: digest.size)
    }

    /// By path bytes, directories as `dir/`, so each comes right before its contents.
    static func sorted(_ entries: [ArchiveEntry]) -> [ArchiveEntry] {
        entries.sorted { Array($0.sortKey.utf8).lexicographicallyPrecedes(Array($1.sortKey.utf8)) }
    }

    /// The control file (deb-control(5)); values were checked to be single lines at plan time.
    func controlText(_ contents: PackageContents) -> String {
        // Installed-Size: KiB, as dpkg-gencontrol counts it (each file rounded up, 1 per directory).
        let kib = contents.items.reduce(Int64(0)) { $0 + ($1.size + 1023) / 1024 } + Int64(contents.directories.count)
        var fields: [(String, String)] = [
            ("Package", plan.name), ("Version", plan.version.deb), ("Architecture", output.architecture),
        ]
        if let maintainer = plan.maintainer { fields.append(("Maintainer", maintainer)) }
        fields.append(("Installed-Size", String(kib)))
        let names = [
            "depends": "Depends", "recommends": "Recommends", "suggests": "Suggests", "conflicts": "Conflicts",
            "provides": "Provides", "replaces": "Replaces",
        ]
        for (key, values) in plan.relations[.deb] ?? [] {
            fields.append((names[key]!, values.map(\.deb).joined(separator: ", ")))
        }
        fields.append(("Section", plan.section))
        fields.append(("Priority", plan.priority))
        if let homepage = plan.homepage { fields.append(("Homepage", homepage)) }
        var text = fields.map { "\($0.0): \($0.1)\n" }.joined()
        text += "Description: \(plan.summary)\n"
        for line in plan.details { text += line.isEmpty ? " .\n" : " \(line)\n" }
        return text
    }

    /// `/usr/share/doc/<name>/copyright` (Debian policy 12.5: every package has one; from the
    /// licence file when one is listed), `changelog.Debian.gz` (policy 12.7) and the lintian
    /// override for the static binary, unless the contents list them.
    func generatedFiles(in dir: URL) throws -> [(path: String, source: URL, kind: PackagesConfig.Content.Kind)] {
        let doc = "/usr/share/doc/\(plan.name)"
        var out: [(path: String, source: URL, kind: PackagesConfig.Content.Kind)] = []
        let copyright = dir.appendingPathComponent("copyright")
        if let license = plan.files[.deb]?.first(where: { $0.kind == .license }) {
            try FileManager.default.copyItem(at: license.source, to: copyright)
        } else {
            var text = "\(plan.name)\n\n"
            if let vendor = plan.vendor { text += "Copyright: \(vendor)\n" }
            if let license = plan.license { text += "License: \(license)\n" }
            if let homepage = plan.homepage { text += "Source: \(homepage)\n" }
            try Data(text.utf8).write(to: copyright)
        }
        out.append(("\(doc)/copyright", copyright, .doc))

        // Go binaries are static by design (CGO_ENABLED=0, or musl through zig); Debian's lintian
        // exempts Go only when it sees a golang build dependency of a source package, which a
        // binary-only .deb does not have, so the package says so in lintian's own override file.
        let overrides = dir.appendingPathComponent("lintian-overrides")
        try Data(
            "\(plan.name): statically-linked-binary [\(String((plan.bindir + "/" + executableName).dropFirst()))]\n"
                .utf8
        )
        .write(to: overrides)
        out.append(("/usr/share/lintian/overrides/\(plan.name)", overrides, .file))

        let changelog = dir.appendingPathComponent("changelog.Debian.gz")
        let entry =
            "\(plan.name) (\(plan.version.deb)) unstable; urgency=medium\n\n  * Release \(plan.version.upstream).\n\n"
            + " -- \(plan.maintainer ?? "Unknown <unknown@localhost>")  \(Self.rfc2822(plan.epoch))\n"
        try Data(try Self.gzipBest(Array(entry.utf8))).write(to: changelog)
        out.append(("\(doc)/changelog.Debian.gz", changelog, .doc))
        return out
    }

    /// One gzip member by zlib at level 9 with XFL=2, as Debian policy 12.7 asks of changelogs
    /// (lintian: changelog-not-compressed-with-max-compression); mtime 0, no name.
    static func gzipBest(_ bytes: [UInt8]) throws -> [UInt8] {
        let deflater = try RawDeflater()  // zlib, pinned at level 9
        var out: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03]
        try bytes.withUnsafeBytes { raw in try deflater.compress(raw, finish: true) { out.append(contentsOf: $0) } }
        out.appendLittleEndian(bytes.withUnsafeBytes { CRC32.update(0, $0) })
        out.appendLittleEndian(UInt32(bytes.count))
        return out
    }

    /// `Tue, 02 Jan 2024 03:04:05 +0000`, in English whatever the locale.
    static func rfc2822(_ epoch: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}
