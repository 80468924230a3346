import Foundation

/// Zig as the C toolchain of cgo cells: `zig cc -target <triple>` / `zig c++ -target <triple>` as
/// CC and CXX, with CGO_ENABLED=1.
///
/// Linux targets default to musl (zig links them statically); a `zig_target:` such as
/// `x86_64-linux-gnu.2.28` selects glibc. Windows uses the MinGW (`-windows-gnu`) triples, darwin
/// the `-macos` ones. Zig's global cache and Go's build cache both lock their entries, so concurrent
/// cells can share them; the cache directory is set explicitly so `shipdeck plan` shows it.
package struct ZigToolchain: Sendable {
    package var path: String
    /// Where the zig was found (`zig:`, `$ZIG`, `PATH`, `python3 -m ziglang`), for the plan.
    package var foundBy: String

    /// Finds zig by, in order: the config's `zig:`, `$ZIG`, PATH, the PyPI `ziglang` package.
    package static func locate(config: String?, environment: [String: String], needingItFor target: BuildTarget) throws
        -> ZigToolchain
    {
        let candidates: [(String, String)] = [(config, "the config's zig:"), (environment["ZIG"], "$ZIG")]
            .compactMap { value, source in value.flatMap { $0.isEmpty ? nil : ($0, source) } }
        for (value, source) in candidates {
            if value.contains("/") {
                guard FileManager.default.isExecutableFile(atPath: value) else {
                    throw ShipdeckError(
                        .toolchain, "\(source) names \(value), which is not an executable zig",
                        hint: "point \(source) at the zig binary, or remove it to search PATH")
                }
                return ZigToolchain(path: value, foundBy: source)
            }
            guard let found = ProcessRunner.which(value, path: environment["PATH"]) else {
                throw ShipdeckError(.toolchain, "\(source) names '\(value)', which is not on PATH")
            }
            return ZigToolchain(path: found, foundBy: source)
        }
        if let found = ProcessRunner.which("zig", path: environment["PATH"]) {
            return ZigToolchain(path: found, foundBy: "PATH")
        }
        if let found = fromPythonPackage(environment: environment) {
            return ZigToolchain(path: found, foundBy: "the ziglang Python package")
        }
        throw ShipdeckError(
            .toolchain,
            "target \(target) has cgo: true, which needs zig as its C compiler, but no zig was found "
                + "(not in the config's zig:, $ZIG, PATH, or the ziglang Python package)",
            hint: "install zig (`python3 -m pip install ziglang`, or scripts/bootstrap), or set zig: in shipdeck.yml")
    }

    /// `python3 -c 'import ziglang …'`: where `pip install ziglang` put zig.
    static func fromPythonPackage(environment: [String: String]) -> String? {
        guard let python = ProcessRunner.which("python3", path: environment["PATH"]) else { return nil }
        let spec = ProcessSpec(
            executable: python,
            arguments: ["-c", "import ziglang, os; print(os.path.dirname(ziglang.__file__))"],
            environment: PlanBuilder.baseEnvironment(environment), workingDirectory: "/")
        guard let (result, output) = try? ProcessRunner.capture(spec), result.succeeded else { return nil }
        let zig = output.trimmingCharacters(in: .whitespacesAndNewlines) + "/zig"
        return FileManager.default.isExecutableFile(atPath: zig) ? zig : nil
    }

    /// zig's name for a GOARCH on Linux, with the ABI suffix musl needs.
    static func linuxTriple(_ target: BuildTarget) -> String? {
        switch target.goarch {
        case "amd64": return "x86_64-linux-musl"
        case "arm64": return "aarch64-linux-musl"
        case "386": return "x86-linux-musl"
        case "arm": return target.variant == "5" ? "arm-linux-musleabi" : "arm-linux-musleabihf"
        case "riscv64": return "riscv64-linux-musl"
        case "ppc64le": return "powerpc64le-linux-musl"
        case "s390x": return "s390x-linux-musl"
        case "loong64": return "loongarch64-linux-musl"
        case "mips", "mipsle":
            let arch = target.goarch == "mips" ? "mips" : "mipsel"
            return target.variant == "softfloat" ? "\(arch)-linux-musleabi" : "\(arch)-linux-musleabihf"
        case "mips64", "mips64le": return "\(target.goarch == "mips64" ? "mips64" : "mips64el")-linux-muslabi64"
        default: return nil
        }
    }

    /// The `-target` triple for a cgo target, or an error naming why zig cannot build it.
    package static func triple(for target: BuildTarget, override: String?, source: String) throws -> String {
        if let override, !override.isEmpty { return override }
        let triple: String?
        switch target.goos {
        case "linux": triple = linuxTriple(target)
        case "windows":
            triple =
                ["amd64": "x86_64-windows-gnu", "386": "x86-windows-gnu", "arm64": "aarch64-windows-gnu"][target.goarch]
        case "darwin":
            // zig compiles C for macOS, but Go's darwin runtime links -lresolv and system frameworks, which
            // zig does not ship without the macOS SDK: the link fails. Say so now rather than after a build.
            throw ShipdeckError(
                .target,
                "\(source): zig cannot link cgo binaries for \(target.pair) without the macOS SDK "
                    + "(Go's darwin runtime links -lresolv and system frameworks that zig does not ship)",
                hint: "drop cgo: for darwin targets (pure Go cross-compiles fine), build them on a Mac, or set "
                    + "zig_target: aarch64-macos / x86_64-macos and provide the SDK through CGO_LDFLAGS=--sysroot=…")
        default: triple = nil
        }
        guard let triple else {
            let known = "linux (amd64 arm64 386 arm riscv64 ppc64le s390x loong64 mips*) and windows (amd64 386 arm64)"
            throw ShipdeckError(
                .target, "\(source): zig does not know a C target for \(target.pair), so cgo: true cannot build it",
                hint:
                    "cgo through zig covers \(known); set zig_target: to a triple zig knows (`zig targets`), or drop cgo: for this target"
            )
        }
        return triple
    }

    /// CC, CXX, CGO_ENABLED and the shared zig cache for one cgo cell.
    package func environment(triple: String, base: [String: String]) -> [String: String] {
        let zig = path.contains(" ") ? "'\(path)'" : path
        var env = ["CGO_ENABLED": "1", "CC": "\(zig) cc -target \(triple)", "CXX": "\(zig) c++ -target \(triple)"]
        // Explicit (zig's own default spelled out) so the plan shows which cache the cells share.
        if let given = base["ZIG_GLOBAL_CACHE_DIR"], !given.isEmpty {
            env["ZIG_GLOBAL_CACHE_DIR"] = given
        } else if let cacheRoot = base["XDG_CACHE_HOME"] ?? base["HOME"].map({ $0 + "/.cache" }) {
            env["ZIG_GLOBAL_CACHE_DIR"] = cacheRoot + "/zig"
        }
        return env
    }

    /// What lets go's two links of a cgo build use one build of zig's libc instead of two.
    ///
    /// zig builds musl's libc.a, compiler_rt and its own libc parts once per target and per strip and
    /// PIC setting of the link that asks for them: the first time, about 1.3 min of 2 cores for x86_64
    /// and several for aarch64. go links twice: runtime/cgo's test link (`$CC -fPIC …`, then
    /// CGO_LDFLAGS; not -fPIC on windows) and the final link (-extldflags). Left alone, the first is not
    /// stripped and the second not PIC, and zig builds its libc once for each. With -fPIC on the final
    /// link (outside windows) and -s in CGO_LDFLAGS they ask for the same one. Measured on cgo-hello
    /// (linux/amd64 and linux/arm64) with empty go and zig caches: two libc builds instead of four,
    /// 110 s instead of 216 s. `cgoLDFLAGS` is the cell's CGO_LDFLAGS from its env, else go's default
    /// (-O2 -g; GOENV=off keeps `go env -w` out of builds). The test link does not need its symbols,
    /// and -trimpath keeps CGO_LDFLAGS out of the binary's build info.
    package static func sharedLibcLinkFlags(goos: String, cgoLDFLAGS: String?) -> (extldflags: String, cgoLDFLAGS: String?) {
        let extldflags = goos == "windows" ? "-s" : "\"-s -fPIC\""  // go splits -ldflags honouring quotes
        let given = cgoLDFLAGS ?? "-O2 -g"
        if given.split(separator: " ").contains("-s") { return (extldflags, nil) }
        return (extldflags, given.isEmpty ? "-s" : given + " -s")
    }

    /// What must be true of a target before zig is even looked for: Go must support cgo there.
    package static func checkGoSupportsCgo(_ target: BuildTarget, toolchain: GoToolchain, source: String) throws {
        if toolchain.ports[target.pair] == false {
            throw ShipdeckError(
                .target, "\(source): \(toolchain.version) has no cgo support for \(target.pair)",
                hint: "remove cgo: true from this target")
        }
    }

    /// Everything PlanBuilder needs for a cgo cell: its variables, or a clear error.
    package static func cellEnvironment(
        for target: BuildTarget, entry: TargetConfig, config: ShipdeckConfig,
        toolchain: GoToolchain, environment: [String: String],
        base: [String: String], source: String
    ) throws -> [String: String] {
        try checkGoSupportsCgo(target, toolchain: toolchain, source: source)
        let triple = try triple(for: target, override: entry.zigTarget, source: source)
        let zig = try locate(config: config.zig, environment: environment, needingItFor: target)
        return zig.environment(triple: triple, base: base)
    }
}
