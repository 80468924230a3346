import Foundation
import Testing
@testable import ShipdeckEngine

/// GoReleaser's `changelog:` semantics (internal/pipe/changelog): filters on the message, sort by
/// message, abbreviated hashes, groups matched against the whole entry and shown by order.
@Suite struct ChangelogTests {
    static let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)
    static let c = String(repeating: "c", count: 40), d = String(repeating: "d", count: 40)
    static let entries = ["\(a) fix: crash on empty input", "\(b) docs: readme", "\(c) feat(api): add list",
                          "\(d) Merge branch 'feature'"]

    func config(_ yaml: String) throws -> ChangelogConfig {
        try #require(try ConfigReader(file: "/m/shipdeck.yml").parse(yaml).changelog)
    }

    @Test func withoutOptionsEveryEntryInGitsOrderWithItsFullHash() {
        let text = Changelog(entries: Self.entries).markdown(ChangelogConfig())
        #expect(text == "## Changelog\n" + Self.entries.map { "* \($0)" }.joined(separator: "\n") + "\n")
    }

    @Test func excludeFiltersOnTheMessageAndSortIsByMessage() throws {
        let config = try config("changelog:\n  sort: asc\n  abbrev: 7\n  filters:\n    exclude: ['^docs:', '^Merge']\n")
        #expect(Changelog(entries: Self.entries).markdown(config) == """
            ## Changelog
            * ccccccc feat(api): add list
            * aaaaaaa fix: crash on empty input

            """)
        var desc = config
        desc.sort = .desc
        desc.abbrev = -1
        #expect(Changelog(entries: Self.entries).markdown(desc) == "## Changelog\n* fix: crash on empty input\n* feat(api): add list\n")
    }

    @Test func includeKeepsOnlyMatchesPatternByPattern() throws {
        let config = try config("changelog:\n  abbrev: -1\n  filters:\n    include: ['^feat', '^fix', 'add']\n")
        // GoReleaser appends each include pattern's matches in turn: "feat(api): add list" matches two.
        #expect(Changelog(entries: Self.entries).markdown(config)
                == "## Changelog\n* feat(api): add list\n* fix: crash on empty input\n* feat(api): add list\n")
    }

    @Test func groupsTakeMatchesInConfigOrderAndShowByOrderWithoutEmptyOnes() throws {
        let config = try config(#"""
            changelog:
              abbrev: 4
              groups:
                - title: Others
                  order: 999
                - title: Features
                  regexp: '^.*?feat(\([[:word:]]+\))??!?:.+$'
                  order: 0
                - title: Bug fixes
                  regexp: '^.*?fix(\([[:word:]]+\))??!?:.+$'
                  order: 1
                - title: Never
                  regexp: 'nothing matches this'
                  order: 2
            """#)
        // The group without regexp comes first in the config, so it takes everything (GoReleaser's rule).
        #expect(Changelog(entries: Self.entries).markdown(config)
                == "## Changelog\n### Others\n" + Self.entries.map { "* \($0.prefix(4)) \($0.dropFirst(41))" }.joined(separator: "\n") + "\n")
        var reordered = config
        reordered.groups = [config.groups[1], config.groups[2], config.groups[3], config.groups[0]]
        #expect(Changelog(entries: Self.entries).markdown(reordered) == """
            ## Changelog
            ### Features
            * cccc feat(api): add list
            ### Bug fixes
            * aaaa fix: crash on empty input
            ### Others
            * bbbb docs: readme
            * dddd Merge branch 'feature'

            """)
    }

    @Test func groupRegexpsSeeTheHashUnlessAbbrevDropsIt() throws {
        var config = try config("changelog:\n  groups:\n    - { title: Fixes, regexp: '^fix' }\n")
        #expect(!Changelog(entries: Self.entries).markdown(config).contains("### Fixes"))
        config.abbrev = -1
        #expect(Changelog(entries: Self.entries).markdown(config) == "## Changelog\n### Fixes\n* fix: crash on empty input\n")
    }

    @Test func anInvalidGroupRegexpNamesTheKeyFileAndLine() {
        let yaml = "changelog:\n  groups:\n    - title: Features\n      regexp: '^feat('\n"
        let error = #expect(throws: ShipdeckError.self) { try ConfigReader(file: "/m/shipdeck.yml").parse(yaml) }
        #expect(error?.message.contains("/m/shipdeck.yml:4: changelog.groups[0].regexp: '^feat(' is not a valid regular expression") == true,
                "\(error?.message ?? "")")
        #expect(error?.code == .config)
    }

    @Test func badSortAbbrevUseAndUnknownKeysAreNamed() {
        let reader = ConfigReader(file: "/m/shipdeck.yml")
        for (yaml, expected) in [("changelog: { sort: up }", "changelog.sort: unknown sort 'up'"),
                                 ("changelog: { abbrev: x }", "changelog.abbrev"),
                                 ("changelog: { use: github }", "changelog.use: 'github' is not supported"),
                                 ("changelog: { filters: { exclude: ['('] } }", "changelog.filters.exclude: '(' is not a valid"),
                                 ("changelog: { grups: [] }", "unknown key 'grups'")] {
            let error = #expect(throws: ShipdeckError.self) { try reader.parse(yaml) }
            #expect(error?.message.contains(expected) == true, "\(yaml): \(error?.message ?? "")")
        }
    }

    @Test func goReleaserPatternsWithNamedGroupsCompile() throws {
        let pattern = try ChangelogPattern("^(?P<kind>feat|fix):", key: "k")
        #expect(pattern.matches("feat: x"))
        #expect(!pattern.matches("docs: x"))
    }

    @Test func goReleaserImportReadsChangelogAndUniversalBinariesAndWarnsForTheRest() throws {
        let config = try GoReleaserImport.parse("""
            changelog:
              use: github
              format: "{{ .SHA }}"
              sort: desc
              groups: [{ title: Features, regexp: '^.*feat', order: 1 }]
            universal_binaries:
              - replace: true
                hooks: { post: echo }
            """, file: ".goreleaser.yaml", defaultProject: "tool")
        #expect(config.changelog?.sort == .desc)
        #expect(config.changelog?.groups.map(\.title) == ["Features"])
        #expect(config.universalBinaries?.replace == true)
        #expect(config.universalBinaries?.nameTemplate == "{{ .ProjectName }}")
        let warnings = config.warnings.joined(separator: "\n")
        #expect(warnings.contains("changelog.use: github"), "\(warnings)")
        #expect(warnings.contains("changelog.format"), "\(warnings)")
        // A release from a GoReleaser config makes no universal binary yet (docs/goreleaser.md): the
        // whole section is listed; the translation to shipdeck.yml keeps it (below).
        #expect(warnings.contains("universal_binaries is not supported"), "\(warnings)")
        let text = ShipdeckConfigWriter.yaml(config)
        let reread = try ConfigReader(file: "shipdeck.yml").parse(text)
        #expect(reread.changelog == config.changelog)
        #expect(reread.universalBinaries?.replace == true)
        #expect(reread.universalBinaries?.nameTemplate == config.universalBinaries?.nameTemplate)
    }
}
