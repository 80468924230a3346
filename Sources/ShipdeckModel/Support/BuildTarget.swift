import Foundation

/// One GOOS/GOARCH pair, with an optional architecture variant (`arm/7`, `amd64/v3`).
public struct BuildTarget: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public var goos: String
    public var goarch: String
    /// The variant value as the go command takes it: `7` for GOARM, `v3` for GOAMD64, and so on.
    public var variant: String?

    public init(goos: String, goarch: String, variant: String? = nil) {
        self.goos = goos
        self.goarch = goarch
        self.variant = (variant?.isEmpty ?? true) ? nil : variant
    }

    /// Parses `goos/goarch[/variant]`.
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(goos: String(parts[0]), goarch: String(parts[1]), variant: parts.count == 3 ? String(parts[2]) : nil)
    }

    /// `linux/arm/7`: the cell id used in events, the journal and the command line.
    public var description: String {
        variant.map { "\(goos)/\(goarch)/\($0)" } ?? "\(goos)/\(goarch)"
    }

    public var pair: String { "\(goos)/\(goarch)" }

    /// The environment variable that carries the variant for this GOARCH, if it has one.
    public var variantVariable: String? {
        switch goarch {
        case "arm": return "GOARM"
        case "amd64": return "GOAMD64"
        case "arm64": return "GOARM64"
        case "386": return "GO386"
        case "mips", "mipsle": return "GOMIPS"
        case "mips64", "mips64le": return "GOMIPS64"
        case "ppc64", "ppc64le": return "GOPPC64"
        case "riscv64": return "GORISCV64"
        default: return nil
        }
    }

    /// The values the go command accepts for this GOARCH's variant variable.
    public var allowedVariants: [String] {
        switch goarch {
        case "arm": return ["5", "6", "7"]
        case "amd64": return ["v1", "v2", "v3", "v4"]
        case "arm64": return ["v8.0", "v8.1", "v8.2", "v8.3", "v8.4", "v8.5", "v8.6", "v8.7", "v8.8", "v8.9",
                              "v9.0", "v9.1", "v9.2", "v9.3", "v9.4", "v9.5"]
        case "386": return ["sse2", "softfloat"]
        case "mips", "mipsle", "mips64", "mips64le": return ["hardfloat", "softfloat"]
        case "ppc64", "ppc64le": return ["power8", "power9", "power10"]
        case "riscv64": return ["rva20u64", "rva22u64", "rva23u64"]
        default: return []
        }
    }

    /// The architecture as GoReleaser writes it in file names: `armv7`, `amd64v3` (v1 omitted),
    /// `mips_softfloat`; other variants are appended as they are.
    public var archInFileName: String {
        guard let variant else { return goarch }
        switch goarch {
        case "arm": return "armv\(variant)"
        case "amd64": return variant == "v1" ? goarch : "amd64\(variant)"
        case "mips", "mipsle", "mips64", "mips64le": return "\(goarch)_\(variant)"
        case "386": return variant == "sse2" ? goarch : "\(goarch)_\(variant)"
        default: return "\(goarch)\(variant)"
        }
    }

    /// The executable suffix of the target OS.
    public var executableSuffix: String { goos == "windows" ? ".exe" : "" }

    public static func < (a: BuildTarget, b: BuildTarget) -> Bool {
        (a.goos, a.goarch, a.variant ?? "") < (b.goos, b.goarch, b.variant ?? "")
    }

    /// The zero-config matrix.
    public static let defaults: [BuildTarget] = [
        .init(goos: "linux", goarch: "amd64"), .init(goos: "linux", goarch: "arm64"),
        .init(goos: "darwin", goarch: "amd64"), .init(goos: "darwin", goarch: "arm64"),
        .init(goos: "windows", goarch: "amd64"),
    ]
}
