import Foundation

/// Release notes in GoReleaser's `changelog:` format, from `git log --pretty=oneline` entries
/// (`<full hash> <subject>`): filtered, sorted, abbreviated, grouped. A pure value: `ChangelogSource`
/// reads git, this only formats.
package struct Changelog: Sendable, Equatable {
    /// The lines `git log --pretty=oneline` printed, newest first.
    package var entries: [String]

    package init(entries: [String]) { self.entries = entries }

    /// The message of an entry: everything after the first space.
    static func message(_ entry: String) -> String {
        entry.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
    }

    /// Applies `filters`: with `include` patterns, the entries matching each pattern in turn (an entry
    /// matching two patterns appears twice, as in GoReleaser); otherwise all but those `exclude` matches.
    package static func filter(_ entries: [String], config: ChangelogConfig) -> [String] {
        if !config.include.isEmpty {
            return config.include.flatMap { pattern in entries.filter { pattern.matches(message($0)) } }
        }
        return entries.filter { entry in !config.exclude.contains { $0.matches(message(entry)) } }
    }

    /// Sorts by message, byte-wise; entries with the same message keep git's order.
    package static func sort(_ entries: [String], _ sort: ChangelogConfig.Sort) -> [String] {
        guard sort != .none else { return entries }
        let keyed = entries.enumerated().map { (index: $0.offset, entry: $0.element, key: Array(message($0.element).utf8)) }
        return keyed.sorted { a, b in
            if a.key == b.key { return a.index < b.index }
            return sort == .asc ? a.key.lexicographicallyPrecedes(b.key) : b.key.lexicographicallyPrecedes(a.key)
        }.map(\.entry)
    }

    /// `abbrev`: 0 keeps the hash, -1 drops it, N keeps its first N characters.
    package static func abbreviate(_ entry: String, _ abbrev: Int) -> String {
        let parts = entry.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let hash = String(parts[0]), rest = parts.count > 1 ? String(parts[1]) : ""
        switch abbrev {
        case 0: return entry
        case ..<0: return rest
        default: return abbrev > hash.count ? entry : "\(hash.prefix(abbrev)) \(rest)"
        }
    }

    /// The Markdown text of dist/CHANGELOG.md.
    package func markdown(_ config: ChangelogConfig) -> String {
        let entries = Self.sort(Self.filter(entries, config: config), config.sort).map { Self.abbreviate($0, config.abbrev) }
        var lines = ["## Changelog"]
        if config.groups.isEmpty {
            lines += entries.filter { !$0.isEmpty }.map { "* " + $0 }
        } else {
            var left = entries
            var groups: [(title: String, order: Int, entries: [String])] = []
            for group in config.groups {
                var taken: [String] = []
                if let pattern = group.regexp {
                    var kept: [String] = []
                    for entry in left {
                        if pattern.matches(entry) { taken.append("* " + entry) } else { kept.append(entry) }
                    }
                    left = kept
                } else {
                    taken = left.filter { !$0.isEmpty }.map { "* " + $0 }
                    left = []
                }
                groups.append((group.title.isEmpty ? "" : "### " + group.title, group.order, taken))
                if left.isEmpty { break }
            }
            // Stable: groups with the same order keep the config's order.
            for group in groups.enumerated().sorted(by: { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) })
            where !group.element.entries.isEmpty {
                lines.append(group.element.title)
                lines += group.element.entries
            }
        }
        var text = lines.joined(separator: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }
}
