import Foundation
import ShipdeckModel

/// Finds a theme by name or path (`--theme`). Names are looked up in the theme folders first,
/// so a user can override a built-in theme, then among the built-in ones.
enum ThemeCatalog {
    /// Folders searched for `NAME.theme`, in order.
    static func folders(environment: [String: String]) -> [URL] {
        var folders: [URL] = []
        for path in (environment["SHIPDECK_THEMES"] ?? "").split(separator: ":") where !path.isEmpty {
            folders.append(URL(fileURLWithPath: String(path)))
        }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            folders.append(URL(fileURLWithPath: config).appendingPathComponent("shipdeck/themes"))
        } else if let home = environment["HOME"], !home.isEmpty {
            folders.append(URL(fileURLWithPath: home).appendingPathComponent(".config/shipdeck/themes"))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "shipdeck").resolvingSymlinksInPath()
        folders.append(executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/shipdeck/themes"))
        return folders
    }

    /// Loads the theme `spec` names (nil: the default theme).
    static func load(_ spec: String?, environment: [String: String]) throws -> Theme {
        let spec = spec?.trimmingWhitespace() ?? ""
        if spec.isEmpty { return builtin("default") }
        if spec.contains("/") || spec.hasSuffix(".theme") {
            return try loadFile(URL(fileURLWithPath: spec), source: spec)
        }
        for folder in folders(environment: environment) {
            let url = folder.appendingPathComponent("\(spec).theme")
            if FileManager.default.fileExists(atPath: url.path) { return try loadFile(url, source: url.path) }
        }
        if BuiltinThemes.text(spec) != nil { return builtin(spec) }
        let known = available(environment: environment)
        let near = Suggestions.closest(to: spec, in: known)
        throw ShipdeckError(.config, "there is no theme named `\(spec)`",
                            hint: (near.isEmpty ? "" : "did you mean \(near.map { "`\($0)`" }.joined(separator: " or "))? ")
                                + "themes: \(known.joined(separator: ", ")); or pass the path of a .theme file")
    }

    /// Every theme name that `load` would find.
    static func available(environment: [String: String]) -> [String] {
        var names = Set(BuiltinThemes.names)
        for folder in folders(environment: environment) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for file in files where file.hasSuffix(".theme") { names.insert(String(file.dropLast(6))) }
        }
        return names.sorted()
    }

    static func builtin(_ name: String) -> Theme {
        // The built-in texts are checked by tests; a parse failure here is a programming error.
        try! Theme.parse(BuiltinThemes.text(name)!, source: "\(name) (built in)")
    }

    static func loadFile(_ url: URL, source: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ShipdeckError(.config, "cannot read theme file \(source)",
                                hint: "pass a theme name (\(BuiltinThemes.names.joined(separator: ", "))) or the path of a readable .theme file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ShipdeckError(.config, "theme file \(source) is not UTF-8 text", hint: "see themes/README.md for the format")
        }
        return try Theme.parse(text, source: source)
    }
}
