import Foundation
import Yams

extension ConfigReader {
    static let changelogKeys = ["disable", "use", "sort", "abbrev", "filters", "groups"]

    /// `changelog:`. Every regular expression is compiled here, so a bad one fails before anything builds.
    /// - Parameter unsupported: set by the GoReleaser import: keys and `use:` values Shipdeck does not
    ///   support are passed to it (and become warnings) instead of failing.
    func changelog(_ node: Node, unsupported: ((String) -> Void)? = nil) throws -> ChangelogConfig {
        var config = ChangelogConfig()
        if case .scalar = node, node.string?.isEmpty != false { return config }  // `changelog:` with nothing under it
        for (k, v) in try mapping(node, key: "changelog") {
            let key = "changelog.\(k.string ?? "?")"
            switch k.string {
            case "disable": config.disable = try bool(v, key: key)
            case "use":
                let use = try string(v, key: key)
                guard use.isEmpty || use == "git" else {
                    if let unsupported {
                        unsupported("\(key): \(UntrustedText.escape(use)) (the changelog is read from git)")
                        continue
                    }
                    throw error(key, at: v, "'\(UntrustedText.escape(use))' is not supported: Shipdeck reads the changelog from git",
                                hint: "use: git (or leave it out)")
                }
            case "sort":
                let text = try string(v, key: key)
                guard let sort = ChangelogConfig.Sort(rawValue: text) else {
                    throw error(key, at: v, "unknown sort '\(UntrustedText.escape(text))'", hint: "use asc, desc, or leave it out for git's order")
                }
                config.sort = sort
            case "abbrev":
                guard let n = Int(try string(v, key: key)), n >= -1 else {
                    throw error(key, at: v, "expected a whole number of hash characters",
                                hint: "0 keeps the full hash, -1 drops it, 7 keeps seven characters")
                }
                config.abbrev = n
            case "filters":
                for (fk, fv) in try mapping(v, key: key) {
                    let filterKey = "\(key).\(fk.string ?? "?")"
                    switch fk.string {
                    case "include": config.include = try patterns(fv, key: filterKey)
                    case "exclude": config.exclude = try patterns(fv, key: filterKey)
                    default: throw unknownKey(filterKey, at: fk, known: ["include", "exclude"])
                    }
                }
            case "groups":
                guard case .sequence(let items) = v else { throw error(key, at: v, "expected a list of groups") }
                config.groups = try items.enumerated().map { index, item in try group(item, key: "\(key)[\(index)]") }
            default:
                if let unsupported {
                    unsupported(key)
                    continue
                }
                throw unknownKey(key, at: k, known: Self.changelogKeys)
            }
        }
        return config
    }

    private func group(_ node: Node, key: String) throws -> ChangelogConfig.Group {
        var group = ChangelogConfig.Group(title: "")
        for (k, v) in try mapping(node, key: key) {
            let groupKey = "\(key).\(k.string ?? "?")"
            switch k.string {
            case "title": group.title = try string(v, key: groupKey)
            case "regexp":
                let text = try string(v, key: groupKey)
                group.regexp = text.isEmpty ? nil : try pattern(text, at: v, key: groupKey)
            case "order":
                guard let order = Int(try string(v, key: groupKey)) else {
                    throw error(groupKey, at: v, "expected a whole number", hint: "groups are shown by ascending order")
                }
                group.order = order
            default: throw unknownKey(groupKey, at: k, known: ["title", "regexp", "order"])
            }
        }
        return group
    }

    private func patterns(_ node: Node, key: String) throws -> [ChangelogPattern] {
        guard case .sequence(let items) = node else {
            return try strings(node, key: key).map { try pattern($0, at: node, key: key) }
        }
        return try items.map { try pattern(try string($0, key: key), at: $0, key: key) }
    }

    /// A pattern whose error names the file and line.
    private func pattern(_ text: String, at node: Node, key: String) throws -> ChangelogPattern {
        do {
            return try ChangelogPattern(text, key: key)
        } catch let failure as ShipdeckError {
            let line = node.mark.map { ":\($0.line)" } ?? ""
            throw ShipdeckError(failure.code, "\(file)\(line): \(failure.message)", hint: failure.hint)
        }
    }
}
