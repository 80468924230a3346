import Foundation

/// `packages:` in shipdeck.yml: a .deb and an .rpm per Linux cell, written by Shipdeck itself
/// (what GoReleaser's `nfpms:` makes; `GoReleaserImport+NFPM.swift` reads that section into this).
///
/// ```yaml
/// packages:
///   formats: [deb, rpm]              # default: both
///   name: hello                      # default: the project name
///   bindir: /usr/bin                 # where the binary goes
///   maintainer: Jane Doe <jane@example.com>
///   description: Says hello.         # first line is the summary
///   vendor: Example Inc.
///   homepage: https://example.com/hello
///   license: MIT
///   release: "1"                     # the deb revision and the rpm release
///   depends: [libc6 (>= 2.28)]       # also recommends, suggests, conflicts, provides, replaces
///   contents:
///     - { src: packaging/hello.yaml, dst: /etc/hello/hello.yaml, type: config|noreplace }
///     - { src: packaging/hello.service, dst: /lib/systemd/system/hello.service }
///     - { src: LICENSE, dst: /usr/share/doc/hello/copyright, type: license }
///   scripts: { postinstall: packaging/postinst.sh, preremove: packaging/prerm.sh }
///   overrides: { rpm: { depends: [glibc] } }
/// ```
package struct PackagesConfig: Sendable, Hashable {
    package enum Format: String, Sendable, Hashable, CaseIterable { case deb, rpm }

    /// One extra file of the package.
    package struct Content: Sendable, Hashable {
        /// What the file is to the package manager.
        package enum Kind: String, Sendable, Hashable, CaseIterable {
            case file
            /// A configuration file: dpkg's conffiles; rpm's %config.
            case config
            /// %config(noreplace) in rpm (a conffile in deb either way).
            case configNoReplace = "config|noreplace"
            case doc
            case license
        }

        /// Relative to the module (or absolute).
        package var source: String
        /// Absolute path on the installed system.
        package var destination: String
        package var kind: Kind = .file
        /// Permission bits; nil = 0755 when the source is executable, else 0644.
        package var mode: UInt16?
        /// Limit to one format.
        package var packager: Format?
        /// `packages.contents[N]`, for errors.
        package var key: String
        package var line: Int?

        package init(
            source: String, destination: String, kind: Kind = .file, mode: UInt16? = nil,
            packager: Format? = nil, key: String, line: Int? = nil
        ) {
            self.source = source
            self.destination = destination
            self.kind = kind
            self.mode = mode
            self.packager = packager
            self.key = key
            self.line = line
        }
    }

    /// The maintainer scripts (files in the module).
    package struct Scripts: Sendable, Hashable {
        package var preinstall: String?
        package var postinstall: String?
        package var preremove: String?
        package var postremove: String?
        package init() {}

        static let keys = ["preinstall", "postinstall", "preremove", "postremove"]
    }

    /// Relationships to other packages, each `name`, `name (>= 1.0)` or `a | b` (alternatives).
    package struct Relations: Sendable, Hashable {
        package var depends: [String] = []
        package var recommends: [String] = []
        package var suggests: [String] = []
        package var conflicts: [String] = []
        package var provides: [String] = []
        package var replaces: [String] = []
        package init() {}

        static let keys = ["depends", "recommends", "suggests", "conflicts", "provides", "replaces"]

        subscript(key: String) -> [String] {
            get { all.first { $0.key == key }?.values ?? [] }
            set {
                switch key {
                case "depends": depends = newValue
                case "recommends": recommends = newValue
                case "suggests": suggests = newValue
                case "conflicts": conflicts = newValue
                case "provides": provides = newValue
                case "replaces": replaces = newValue
                default: break
                }
            }
        }

        /// Each field with its config key, in a fixed order.
        var all: [(key: String, values: [String])] {
            [
                ("depends", depends), ("recommends", recommends), ("suggests", suggests), ("conflicts", conflicts),
                ("provides", provides), ("replaces", replaces),
            ]
        }
    }

    package var formats: [Format] = Format.allCases
    /// Cells to package (`linux/amd64`, `linux/arm/7`); nil = every Linux cell.
    package var targets: [String]?
    package var name: String?
    package var bindir = "/usr/bin"
    package var maintainer: String?
    package var description: String?
    package var vendor: String?
    package var homepage: String?
    package var license: String?
    /// deb `Section`, rpm `Group`.
    package var section = "utils"
    package var priority = "optional"
    package var release = "1"
    package var epoch: String?
    package var relations = Relations()
    /// Per-format relation lists that replace the common ones (`overrides.rpm.depends`), by key.
    package var overrides: [Format: [String: [String]]] = [:]
    package var contents: [Content] = []
    package var scripts = Scripts()
    /// Where the section came from (`shipdeck.yml:12`), for errors found after reading.
    package var origin: String = "packages"

    package init() {}

    static let keys =
        [
            "formats", "targets", "name", "bindir", "maintainer", "description", "vendor", "homepage", "license",
            "section",
            "priority", "release", "epoch", "contents", "scripts", "overrides",
        ] + Relations.keys

    /// The relations of one format: each list its override gives replaces the common one.
    func relations(for format: Format) -> Relations {
        var merged = relations
        for (key, values) in overrides[format] ?? [:] { merged[key] = values }
        return merged
    }
}
