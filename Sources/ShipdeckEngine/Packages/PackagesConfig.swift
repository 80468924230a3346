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
public struct PackagesConfig: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable { case deb, rpm }

    /// One extra file of the package.
    public struct Content: Sendable, Hashable {
        /// What the file is to the package manager.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case file
            /// A configuration file: dpkg's conffiles; rpm's %config.
            case config
            /// %config(noreplace) in rpm (a conffile in deb either way).
            case configNoReplace = "config|noreplace"
            case doc
            case license
        }

        /// Relative to the module (or absolute).
        public var source: String
        /// Absolute path on the installed system.
        public var destination: String
        public var kind: Kind = .file
        /// Permission bits; nil = 0755 when the source is executable, else 0644.
        public var mode: UInt16?
        /// Limit to one format.
        public var packager: Format?
        /// `packages.contents[N]`, for errors.
        public var key: String
        public var line: Int?

        public init(
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
    public struct Scripts: Sendable, Hashable {
        public var preinstall: String?
        public var postinstall: String?
        public var preremove: String?
        public var postremove: String?
        public init() {}

        static let keys = ["preinstall", "postinstall", "preremove", "postremove"]
    }

    /// Relationships to other packages, each `name`, `name (>= 1.0)` or `a | b` (alternatives).
    public struct Relations: Sendable, Hashable {
        public var depends: [String] = []
        public var recommends: [String] = []
        public var suggests: [String] = []
        public var conflicts: [String] = []
        public var provides: [String] = []
        public var replaces: [String] = []
        public init() {}

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

    public var formats: [Format] = Format.allCases
    /// Cells to package (`linux/amd64`, `linux/arm/7`); nil = every Linux cell.
    public var targets: [String]?
    public var name: String?
    public var bindir = "/usr/bin"
    public var maintainer: String?
    public var description: String?
    public var vendor: String?
    public var homepage: String?
    public var license: String?
    /// deb `Section`, rpm `Group`.
    public var section = "utils"
    public var priority = "optional"
    public var release = "1"
    public var epoch: String?
    public var relations = Relations()
    /// Per-format relation lists that replace the common ones (`overrides.rpm.depends`), by key.
    public var overrides: [Format: [String: [String]]] = [:]
    public var contents: [Content] = []
    public var scripts = Scripts()
    /// Where the section came from (`shipdeck.yml:12`), for errors found after reading.
    public var origin: String = "packages"

    public init() {}

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
