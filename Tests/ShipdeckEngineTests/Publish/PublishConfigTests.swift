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
