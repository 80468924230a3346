import Foundation
import Testing
import Yams
@testable import ShipdeckEngine

/// `publish.registry`, `publish.homebrew` and `publish.scoop`: every error names the file, the
/// line and the key, and secrets are only ever named by a variable.
@Suite struct PublishTargetConfigTests {
    let reader = ConfigReader(file: "/m/shipdeck.yml")

    /// The node under `publish.<section>` of `yaml` (which starts with `publish:`).
    func node(_ yaml: String, _ section: String) throws -> Node {
        let root = try #require(try Yams.compose(yaml: yaml))
        let publish = try #require(root.mapping?["publish"])
        return try #require(publish.mapping?[section])
    }

    func registryError(_ yaml: String) throws -> ShipdeckError? {
        let n = try node(yaml, "registry")
        return #expect(throws: ShipdeckError.self) { try reader.registryPublish(n) }
    }

    @Test func readsEveryRegistryKey() throws {
        let config = try reader.registryPublish(try node("""
            publish:
              registry:
                repository: 127.0.0.1:5000/acme/hello
                username_env: REG_USER
                password_env: REG_PASS
                insecure: true
                image: hello
                tags: [1.2.3, latest]
                chunk_size: 8MiB
            """, "registry"))
        #expect(config.repository == RegistryRepository(host: "127.0.0.1", port: 5000, path: "acme/hello"))
        #expect(config.usernameEnvironment == "REG_USER" && config.passwordEnvironment == "REG_PASS")
        #expect(config.insecure && config.image == "hello" && config.tags == ["1.2.3", "latest"])
        #expect(config.chunkSize == 8 << 20)
    }

    @Test func insecureToAHostThatIsNotLoopbackIsRefusedWithItsLine() throws {
        let error = try registryError("""
            publish:
              registry:
                repository: registry.example.com/acme/hello
                insecure: true
            """)
        #expect(error?.message.hasPrefix("/m/shipdeck.yml:4: publish.registry.insecure:") == true, "\(String(describing: error))")
        #expect(error?.message.contains("registry.example.com") == true)
        for host in ["localhost:5000", "127.0.0.1:5000", "127.8.9.10", "[::1]:5000"] {
            let ok = try reader.registryPublish(try node("publish:\n  registry: { repository: '\(host)/x', insecure: true }", "registry"))
            #expect(ok.repository.isLoopback, "\(host)")
        }
    }

    @Test func aPasswordWrittenInTheFileIsRefusedWithoutRepeatingIt() throws {
        let error = try registryError("""
            publish:
              registry:
                repository: ghcr.io/acme/hello
                password: hunter2-secret
            """)
        #expect(error?.message.contains("secrets are not written") == true)
        #expect(error?.hint?.contains("password_env") == true)
        #expect(error.map { !"\($0)".contains("hunter2") } == true)
    }

    @Test func registryMistakesNameTheKey() throws {
        let cases: [(String, String)] = [
            ("{ insecure: true }", "'repository' is missing"),
            ("{ repository: hello }", "is not HOST[:PORT]/PATH"),
            ("{ repository: ghcr.io/Acme/Hello }", "is not HOST[:PORT]/PATH"),
            ("{ repository: ghcr.io/a, username_env: U }", "username_env and password_env go together"),
            ("{ repository: ghcr.io/a, username_env: 'my user', password_env: P }", "is not an environment variable name"),
            ("{ repository: ghcr.io/a, tags: ['bad tag'] }", "is not a valid image tag"),
            ("{ repository: ghcr.io/a, chunk_size: 12 }", "is not a size of at least 1KiB"),
            ("{ repository: ghcr.io/a, insecur: true }", "unknown key 'insecur'"),
        ]
        for (yaml, message) in cases {
            let error = try registryError("publish:\n  registry: \(yaml)")
            #expect(error?.message.contains(message) == true, "\(yaml): \(String(describing: error))")
            #expect(error?.message.hasPrefix("/m/shipdeck.yml:2: publish.registry") == true, "\(yaml): \(String(describing: error))")
        }
    }

    @Test func credentialsComeFromTheNamedVariablesAndAMissingOneIsNamed() throws {
        var config = RegistryPublishConfig(repository: RegistryRepository(parsing: "ghcr.io/acme/hello")!)
        config.usernameEnvironment = "REG_USER"
        config.passwordEnvironment = "REG_PASS"
        let credentials = try config.credentials(from: ["REG_USER": "u", "REG_PASS": "secret-canary"])
        #expect(credentials == RegistryCredentials(username: "u", password: "secret-canary"))
        #expect(!"\(credentials!)".contains("secret-canary") && !String(reflecting: credentials!).contains("secret-canary"))
        let error = #expect(throws: ShipdeckError.self) { try config.credentials(from: ["REG_USER": "u"]) }
        #expect(error?.message.contains("REG_PASS is not set") == true)
    }

    @Test func readsEveryHomebrewKeyAndResolvesARelativeTap() throws {
        let config = try reader.homebrewPublish(try node("""
            publish:
              homebrew:
                tap: ../homebrew-tap
                branch: main
                directory: Formula/h
                name: hello-cli
                description: Says hello
                homepage: https://example.com/hello
                license: MIT
                commit_author: { name: Rel Bot, email: bot@example.com }
                url_template: "https://dl.example.com/{{ .Tag }}/{{ .ArtifactName }}"
                test_args: [--version]
            """, "homebrew"))
        #expect(config.kind == .homebrew)
        #expect(config.repository.url == "/homebrew-tap")
        #expect(config.repository.branch == "main")
        #expect(config.directory == "Formula/h" && config.name == "hello-cli")
        #expect(config.description == "Says hello" && config.homepage == "https://example.com/hello" && config.license == "MIT")
        #expect(config.repository.authorName == "Rel Bot" && config.repository.authorEmail == "bot@example.com")
        #expect(config.testArguments == ["--version"])
        let values = ReleaseTemplateValues(
            projectName: "hello", version: "1.2.3", tag: "v1.2.3", commit: nil, commitTime: nil, sourceDateEpoch: 0,
            binary: "hello", env: [:])
        let record = ArtifactRecord(
            name: "hello_1.2.3_linux_amd64.tar.gz", path: "hello_1.2.3_linux_amd64.tar.gz", kind: .archive,
            target: BuildTarget(goos: "linux", goarch: "amd64"), sha256: "00", size: 1)
        #expect(try config.downloadURL(for: record, values: values, defaultURL: "unused")
            == "https://dl.example.com/v1.2.3/hello_1.2.3_linux_amd64.tar.gz")
        #expect(config.commitMessage(name: "hello-cli", version: "1.2.3").contains("1.2.3"))
    }

    @Test func scoopDefaultsToTheBucketFolderAndRefusesHomebrewOnlyKeys() throws {
        let config = try reader.scoopPublish(try node("publish:\n  scoop: { bucket: 'git@github.com:acme/bucket.git', license: MIT }", "scoop"))
        #expect(config.directory == "bucket")
        #expect(config.repository.url == "git@github.com:acme/bucket.git")
        let n = try node("publish:\n  scoop: { bucket: x, test_args: [-v] }", "scoop")
        let error = #expect(throws: ShipdeckError.self) { try reader.scoopPublish(n) }
        #expect(error?.message.contains("unknown key 'test_args'") == true)
    }

    @Test func tapMistakesNameTheKey() throws {
        let cases: [(String, String)] = [
            ("{ branch: main }", "'tap' is missing"),
            ("{ tap: 'https://user:tok@github.com/a/b.git' }", "secrets are not written"),
            ("{ tap: x, token: abc }", "secrets are not written"),
            ("{ tap: x, token_env: TAP_TOKEN }", "a token is only sent to an https repository URL"),
            ("{ tap: 'http://git.example/a/b.git', token_env: TAP_TOKEN }",
             "plain http:// to git.example would send the token unencrypted"),
            ("{ tap: x, branch: 'a..b' }", "is not a branch name"),
            ("{ tap: x, directory: ../up }", "is not a folder inside the repository"),
            ("{ tap: x, name: Hello }", "is not a formula name"),
            ("{ tap: x, homepage: 'ftp://x' }", "is not an http(s) URL"),
            ("{ tap: x, url_template: '{{ .Tag ' }", "url_template"),
            ("{ tap: x, descripton: y }", "did you mean 'description'"),
        ]
        for (yaml, message) in cases {
            let n = try node("publish:\n  homebrew: \(yaml)", "homebrew")
            let error = #expect(throws: ShipdeckError.self) { try reader.homebrewPublish(n) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(message), "\(yaml): \(String(describing: error))")
            #expect(error?.message.hasPrefix("/m/shipdeck.yml:2: publish.homebrew") == true, "\(yaml): \(String(describing: error))")
            #expect(!"\(error.map { "\($0)" } ?? "")".contains("tok@"), "a secret is never repeated")
        }
        let ok = try reader.homebrewPublish(try node("publish:\n  homebrew: { tap: 'https://github.com/a/b.git', token_env: TAP_TOKEN }", "homebrew"))
        #expect(ok.repository.tokenEnvironment == "TAP_TOKEN")
        // Loopback may be plain http (a test server); without a token any http URL may be read.
        let fine = [
            "{ tap: 'http://127.0.0.1:8080/a/b.git', token_env: TAP_TOKEN }", "{ tap: 'http://git.example/a/b.git' }",
        ]
        for yaml in fine {
            #expect(throws: Never.self) {
                try reader.homebrewPublish(try node("publish:\n  homebrew: \(yaml)", "homebrew"))
            }
        }
        // A repository made some other way is refused by the publisher too.
        let error = #expect(throws: ShipdeckError.self) {
            try GitPublisher(
                repository: .init(
                    key: "publish.scoop.bucket", url: "http://git.example/b.git", tokenEnvironment: "TAP_TOKEN"),
                workDirectory: URL(fileURLWithPath: "/nonexistent"),
                environment: ["PATH": "/usr/bin", "TAP_TOKEN": "t0ken"],
                run: { _ in Issue.record("git ran"); throw ShipdeckError(.git, "ran") })
        }
        #expect(error?.message.contains("would send the token unencrypted") == true, "\(String(describing: error))")
    }

    @Test func aReleaseNeedsAHomepage() throws {
        let config = TapConfig(kind: .scoop, repository: .init(key: "publish.scoop.bucket", url: "/b"))
        let error = #expect(throws: ShipdeckError.self) {
            try config.release(project: "hello", version: "1", binary: "hello", smokeArguments: [], fallbackHomepage: nil, downloads: [])
        }
        #expect(error?.hint?.contains("publish.scoop.homepage") == true)
        let release = try config.release(
            project: "Hello", version: "1", binary: "hello", smokeArguments: ["-version"],
            fallbackHomepage: "https://github.com/acme/hello", downloads: [])
        #expect(release.name == "hello" && release.homepage == "https://github.com/acme/hello" && release.description == "Hello")
    }

    @Test func challengesAreParsedAsRegistriesSendThem() {
        let bearer = AuthChallenge(parsing: #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:acme/hello:pull,push""#)
        #expect(bearer?.scheme == "bearer")
        #expect(bearer?.parameters == ["realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:acme/hello:pull,push"])
        #expect(AuthChallenge(parsing: #"Basic realm="basic-realm""#) == AuthChallenge(parsing: "basic realm=\"basic-realm\""))
        #expect(AuthChallenge(parsing: #"Basic realm="a \"q\" b""#)?.parameters["realm"] == #"a "q" b"#)
    }
}
