import Foundation
import Testing

@testable import ShipdeckEngine

/// Tokens that cannot be an HTTP header are refused by name; header values never reach an error.
struct PublishSecretsTests {
    @Test func aTokenThatCannotBeAHeaderIsRefusedNamingTheVariableNotTheValue() {
        let cases = [
            ("ghp_secret42\r\nX-Injected: 1", "a line break"), ("ghp_secret42\nmore", "a line break"),
            ("ghp_secret42 more", "a space"), ("ghp_secret42\u{07}", "a control character"),
            ("ghp_\u{85}secret42", "a control character"), ("ghp_secret42é", "a character that is not ASCII"),
        ]
        for (value, words) in cases {
            do {
                _ = try SecretValue.fromEnvironment(
                    "MY_TOKEN", ["MY_TOKEN": value], purpose: "publish.github.token_env")
                Issue.record("\(words): accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("MY_TOKEN holds \(words)"), "\(text)")
                #expect(!text.contains("secret42"), "the value was shown: \(text)")
            }
        }
        // Surrounding white space (a file's final newline) is not part of it.
        #expect((try? SecretValue.fromEnvironment("T", ["T": "ghp_ok\n"], purpose: "p"))?.value == "ghp_ok")
    }

    @Test func aTransportErrorNeverShowsAHeaderValue() throws {
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        // A value HTTP does not allow: AsyncHTTPClient's own error lists the values.
        var request = HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/x")!)
        request.setHeader("Authorization", "Bearer ghp_secret42\r\nX-Injected: 1")
        request.setHeader("X-Other", "other-value-42\u{01}")
        do {
            _ = try transport.send(request)
            Issue.record("sent")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("secret42") && !text.contains("other-value-42"), "\(text)")
            #expect(text.contains("a request header has characters HTTP does not allow (values not shown)"), "\(text)")
        }
        // Whatever an error from below quotes, the request's header values are cut out.
        let message = HTTPTransportError.redactingHeaders(
            "failed: [\"Bearer ghp_secret42\"] and ghp_secret42 and other", of: {
                var r = HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/x")!)
                r.setHeader("Authorization", "Bearer ghp_secret42")
                return r
            }())
        #expect(message == "failed: [\"<redacted>\"] and <redacted> and other", "\(message)")
    }

    @Test func aSecretIsCutOutOfTextThatEchoesIt() {
        let token = SecretValue("ghp_secret42", variable: "MY_TOKEN")
        #expect(token.redacting("Bad credentials: ghp_secret42.") == "Bad credentials: <redacted $MY_TOKEN>.")
    }
}
