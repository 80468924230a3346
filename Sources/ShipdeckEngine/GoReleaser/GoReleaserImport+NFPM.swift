import Foundation
import Yams

extension GoReleaserImport {
    /// Content types of nfpm that Shipdeck's packages hold; `dir`, `symlink`, `ghost` and `tree`
    /// entries are reported and skipped.
    static let nfpmContentTypes: Set<String> = ["", "file", "config", "config|noreplace", "doc", "license"]

    /// Reads GoReleaser's `nfpms:` into `packages:`. nfpms[0] is read (one package per format and
    /// cell); every key Shipdeck does not make is a warning naming its path (`nfpms[0].rpm.signature`),
    /// apk and archlinux formats included. `dependencies` becomes `depends`; `overrides.deb/rpm` keep
    /// their lists; `file_name_template` is ignored with a warning because packages are named by
    /// each format's convention.
    /// Returns the warnings that are not about an unsupported key (those go through `unsupported`).
    static func readNFPMs(
        _ value: Node, into config: inout ShipdeckConfig, reader: ConfigReader, unsupported: (String) -> Void
    ) throws -> [String] {
        var warnings: [String] = []
        guard case .sequence(let entries) = value else {
            throw reader.error("nfpms", at: value, "expected a list of nfpm packages")
        }
        for index in entries.indices.dropFirst() {
            warnings.append(
                "\(reader.file): nfpms[\(index)] is not supported (one package per format and target); only nfpms[0] is used"
            )
        }
        guard let node = entries.first else { return warnings }
        var packages = PackagesConfig()
        packages.origin = "\(reader.file)\(node.mark.map { ":\($0.line)" } ?? ""): nfpms[0]"
        func relations(_ node: Node, key: String) throws -> [String: [String]] {
            var lists: [String: [String]] = [:]
            for (k, v) in try reader.mapping(node, key: key) {
                let name = k.string ?? "?"
                switch name {
                case "dependencies", "depends": lists["depends"] = try reader.strings(v, key: "\(key).\(name)")
                case "recommends", "suggests", "conflicts", "provides", "replaces":
                    lists[name] = try reader.strings(v, key: "\(key).\(name)")
                default: unsupported("\(key).\(name)")
                }
            }
            return lists
        }
        for (k, v) in try reader.mapping(node, key: "nfpms[0]") {
            let name = k.string ?? "?"
            let key = "nfpms[0].\(name)"
            switch name {
            case "id", "builds", "ids": break
            case "package_name": packages.name = try reader.string(v, key: key)
            case "formats":
                var formats: [PackagesConfig.Format] = []
                for text in try reader.strings(v, key: key) {
                    if let format = PackagesConfig.Format(rawValue: text) {
                        formats.append(format)
                    } else {
                        warnings.append(
                            "\(reader.file): \(key): format \(text) is not made by Shipdeck (deb and rpm are) and was ignored"
                        )
                    }
                }
                guard !formats.isEmpty else {
                    warnings.append("\(reader.file): \(key) lists neither deb nor rpm: no packages are made")
                    return warnings
                }
                packages.formats = formats
            case "vendor": packages.vendor = try reader.string(v, key: key)
            case "homepage": packages.homepage = try reader.string(v, key: key)
            case "maintainer": packages.maintainer = try reader.string(v, key: key)
            case "description": packages.description = try reader.string(v, key: key)
            case "license": packages.license = try reader.string(v, key: key)
            case "bindir": packages.bindir = try reader.absolutePath(v, key: key)
            case "epoch": packages.epoch = try reader.string(v, key: key)
            case "release": packages.release = try reader.string(v, key: key)
            case "section": packages.section = try reader.string(v, key: key)
            case "priority": packages.priority = try reader.string(v, key: key)
            case "dependencies": packages.relations.depends = try reader.strings(v, key: key)
            case "recommends", "suggests", "conflicts", "provides", "replaces":
                packages.relations[name] = try reader.strings(v, key: key)
            case "contents":
                guard case .sequence(let items) = v else {
                    throw reader.error(key, at: v, "expected a list of { src, dst, type } entries")
                }
                for (index, item) in items.enumerated() {
                    let type =
                        (try? reader.mapping(item, key: "\(key)[\(index)]"))?
                        .first { $0.key.string == "type" }?.value.string ?? ""
                    guard nfpmContentTypes.contains(type) else {
                        warnings.append(
                            "\(reader.file): \(key)[\(index)]: content type \(type) is not supported and was skipped")
                        continue
                    }
                    var parsed = try reader.packageContents(.sequence(Node.Sequence([item])), key: key)
                    parsed[0].key = "\(key)[\(index)]"
                    packages.contents += parsed
                }
            case "scripts":
                for (sk, sv) in try reader.mapping(v, key: key) {
                    let script = sk.string ?? "?"
                    let path = try reader.string(sv, key: "\(key).\(script)")
                    switch script {
                    case "preinstall": packages.scripts.preinstall = path
                    case "postinstall": packages.scripts.postinstall = path
                    case "preremove": packages.scripts.preremove = path
                    case "postremove": packages.scripts.postremove = path
                    default: unsupported("\(key).\(script)")
                    }
                }
            case "overrides":
                for (fk, fv) in try reader.mapping(v, key: key) {
                    let formatName = fk.string ?? "?"
                    guard let format = PackagesConfig.Format(rawValue: formatName) else {
                        unsupported("\(key).\(formatName)")
                        continue
                    }
                    packages.overrides[format] = try relations(fv, key: "\(key).\(formatName)")
                }
            case "file_name_template":
                warnings.append(
                    "\(reader.file): \(key) is ignored: Shipdeck names packages by each format's convention "
                        + "(name_version-release_arch.deb, name-version-release.arch.rpm)")
            case "rpm", "deb":
                for (fk, _) in try reader.mapping(v, key: key) {
                    let field = fk.string ?? "?"
                    if field == "signature" {
                        warnings.append(
                            "\(reader.file): \(key).signature is ignored: Shipdeck signs the rpm header with the "
                                + "gpg signer of signers:, and deb files through checksums.txt (see README: Linux packages)"
                        )
                    } else {
                        unsupported("\(key).\(field)")
                    }
                }
            default:
                unsupported(key)
            }
        }
        config.packages = packages
        return warnings
    }
}
