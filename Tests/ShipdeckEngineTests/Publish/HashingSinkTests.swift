import Foundation
import Testing
@testable import ShipdeckEngine

/// The SHA-256 of a streamed download (GitHubReleasesClient.downloadSHA256): a retried response starts
/// over, a body longer than the asset is refused, and no response at all is not an empty file's hash.
struct HashingSinkTests {
    func feed(_ sink: HashingSink, _ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { try sink.append($0) }
    }

    @Test func aRetriedResponseStartsOver() throws {
        let sink = HashingSink(limit: 100)
        sink.start()
        try feed(sink, "half of a broken ")
        sink.start()
        try feed(sink, "hello ")
        try feed(sink, "world")
        let result = try sink.result(what: "download x")
        #expect(result.size == 11)
        #expect(result.sha256 == FileDigest.sha256(data: Data("hello world".utf8)))
    }

    @Test func moreBytesThanTheLimitAreRefused() throws {
        let sink = HashingSink(limit: 4)
        sink.start()
        try feed(sink, "abcd")
        #expect(throws: HashingSink.SinkError.self) { try feed(sink, "e") }
    }

    @Test func noResponseBodyIsAnErrorNotAnEmptyHash() {
        let sink = HashingSink(limit: 4)
        #expect(throws: ShipdeckError.self) { _ = try sink.result(what: "download x") }
    }

    @Test func aSignedURLsQueryIsNeverShown() {
        var request = HTTPRequest(method: "GET", url: URL(string: "https://objects.example/a/1?X-Amz-Signature=abc123&x=1")!)
        #expect(request.displayURL.contains("abc123"))
        request.secretQuery = true
        #expect(request.displayURL == "https://objects.example/a/1?<redacted>")
        #expect(!request.description.contains("abc123"))
    }
}
