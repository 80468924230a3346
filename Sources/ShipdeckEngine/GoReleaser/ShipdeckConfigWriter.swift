import Foundation

/// Writes a `ShipdeckConfig` as `shipdeck.yml` text: what `shipdeck init --from-goreleaser` saves.
/// Reading the text back with `ConfigReader` gives the same plan.
package enum ShipdeckConfigWriter {
    package static func yaml(_ config: ShipdeckConfig, header: [String] = []) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        if !config.warnings.isEmpty {
            out += "#\n# Not carried over (Shipdeck does not support these):\n"
            out += config.warnings.map { "#   \($0)\n" }.joined()
        }
        if !config.ignored.isEmpty {
            out += "#\n# Targets left out by ignore rules:\n"
            out += config.ignored.map { "#   \($0.target)  (\($0.rule))\n" }.joined()
        }
        out += "\n"
        if let project = config.project { out += "project: \(quote(project))\n" }
        out += "main: \(quote(config.main))\n"
        if let binary = config.binary { out += "binary: \(quote(binary))\n" }
        out +=
            "targets:\n"
            + config.targets.map { entry -> String in
                var extra: [String] = []
                if let cgo = entry.cgo { extra.append("cgo: \(cgo)") }
                if let smoke = entry.smoke { extra.append("smoke: \(smoke)") }
                if let zig = entry.zigTarget { extra.append("zig_target: \(quote(zig))") }
                if !entry.env.isEmpty { extra.append("env: " + flowMap(entry.env)) }
                if extra.isEmpty { return "  - \(entry.target)\n" }
                return "  - { target: \(entry.target), \(extra.joined(separator: ", ")) }\n"
            }.joined()
        if !config.env.isEmpty {
            out += "env:\n" + config.env.sorted { $0.key < $1.key }.map { "  \($0.key): \(quote($0.value))\n" }.joined()
        }
        if !config.flags.isEmpty { out += "flags:\n" + list(config.flags) }
        if !config.ldflags.isEmpty { out += "ldflags:\n" + list(config.ldflags) }
        if !config.tags.isEmpty { out += "tags:\n" + list(config.tags) }
        let archive = config.archive
        out += "archive:\n"
        if let format = archive.format { out += "  format: \(format.rawValue)\n" }
        if !archive.formatOverrides.isEmpty {
            out += "  format_overrides:\n"
            out += archive.formatOverrides.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value.rawValue)\n" }
                .joined()
        }
        if !archive.files.isEmpty { out += "  files:\n" + list(archive.files, indent: "    ") }
        if let wrap = archive.wrapInDirectory {
            out += "  wrap_in_directory: \(wrap == ArchiveNaming.wrapLikeArchive ? "true" : quote(wrap))\n"
        }
        if let name = archive.nameTemplate { out += "  name_template: \(quote(name))\n" }
        out += "checksum:\n  name: \(quote(config.checksumName))\n"
        out += releaseSections(config)  // ShipdeckConfigWriter+Changelog.swift
        return out
    }

    static func list(_ items: [String], indent: String = "  ") -> String {
        items.map { "\(indent)- \(quote($0))\n" }.joined()
    }

    static func flowMap(_ map: [String: String]) -> String {
        "{ " + map.sorted { $0.key < $1.key }.map { "\($0.key): \(quote($0.value))" }.joined(separator: ", ") + " }"
    }

    /// Plain when YAML reads it back as the same string, double-quoted otherwise.
    static func quote(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=".contains($0) }
            && !["true", "false", "yes", "no", "null", "on", "off", "~"].contains(text.lowercased())
            && Double(text) == nil && !text.hasPrefix("-")
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
