import Foundation

/// The `sbom-hello` fixture: a module with one real dependency (example.com/greet v0.1.0), served by
/// the file-based module proxy inside the fixture (`goproxy/`), so builds need no network and
/// `go version -m` records the dependency with its `h1:` sum from go.sum.
enum SBOMFixture {
    /// The h1: sum of example.com/greet v0.1.0, as go.sum (and so the binary) records it.
    static let greetSum = "h1:IZa8V4VuYgkj+Z/L9vZs7Az1VZ3gdMHiAWM2iJFV/YA="

    /// The environment that points the go command at the fixture's proxy and an empty module cache
    /// of this copy's own, as on a fresh machine or CI runner: go fetches example.com/greet during
    /// planning and says `go: downloading …` (on stderr, which Shipdeck reads on the same pipe).
    static func environment(module: URL) -> [String: String] {
        [
            "GOPROXY": "file://" + module.appendingPathComponent("goproxy").path, "GOSUMDB": "off",
            "GOMODCACHE": module.deletingLastPathComponent().appendingPathComponent("modcache").path,
            "GOFLAGS": "-modcacherw",  // so the temp folder can be removed
        ]
    }

    /// A copy of the fixture as a git repository tagged `tag`, with this shipdeck.yml.
    static func module(tag: String, config: String) -> URL {
        let module = TestSupport.copyFixture("sbom-hello", git: false)
        try! config.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let env = ["GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
                   "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z",
                   "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z"]
        for args in [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "fixture"], ["tag", tag],
                     ["remote", "add", "origin", "git@github.com:example/sbom-hello.git"]] {
            let r = TestSupport.run("/usr/bin/git", args, in: module, environment: env)
            precondition(r.status == 0, "git \(args) failed: \(r.combined)")
        }
        return module
    }

    /// A Python tool the bootstrap installs (`pyspdxtools`, `python3`), found on PATH.
    static func tool(_ name: String) -> String? {
        var path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin"
        // pip puts console scripts in the interpreter's scripts folder, which may not be on PATH.
        let scripts = TestSupport.run("/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['scripts'])"],
                                      in: FileManager.default.temporaryDirectory)
        path += ":" + scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Validates a CycloneDX JSON file against the official 1.6 schema that PyPI's cyclonedx-python-lib
    /// ships (`cyclonedx/schema/_res/bom-1.6.SNAPSHOT.schema.json`, strict: no unknown keys).
    static func validateCycloneDX(_ file: URL) -> TestSupport.Output {
        let script = """
            import sys
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
            errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
            if errors:
                print("INVALID:", errors)
                sys.exit(1)
            print("valid CycloneDX 1.6")
            """
        return TestSupport.run(tool("python3") ?? "/usr/bin/python3", ["-c", script, file.path],
                               in: file.deletingLastPathComponent())
    }
}
