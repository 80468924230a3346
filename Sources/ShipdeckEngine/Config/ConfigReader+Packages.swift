import Foundation
import Yams

extension ConfigReader {
    /// Reads `packages:` (Packages/PackagesConfig.swift). Only the shape is checked here; the plan
    /// checks what needs the module (files exist, scripts are executable) and the dependency syntax.
    func packages(_ node: Node) throws -> PackagesConfig {
        if node.isScalar, let enabled = node.bool, node.string == "true" || node.string == "false" {
            guard enabled else {
                throw error(
                    "packages", at: node, "packages: false is the same as leaving packages out",
                    hint: "remove the key")
            }
            var config = PackagesConfig()
            config.origin = "\(file):\(node.mark?.line ?? 0): packages"
            return config
        }
        var config = PackagesConfig()
        config.origin = "\(file)\(node.mark.map { ":\($0.line)" } ?? ""): packages"
        for (k, v) in try mapping(node, key: "packages") {
            let name = k.string ?? "?"
            let key = "packages.\(name)"
            switch name {
            case "formats":
                config.formats = try packageFormats(v, key: key)
            case "targets": config.targets = try strings(v, key: key)
            case "name": config.name = try string(v, key: key)
            case "bindir": config.bindir = try absolutePath(v, key: key)
            case "maintainer": config.maintainer = try string(v, key: key)
            case "description": config.description = try string(v, key: key)
            case "vendor": config.vendor = try string(v, key: key)
            case "homepage": config.homepage = try string(v, key: key)
            case "license": config.license = try string(v, key: key)
            case "section": config.section = try string(v, key: key)
            case "priority": config.priority = try string(v, key: key)
            case "release": config.release = try string(v, key: key)
            case "epoch": config.epoch = try string(v, key: key)
            case "contents": config.contents = try packageContents(v, key: key)
            case "scripts":
                for (sk, sv) in try mapping(v, key: key) {
                    let skey = "\(key).\(sk.string ?? "?")"
                    let path = try string(sv, key: skey)
                    switch sk.string {
                    case "preinstall": config.scripts.preinstall = path
                    case "postinstall": config.scripts.postinstall = path
                    case "preremove": config.scripts.preremove = path
                    case "postremove": config.scripts.postremove = path
                    default: throw unknownKey(skey, at: sk, known: PackagesConfig.Scripts.keys)
                    }
                }
            case "overrides":
                for (fk, fv) in try mapping(v, key: key) {
                    let fkey = "\(key).\(fk.string ?? "?")"
                    guard let format = PackagesConfig.Format(rawValue: fk.string ?? "") else {
                        throw unknownKey(fkey, at: fk, known: PackagesConfig.Format.allCases.map(\.rawValue))
                    }
                    var lists: [String: [String]] = [:]
                    for (rk, rv) in try mapping(fv, key: fkey) {
                        let rkey = "\(fkey).\(rk.string ?? "?")"
                        guard let relation = rk.string, PackagesConfig.Relations.keys.contains(relation) else {
                            throw unknownKey(rkey, at: rk, known: PackagesConfig.Relations.keys)
                        }
                        lists[relation] = try strings(rv, key: rkey)
                    }
                    config.overrides[format] = lists
                }
            case _ where PackagesConfig.Relations.keys.contains(name):
                config.relations[name] = try strings(v, key: key)
            default:
                throw unknownKey(key, at: k, known: PackagesConfig.keys)
            }
        }
        return config
    }

    func packageFormats(_ node: Node, key: String) throws -> [PackagesConfig.Format] {
        var formats: [PackagesConfig.Format] = []
        for text in try strings(node, key: key) {
            guard let format = PackagesConfig.Format(rawValue: text) else {
                throw error(
                    key, at: node, "unknown package format '\(text)'",
                    hint: "use deb and/or rpm (apk and archlinux packages are not made by Shipdeck)")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        guard !formats.isEmpty else {
            throw error(key, at: node, "no package format listed", hint: "list deb and/or rpm, or remove packages:")
        }
        return formats
    }

    func absolutePath(_ node: Node, key: String) throws -> String {
        let path = try string(node, key: key)
        guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/"),
            !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
            !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7f}" })
        else {
            throw error(
                key, at: node, "'\(UntrustedText.escape(path))' is not an absolute path on the installed system",
                hint: "write a path like /usr/bin or /etc/hello/hello.yaml")
        }
        return path
    }

    func packageContents(_ node: Node, key: String) throws -> [PackagesConfig.Content] {
        guard case .sequence(let items) = node else {
            throw error(key, at: node, "expected a list of { src, dst, type } entries")
        }
        return try items.enumerated().map { index, item in
            let ekey = "\(key)[\(index)]"
            var source: String?
            var destination: String?
            var kind = PackagesConfig.Content.Kind.file
            var mode: UInt16?
            var packager: PackagesConfig.Format?
            for (k, v) in try mapping(item, key: ekey) {
                let fkey = "\(ekey).\(k.string ?? "?")"
                switch k.string {
                case "src": source = try string(v, key: fkey)
                case "dst": destination = try absolutePath(v, key: fkey)
                case "type":
                    let text = try string(v, key: fkey)
                    guard let parsed = PackagesConfig.Content.Kind(rawValue: text == "" ? "file" : text) else {
                        throw error(
                            fkey, at: v, "unknown content type '\(UntrustedText.escape(text))'",
                            hint:
                                "use one of: \(PackagesConfig.Content.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    kind = parsed
                case "packager":
                    let text = try string(v, key: fkey)
                    guard let format = PackagesConfig.Format(rawValue: text) else {
                        throw error(
                            fkey, at: v, "unknown packager '\(UntrustedText.escape(text))'", hint: "use deb or rpm")
                    }
                    packager = format
                case "file_info":
                    for (ik, iv) in try mapping(v, key: fkey) {
                        let ikey = "\(fkey).\(ik.string ?? "?")"
                        switch ik.string {
                        case "mode": mode = try fileMode(iv, key: ikey)
                        case "owner", "group":
                            let owner = try string(iv, key: ikey)
                            guard owner == "root" else {
                                throw error(
                                    ikey, at: iv, "files are owned by root:root in Shipdeck's packages",
                                    hint:
                                        "remove \(ik.string!): or set it to root; change ownership in a postinstall script"
                                )
                            }
                        case "mtime": break  // every file gets SOURCE_DATE_EPOCH, so packages are reproducible
                        default: throw unknownKey(ikey, at: ik, known: ["mode", "owner", "group", "mtime"])
                        }
                    }
                case "mode": mode = try fileMode(v, key: fkey)
                default:
                    throw unknownKey(fkey, at: k, known: ["src", "dst", "type", "packager", "file_info", "mode"])
                }
            }
            guard let source, let destination else {
                throw error(
                    ekey, at: item,
                    "a contents entry needs both src: (a file in the module) and dst: (its installed path)")
            }
            return PackagesConfig.Content(
                source: source, destination: destination, kind: kind, mode: mode,
                packager: packager, key: ekey, line: item.mark?.line)
        }
    }

    /// `0644`, `644` or `0o644` (YAML reads 0644 as an octal integer; nfpm writes it so).
    func fileMode(_ node: Node, key: String) throws -> UInt16 {
        let text = try string(node, key: key)
        var digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
        if digits.count > 1, digits.hasPrefix("0") { digits = String(digits.drop { $0 == "0" }) }
        guard let value = UInt16(digits.isEmpty ? "0" : digits, radix: 8), value <= 0o7777 else {
            throw error(
                key, at: node, "'\(UntrustedText.escape(text))' is not a file mode",
                hint: "write it in octal, such as 0644 or 0755")
        }
        return value
    }
}
