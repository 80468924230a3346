import Foundation

/// What a Go binary says about how it was built: the module graph and build settings the linker
/// embeds, as `go version -m BINARY` prints them. Works for binaries of any GOOS/GOARCH.
///
/// ```
/// dist/hello: go1.22.3
/// 	path	example.com/hello
/// 	mod	example.com/hello	(devel)
/// 	dep	golang.org/x/text	v0.14.0	h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=
/// 	=>	../text	(devel)
/// 	build	-buildmode=exe
/// 	build	CGO_ENABLED=0
/// ```
package struct GoBuildInfo: Sendable, Equatable {
    /// One module: the main module, a dependency, or what a `replace` directive put in its place.
    package struct Module: Sendable, Equatable {
        package var path: String
        /// `v1.2.3`, a pseudo-version, or `(devel)` (the main module, local replacements).
        package var version: String
        /// The `h1:` dirhash, when Go recorded one (not for the main module or local replacements).
        package var sum: String?
        /// The module that replaced this one (`=>` line), which is what was actually compiled.
        package var replacement: Replacement?

        package init(path: String, version: String, sum: String? = nil, replacement: Replacement? = nil) {
            self.path = path
            self.version = version
            self.sum = sum
            self.replacement = replacement
        }

        /// A `replace` target: a module path with a version, or a local directory (version `(devel)` or none).
        package struct Replacement: Sendable, Equatable {
            package var path: String
            package var version: String?
            package var sum: String?
        }

        /// The version that identifies what was compiled: the replacement's when it has one.
        package var effectiveVersion: String {
            if let replacement, let version = replacement.version, version != "(devel)" { return version }
            return version
        }

        /// The checksum of what was compiled: a local replacement has none.
        package var effectiveSum: String? { replacement.map { $0.sum } ?? sum }
    }

    /// `go1.22.3`
    package var goVersion: String
    /// The main package's import path.
    package var path: String
    package var main: Module?
    package var dependencies: [Module]
    /// `build` lines in order: `-buildmode`, `CGO_ENABLED`, `GOOS`, `GOARCH`, `-ldflags` …
    package var settings: [(key: String, value: String)]

    package static func == (a: GoBuildInfo, b: GoBuildInfo) -> Bool {
        a.goVersion == b.goVersion && a.path == b.path && a.main == b.main && a.dependencies == b.dependencies
            && a.settings.map { "\($0.key)=\($0.value)" } == b.settings.map { "\($0.key)=\($0.value)" }
    }

    /// Runs `go version -m` on a binary and parses what it prints.
    package static func read(binary: URL, go: String, environment: [String: String]) throws -> GoBuildInfo {
        let spec = ProcessSpec(executable: go, arguments: ["version", "-m", binary.path], environment: environment,
                               workingDirectory: binary.deletingLastPathComponent().path)
        let (result, output) = try ProcessRunner.capture(spec)
        guard result.succeeded else {
            throw ShipdeckError(.process, "`go version -m \(binary.lastPathComponent)` failed (\(result.summary)): "
                                + UntrustedText.escape(String(output.suffix(300))),
                                hint: "the SBOM is made from the build information Go embeds; is \(go) a Go toolchain?")
        }
        return try parse(output, file: binary.lastPathComponent)
    }

    /// Parses `go version -m` output for one file.
    package static func parse(_ text: String, file: String) throws -> GoBuildInfo {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty, let colon = lines[0].range(of: ": ", options: .backwards) else {
            throw ShipdeckError(.process, "`go version -m \(file)` printed no build information",
                                hint: "the binary must be built by the go command (not stripped of its buildinfo)")
        }
        let goVersion = String(lines.removeFirst()[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
        var info = GoBuildInfo(goVersion: goVersion, path: "", main: nil, dependencies: [], settings: [])
        /// Where the last `mod`/`dep` went, so an `=>` line can attach to it.
        enum Last { case none, main, dependency }
        var last = Last.none
        for line in lines {
            guard line.hasPrefix("\t") else { continue }
            // Fields are tab-separated; the last one may be empty (`mod	path	(devel)	`).
            let fields = line.dropFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let kind = fields.first else { continue }
            func field(_ i: Int) -> String? { i < fields.count && !fields[i].isEmpty ? fields[i] : nil }
            switch kind {
            case "path":
                info.path = field(1) ?? ""
            case "mod", "dep":
                guard let path = field(1) else { continue }
                let module = Module(path: path, version: field(2) ?? "(devel)", sum: field(3))
                if kind == "mod" {
                    info.main = module
                    last = .main
                } else {
                    info.dependencies.append(module)
                    last = .dependency
                }
            case "=>":
                guard let path = field(1) else { continue }
                let replacement = Module.Replacement(path: path, version: field(2), sum: field(3))
                switch last {
                case .main: info.main?.replacement = replacement
                case .dependency: info.dependencies[info.dependencies.count - 1].replacement = replacement
                case .none: break
                }
            case "build":
                guard field(1) != nil else { continue }
                info.settings.append(parseSetting(fields.dropFirst().joined(separator: "\t")))
            default:
                continue
            }
        }
        return info
    }

    /// `KEY=VALUE`, where Go quotes a value (or key) holding spaces, tabs, quotes or `=` (strconv.Quote).
    static func parseSetting(_ text: String) -> (key: String, value: String) {
        var rest = Substring(text)
        let key: String
        if rest.first == "\"", let (unquoted, after) = unquote(rest) {
            key = unquoted
            rest = after
        } else if let eq = rest.firstIndex(of: "=") {
            key = String(rest[..<eq])
            rest = rest[eq...]
        } else {
            return (text, "")
        }
        guard rest.first == "=" else { return (key, String(rest)) }
        rest = rest.dropFirst()
        if rest.first == "\"", let (value, _) = unquote(rest) { return (key, value) }
        return (key, String(rest))
    }

    /// A Go double-quoted string at the start of `text`: its value and what follows it.
    static func unquote(_ text: Substring) -> (String, Substring)? {
        var out = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" { return (out, text[text.index(after: index)...]) }
            if c == "\\" {
                index = text.index(after: index)
                guard index < text.endIndex else { return nil }
                switch text[index] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                case "x", "u", "U":
                    let width = text[index] == "x" ? 2 : text[index] == "u" ? 4 : 8
                    let start = text.index(after: index)
                    guard let end = text.index(start, offsetBy: width, limitedBy: text.endIndex),
                          let code = UInt32(text[start..<end], radix: 16), let scalar = Unicode.Scalar(code)
                    else { return nil }
                    out.unicodeScalars.append(scalar)
                    index = text.index(before: end)
                default: out.append(text[index])
                }
            } else {
                out.append(c)
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The build information of a universal binary from that of its slices: the first slice's
    /// toolchain and main module, every module of any slice once, and every distinct setting in order
    /// (so `GOARCH=amd64` and `GOARCH=arm64` both appear).
    package static func merged(_ slices: [GoBuildInfo]) -> GoBuildInfo? {
        guard var merged = slices.first else { return nil }
        for slice in slices.dropFirst() {
            for module in slice.dependencies where !merged.dependencies.contains(module) {
                merged.dependencies.append(module)
            }
            for setting in slice.settings where !merged.settings.contains(where: { $0 == setting }) {
                merged.settings.append(setting)
            }
        }
        return merged
    }

    /// The value of one build setting (`GOOS`, `CGO_ENABLED`, `-ldflags`).
    package func setting(_ key: String) -> String? { settings.first { $0.key == key }?.value }

    /// An `h1:` sum as lowercase hex (the SHA-256 it encodes), or nil when it is not one.
    package static func hexDigest(ofH1 sum: String) -> String? {
        guard sum.hasPrefix("h1:"), let data = Data(base64Encoded: String(sum.dropFirst(3))), data.count == 32 else {
            return nil
        }
        return FileDigest.hex(data)
    }
}
