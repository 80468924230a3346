import Foundation
import Yams

extension GoReleaserProject.Parser {
        // MARK: archives[]

        static let archiveKeys = [
            "id", "ids", "builds", "builds_info", "name_template", "formats", "format", "format_overrides",
            "wrap_in_directory", "strip_binary_directory", "strip_parent_binary_folder", "files", "meta",
            "allow_different_binary_count", "replacements", "rlcp",
        ]

        mutating func archive(_ node: Node, _ path: String) throws -> GoReleaserProject.Archive {
            var archive = GoReleaserProject.Archive(nameTemplate: "")
            var formats: [String]?
            var format: String?
            for (key, keyNode, v) in try pairs(node, path) {
                let p = "\(path).\(key)"
                switch key {
                case "id": archive.id = try reader.string(v, key: p)
                case "ids", "builds": archive.ids += try reader.strings(v, key: p)
                case "name_template": archive.nameTemplate = try reader.string(v, key: p)
                case "formats": formats = try formatList(v, p)
                case "format": format = try formatList(v, p).first
                case "format_overrides":
                    guard case .sequence(let items) = v else {
                        throw reader.error(p, at: v, "expected a list of overrides")
                    }
                    for (index, item) in items.enumerated() {
                        let ip = "\(p)[\(index)]"
                        var goos = ""
                        var list: [String] = []
                        for (ok, okn, ov) in try pairs(item, ip) {
                            switch ok {
                            case "goos":
                                goos = try reader.string(ov, key: "\(ip).goos")
                                try reader.checkGoReleaserName("goos", goos, prefix: true, path: "\(ip).goos", at: ov)
                            case "formats", "format": list += try formatList(ov, "\(ip).\(ok)")
                            default: throw unknown(ip, ok, at: okn, known: ["goos", "formats", "format"])
                            }
                        }
                        archive.formatOverrides.append((goos, list))
                    }
                case "wrap_in_directory": archive.wrapInDirectory = try reader.string(v, key: p)
                case "strip_binary_directory", "strip_parent_binary_folder":
                    archive.stripBinaryDirectory = try bool(v, p)
                case "allow_different_binary_count": archive.allowDifferentBinaryCount = try bool(v, p)
                case "replacements":
                    for (rk, _, rv) in try pairs(v, p) { archive.replacements[rk] = try reader.string(rv, key: "\(p).\(rk)") }
                case "rlcp":
                    // v1.x's switch to the file destinations every later version uses, which Shipdeck applies.
                    _ = try reader.string(v, key: p)
                case "files": archive.files = try files(v, p)
                case "builds_info":
                    for (bk, bkn, bv) in try pairs(v, p) {
                        switch bk {
                        case "mode": archive.binaryMode = try mode(bv, "\(p).mode")
                        case "owner", "group", "mtime": skip("\(p).\(bk)", "binaries are stored with owner root (0), group root (0) and the SOURCE_DATE_EPOCH time")
                        default: throw unknown(p, bk, at: bkn, known: ["mode", "owner", "group", "mtime"])
                        }
                    }
                case "meta":
                    if try bool(v, p) { skip(p, "no binary-less archive is made") }
                default:
                    throw unknown(path, key, at: keyNode, known: Self.archiveKeys)
                }
            }
            // GoReleaser v2 appends the deprecated `format` to `formats`.
            if let format { archive.formats = (formats ?? []) + [format] } else if let formats { archive.formats = formats }
            if archive.formats.isEmpty { archive.formats = ["tar.gz"] }
            if archive.nameTemplate.isEmpty {
                archive.nameTemplate =
                    archive.formats.contains("binary")
                    ? GoReleaserProject.defaultBinaryArchiveName : GoReleaserProject.defaultArchiveName
            }
            return archive
        }

        func formatList(_ node: Node, _ path: String) throws -> [String] {
            let list = try reader.strings(node, key: path)
            for format in list where !GoReleaserProject.writableFormats.contains(format) {
                throw reader.error(
                    path, at: node, "archive format '\(UntrustedText.escape(format))' is not supported",
                    hint: "Shipdeck writes tar.gz, zip and binary (and none to skip a GOOS)")
            }
            return list.map { $0 == "tgz" ? "tar.gz" : $0 }
        }

        func mode(_ node: Node, _ path: String) throws -> UInt16 {
            let text = try reader.string(node, key: path)
            // YAML 1.1 reads 0755 as octal; GoReleaser's YAML reader gives the number, written either way.
            let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
            if digits.hasPrefix("0"), let octal = UInt16(digits, radix: 8), octal <= 0o7777 { return octal }
            if let decimal = UInt16(digits), decimal <= 0o7777 { return decimal }
            throw reader.error(path, at: node, "'\(UntrustedText.escape(text))' is not a file mode", hint: "write it in octal, such as 0755")
        }

        mutating func files(_ node: Node, _ path: String) throws -> [GoReleaserProject.FileSpec] {
            guard case .sequence(let items) = node else { throw reader.error(path, at: node, "expected a list of files") }
            var out: [GoReleaserProject.FileSpec] = []
            for (index, item) in items.enumerated() {
                let ip = "\(path)[\(index)]"
                if item.isScalar {
                    out.append(GoReleaserProject.FileSpec(source: try reader.string(item, key: ip)))
                    continue
                }
                var spec = GoReleaserProject.FileSpec(source: "")
                for (fk, fkn, fv) in try pairs(item, ip) {
                    switch fk {
                    case "src": spec.source = try reader.string(fv, key: "\(ip).src")
                    case "dst": spec.destination = try reader.string(fv, key: "\(ip).dst")
                    case "strip_parent": spec.stripParent = try bool(fv, "\(ip).strip_parent")
                    case "info":
                        for (ik, ikn, iv) in try pairs(fv, "\(ip).info") {
                            switch ik {
                            case "mode": spec.mode = try mode(iv, "\(ip).info.mode")
                            case "owner", "group", "mtime":
                                skip("\(ip).info.\(ik)", "files are stored with owner root (0), group root (0) and the SOURCE_DATE_EPOCH time")
                            default: throw unknown("\(ip).info", ik, at: ikn, known: ["owner", "group", "mode", "mtime"])
                            }
                        }
                    default: throw unknown(ip, fk, at: fkn, known: ["src", "dst", "strip_parent", "info"])
                    }
                }
                guard !spec.source.isEmpty else { throw reader.error(ip, at: item, "a file entry needs src:") }
                out.append(spec)
            }
            return out
        }

        // MARK: checksum

        mutating func checksum(_ node: Node, into project: inout GoReleaserProject) throws {
            for (key, keyNode, v) in try pairs(node, "checksum") {
                let p = "checksum.\(key)"
                switch key {
                case "name_template": project.checksumName = try reader.string(v, key: p)
                case "algorithm":
                    let algorithm = try reader.string(v, key: p)
                    guard algorithm == "sha256" else {
                        throw reader.error(
                            p, at: v, "algorithm \(UntrustedText.escape(algorithm)) is not supported",
                            hint: "Shipdeck writes sha256 checksums; set algorithm: sha256 or remove it")
                    }
                case "ids": project.checksumIDs = try reader.strings(v, key: p)
                case "disable": project.checksumDisabled = try bool(v, p)
                case "split": if try bool(v, p) { skip(p, "one checksums file lists every file") }
                case "extra_files": skip(p, "only the release's own files are listed")
                default:
                    throw unknown("checksum", key, at: keyNode, known: ["name_template", "algorithm", "ids", "disable", "split", "extra_files"])
                }
            }
        }
}
