import Foundation
import Testing

@testable import ShipdeckEngine

/// `publish.github` in shipdeck.yml.
struct PublishConfigTests {
    func parse(_ yaml: String) throws -> ShipdeckConfig { try ConfigReader(file: "shipdeck.yml").parse(yaml) }

    @Test func defaultsAreGitHubComWithTheTokenInGITHUB_TOKEN() throws {
        let github = try #require(try parse("publish:\n  github: { repository: octo/hello }\n").publish?.github)
        #expect(github.repository == "octo/hello")
        #expect(github.tokenEnv == "GITHUB_TOKEN")
        #expect(github.apiURL.absoluteString == "https://api.github.com")
        #expect(github.uploadURL.absoluteString == "https://uploads.github.com")
        #expect(github.tagName(version: "1.2.0") == "v1.2.0")
        #expect(github.isPrerelease(version: "1.2.0-rc.1") && !github.isPrerelease(version: "1.2.0"))
    }

    @Test func enterpriseUploadsDefaultBesideTheAPI() throws {
        let github = try #require(
            try parse("publish:\n  github:\n    repository: o/r\n    api_url: https://ghe.example/api/v3\n").publish?.github)
        #expect(github.uploadURL.absoluteString == "https://ghe.example/api/uploads")
        #expect(github.isConfiguredOrigin(URL(string: "https://ghe.example/api/uploads/repos/o/r/releases/1/assets")!))
        #expect(!github.isConfiguredOrigin(URL(string: "https://evil.example/api/uploads")!))
        #expect(!github.isConfiguredOrigin(URL(string: "http://ghe.example/api/v3")!))
    }

    @Test func mistakesNameTheLineAndKey() {
        let cases: [(String, String)] = [
            ("publish:\n  github:\n    repository: not-a-repo\n", "shipdeck.yml:3: publish.github.repository"),
            ("publish:\n  github:\n    repository: o/r\n    token_env: ghp_abc def\n", "publish.github.token_env"),
            ("publish:\n  github:\n    repository: o/r\n    api_url: http://ghe.example\n", "unencrypted"),
            ("publish:\n  github:\n    repository: o/r\n    tokn_env: X\n", "did you mean 'token_env'"),
            ("publish:\n  github:\n    draft: true\n", "repository is required"),
            ("publish:\n  gihtub: {}\n", "did you mean 'github'"),
        ]
        for (yaml, expected) in cases {
            do {
                _ = try parse(yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }
}

/// `publish.github.tag` follows git's ref-name rules (`git check-ref-format`).
struct PublishTagNameTests {
    func parse(_ tag: String) throws -> ShipdeckConfig {
        try ConfigReader(file: "shipdeck.yml").parse("publish:\n  github:\n    repository: o/r\n    tag: '\(tag)'\n")
    }

    @Test func aTagThatGitWouldRefuseIsAConfigError() {
        let bad: [(String, String)] = [
            ("v {version}", "a space"), ("v{version}..x", "'..'"), ("v~{version}", "'~'"), ("v^{version}", "'^'"),
            ("v:{version}", "':'"), ("v?{version}", "'?'"), ("v*{version}", "'*'"), ("v[{version}", "'['"),
            ("v\\\\{version}", "'\\'"), ("v\t{version}", "a control character"), ("-v{version}", "starts with '-'"),
            ("v{version}.lock", "'.lock'"), ("v{version}/", "'/'"), ("v@{{version}", "'@{'"), ("", "empty"),
            ("v{version}.", "ends with '.'"), ("x/.v{version}", "starts with '.'"),
        ]
        for (tag, words) in bad {
            do {
                _ = try parse(tag)
                Issue.record("'\(tag)' accepted")
            } catch {
                #expect("\(error)".contains("publish.github.tag") && "\(error)".contains(words), "\(tag): \(error)")
            }
        }
        for tag in ["v{version}", "release/{version}", "{version}", "app-v{version}+build"] {
            #expect((try? parse(tag)) != nil, "'\(tag)' refused")
        }
    }

    @Test func gitAgreesWithEveryVerdict() throws {
        // The rules are git's: its own check-ref-format on the same names.
        for name in ["v1.0.0", "v 1", "a..b", "v~1", "v1.lock", "v1/", "a@{b", "v1.", "x/.y", "ok/name", "v\\1"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["check-ref-format", "refs/tags/\(name)"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect((process.terminationStatus == 0) == (GitRefName.problem(name) == nil), "\(name)")
        }
    }
}
