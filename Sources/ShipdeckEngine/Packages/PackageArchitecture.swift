import Foundation

/// The architecture names Debian and rpm use for a Go target (as GoReleaser's nfpm maps them).
enum PackageArchitecture {
    /// `dpkg --print-architecture` spelling; nil when Debian has no port for the target.
    static func deb(_ target: BuildTarget) -> String? {
        switch (target.goarch, target.variant) {
        case ("amd64", _): "amd64"
        case ("386", _): "i386"
        case ("arm64", _): "arm64"
        case ("arm", "5"): "armel"
        case ("arm", "6"), ("arm", "7"), ("arm", nil): "armhf"
        case ("ppc64le", _): "ppc64el"
        case ("s390x", _): "s390x"
        case ("riscv64", _): "riscv64"
        case ("mips64le", _): "mips64el"
        case ("mipsle", _): "mipsel"
        case ("mips", _): "mips"
        case ("loong64", _): "loong64"
        default: nil
        }
    }

    /// `rpm --eval %_arch` spelling; nil when rpm has no name for the target.
    static func rpm(_ target: BuildTarget) -> String? {
        switch (target.goarch, target.variant) {
        case ("amd64", _): "x86_64"
        case ("386", _): "i686"
        case ("arm64", _): "aarch64"
        case ("arm", "5"): "armv5tel"
        case ("arm", "6"): "armv6hl"
        case ("arm", "7"), ("arm", nil): "armv7hl"
        case ("ppc64le", _): "ppc64le"
        case ("s390x", _): "s390x"
        case ("riscv64", _): "riscv64"
        case ("mips64le", _): "mips64el"
        case ("mipsle", _): "mipsel"
        case ("mips", _): "mips"
        case ("loong64", _): "loongarch64"
        default: nil
        }
    }

    /// The lead's archnum (rpmrc's arch_canon numbers); rpm ignores it, but writes it.
    static func rpmLeadNumber(_ arch: String) -> UInt16 {
        switch arch {
        case "x86_64", "i686": 1
        case "aarch64": 19
        case "armv5tel", "armv6hl", "armv7hl": 12
        case "ppc64le": 16
        case "s390x": 15
        case "mips", "mipsel", "mips64el": 4
        case "riscv64": 22
        default: 0
        }
    }
}
