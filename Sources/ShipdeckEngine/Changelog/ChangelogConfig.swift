import Foundation

/// `changelog:` (GoReleaser's section, with its semantics): release notes from `git log` between the
/// previous tag and this one, written as dist/CHANGELOG.md.
///
/// ```yaml
/// changelog:
///   use: git                 # the only source Shipdeck reads (no network)
///   sort: asc                # asc | desc | "" (git's order)
///   abbrev: 7                # 0: full hash (default), -1: no hash, N: the first N characters
///   filters:
///     exclude: ['^docs:', '^test:']   # drop entries whose message matches
///     include: []                     # when set, keep only entries matching one of these
///   groups:
///     - { title: Features, regexp: '^.*?feat(\(.+\))??!?:.+$', order: 0 }
///     - { title: Others, order: 999 }  # no regexp: everything left
/// ```
package struct ChangelogConfig: Sendable, Hashable {
    package enum Sort: String, Sendable, CaseIterable {
        case none = "", asc, desc
    }

    package struct Group: Sendable, Hashable {
        package var title: String
        /// Matched against the whole entry (`<hash> <message>`, after `abbrev`), as GoReleaser does.
        package var regexp: ChangelogPattern?
        package var order: Int

        package init(title: String, regexp: ChangelogPattern? = nil, order: Int = 0) {
            self.title = title
            self.regexp = regexp
            self.order = order
        }
    }

    package var disable = false
    package var sort = Sort.none
    package var abbrev = 0
    /// Matched against the commit message (the entry without its hash).
    package var include: [ChangelogPattern] = []
    package var exclude: [ChangelogPattern] = []
    package var groups: [Group] = []

    package init() {}
}

/// A regular expression from the config, checked when the config is read. Go's RE2 syntax is taken
/// as written except `(?P<name>…)`, which ICU spells `(?<name>…)`.
package struct ChangelogPattern: Sendable, Hashable {
    package var source: String

    /// Compiles `source`; the error says which key holds it and what is wrong.
    package init(_ source: String, key: String) throws {
        self.source = source
        _ = try Self.compile(source, key: key)
    }

    func regex() -> NSRegularExpression {
        // Checked in init: it compiles.
        try! Self.compile(source, key: "")
    }

    func matches(_ text: String) -> Bool {
        regex().firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func compile(_ source: String, key: String) throws -> NSRegularExpression {
        let translated = source.replacingOccurrences(of: "(?P<", with: "(?<")
        do {
            return try NSRegularExpression(pattern: translated)
        } catch {
            throw ShipdeckError(.config, "\(key): '\(UntrustedText.escape(source))' is not a valid regular expression",
                                hint: "fix the pattern (Go regexp syntax, e.g. '^feat:' or '(?i)fix'); quote it in single quotes in YAML")
        }
    }
}
