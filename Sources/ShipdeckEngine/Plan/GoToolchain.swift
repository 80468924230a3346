import Foundation

/// The Go toolchain a release uses: where it is, what version it is, which ports it knows.
package struct GoToolchain: Sendable, Codable {
    package var path: String
    /// `go1.27.3`
    package var version: String
    /// Every `goos/goarch` that `go tool dist list` knows, with whether cgo is supported there.
    package var ports: [String: Bool]
    package var hostTarget: BuildTarget

    /// Finds go by, in order: the `--go` flag, `$GO`, the config's `go:`, PATH.
    package static func locate(flag: String?, environment: [String: String], config: String?) throws -> String {
        let candidates: [(String, String)] = [
            (flag, "--go"), (environment["GO"], "$GO"), (config, "the config's go:"),
        ].compactMap { value, source in value.flatMap { $0.isEmpty ? nil : ($0, source) } }
        for (value, source) in candidates {
            if value.contains("/") {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), isDirectory.boolValue {
                    let inside = ["bin/go", "go"].map { (value as NSString).appendingPathComponent($0) }
                        .first { path in
                            var dir: ObjCBool = false
                            return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
                                && FileManager.default.isExecutableFile(atPath: path)
                        }
                    throw ShipdeckError(.toolchain, "\(source) names \(value), which is a directory, not the go binary",
                                        hint: inside.map { "did you mean \(source) \($0)?" }
                                            ?? "point \(source) at the go binary itself (for example /usr/local/go/bin/go)")
                }
                guard FileManager.default.isExecutableFile(atPath: value) else {
                    throw ShipdeckError(.toolchain, "\(source) names \(value), which is not an executable Go toolchain",
                                        hint: "point \(source) at the go binary (for example /usr/local/go/bin/go)")
                }
                return value
            }
            guard let found = ProcessRunner.which(value, path: environment["PATH"]) else {
                throw ShipdeckError(.toolchain, "\(source) names '\(value)', which is not on PATH")
            }
            return found
        }
        if let found = ProcessRunner.which("go", path: environment["PATH"]) { return found }
        throw ShipdeckError(.toolchain, "no Go toolchain found: go is not on PATH and neither --go nor $GO is set",
                            hint: "run scripts/bootstrap to install Go, or pass --go /path/to/go")
    }

    /// Asks `go` for its version and ports (`go env`, `go tool dist list -json`), or reads the answer
    /// cached for this exact binary (path, size and mtime) under `$XDG_CACHE_HOME/shipdeck/toolchains`:
    /// the two commands cost more than the rest of planning together.
    package static func inspect(path: String, environment: [String: String], directory: String) throws -> GoToolchain {
        let cache = ToolchainCache(goPath: path, environment: environment)
        if let cached = cache?.load() { return cached }
        let toolchain = try inspectUncached(path: path, environment: environment, directory: directory)
        cache?.store(toolchain)
        return toolchain
    }

    static func inspectUncached(path: String, environment: [String: String], directory: String) throws -> GoToolchain {
        var env = environment
        env["GOTOOLCHAIN"] = "local"
        env["GOFLAGS"] = nil
        func run(_ args: [String]) throws -> String {
            let spec = ProcessSpec(executable: path, arguments: args, environment: env, workingDirectory: directory)
            let (result, output) = try ProcessRunner.capture(spec)
            guard result.succeeded else {
                throw ShipdeckError(.toolchain, "\(path) \(args.joined(separator: " ")) failed (\(result.summary)):\n\(output.suffix(800))",
                                    hint: "check that \(path) is a working Go toolchain")
            }
            return output
        }
        let envOutput = try run(["env", "GOVERSION", "GOHOSTOS", "GOHOSTARCH"])
        let envLines = envOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func isWord(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._-+".unicodeScalars.contains($0) }
        }
        guard envLines.count >= 3, envLines[0].hasPrefix("go") || envLines[0].hasPrefix("devel"),
              envLines[0].unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }),
              isWord(envLines[1]), isWord(envLines[2]), envLines[1...2].allSatisfy({ $0.unicodeScalars.allSatisfy(\.isASCII) }) else {
            throw ShipdeckError(
                .toolchain,
                "\(path) env GOVERSION GOHOSTOS GOHOSTARCH printed something that is not three lines like go1.24.2 / linux / amd64: it printed \(Self.firstBytes(envOutput))",
                hint: "check that \(path) is the go binary itself (a wrapper script must print go's own output unchanged)")
        }
        let distJSON = try run(["tool", "dist", "list", "-json"])
        struct Port: Decodable { var GOOS: String; var GOARCH: String; var CgoSupported: Bool }
        let list: [Port]
        do {
            list = try JSONDecoder().decode([Port].self, from: Data(distJSON.utf8))
        } catch {
            throw ShipdeckError(
                .toolchain,
                "\(path) tool dist list -json printed something that is not a JSON list of ports ({\"GOOS\": …, \"GOARCH\": …, \"CgoSupported\": …}): it printed \(Self.firstBytes(distJSON))",
                hint: "check that \(path) is a working Go toolchain (run `\(path) tool dist list -json` yourself)")
        }
        guard !list.isEmpty else {
            throw ShipdeckError(.toolchain, "\(path) tool dist list -json printed an empty list of ports",
                                hint: "check that \(path) is a working Go toolchain")
        }
        return GoToolchain(path: path, version: envLines[0],
                           ports: Dictionary(list.map { ("\($0.GOOS)/\($0.GOARCH)", $0.CgoSupported) }, uniquingKeysWith: { a, _ in a }),
                           hostTarget: BuildTarget(goos: envLines[1], goarch: envLines[2]))
    }

    /// The first bytes a child printed, quoted and escaped, for an error message.
    static func firstBytes(_ text: String, limit: Int = 120) -> String {
        if text.isEmpty { return "nothing" }
        let head = String(text.prefix(limit))
        let shown = head.split(separator: "\n", omittingEmptySubsequences: false).map { UntrustedText.escape(String($0)) }
            .joined(separator: "\\n")
        return "\"\(shown)\"" + (text.count > limit ? "… (\(text.utf8.count) bytes)" : "")
    }

    /// Checks a target against the ports this Go knows; the error names the nearest valid ones.
    package func validate(_ target: BuildTarget, source: String) throws {
        guard ports[target.pair] != nil else {
            let near = Suggestions.closest(to: target.pair, in: ports.keys.sorted(), limit: 3)
            let sameOS = ports.keys.filter { $0.hasPrefix(target.goos + "/") }.sorted()
            var hint = near.isEmpty ? "" : "did you mean \(near.joined(separator: " or "))?"
            if near.isEmpty, !sameOS.isEmpty { hint = "valid for \(target.goos): \(sameOS.joined(separator: ", "))" }
            if hint.isEmpty { hint = "`go tool dist list` prints every valid target" }
            throw ShipdeckError(.target, "\(source): unknown target \(target.pair): \(version) cannot build it", hint: hint)
        }
        if let variant = target.variant {
            guard target.variantVariable != nil else {
                throw ShipdeckError(.target, "\(source): \(target.goarch) takes no variant, but \(target) gives '\(variant)'",
                                    hint: "write \(target.pair)")
            }
            if !target.allowedVariants.isEmpty, !target.allowedVariants.contains(variant) {
                throw ShipdeckError(.target, "\(source): '\(variant)' is not a valid \(target.variantVariable!) for \(target.pair)",
                                    hint: "use one of: \(target.allowedVariants.joined(separator: ", "))")
            }
        }
    }
}
