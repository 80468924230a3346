import Crypto
import Foundation

/// GitHub's release endpoints, as the published REST description defines them (github.com, or GitHub
/// Enterprise through `api_url`): find a release by tag, create a draft, list/upload/delete assets,
/// publish.
///
/// The token goes only to the configured API and upload origins: a request anywhere else — an
/// `upload_url` from the server pointing at another host, say — is refused before it is sent. Every
/// request is retried as `retry` says (connection errors, 5xx, 429 and rate limits), and an error
/// status becomes a `ShipdeckError` with the server's own words (escape them before display).
package struct GitHubReleasesClient: Sendable {
    package let config: GitHubPublishConfig
    package let transport: HTTPTransport
    package let retry: HTTPRetryPolicy
    /// Stops the request under way, and its retries, from another thread (a signal, quitting).
    package var cancellation: HTTPCancellation?
    private let token: SecretValue

    package static let apiVersion = "2022-11-28"

    package init(config: GitHubPublishConfig, token: SecretValue, transport: HTTPTransport, retry: HTTPRetryPolicy) {
        self.config = config
        self.token = token
        self.transport = transport
        self.retry = retry
    }

    package typealias RetryObserver = (HTTPRetryPolicy.Retry) -> Void

    // MARK: Releases

    /// The release for `tag`, draft or published; nil when there is none.
    /// (`GET …/releases/tags/{tag}` returns published releases only, so drafts are found in the list.)
    package func findRelease(tag: String, onRetry: RetryObserver? = nil) throws -> GitHubRelease? {
        let byTag = try send("GET", api("releases/tags/\(Self.pathSegment(tag))"), onRetry: onRetry)
        if byTag.status == 200 { return try decode(GitHubRelease.self, byTag, "GET releases/tags/\(tag)") }
        guard byTag.status == 404 else { throw failure(byTag, "GET releases/tags/\(tag)") }
        var page = 1
        while page <= 10 {
            let list = try send("GET", api("releases", query: [("per_page", "100"), ("page", "\(page)")]), onRetry: onRetry)
            guard list.status == 200 else { throw failure(list, "GET releases") }
            let releases = try decode([GitHubRelease].self, list, "GET releases")
            if let found = releases.first(where: { $0.tagName == tag }) { return found }
            guard Self.hasNextPage(list) else { return nil }
            page += 1
        }
        return nil
    }

    /// Checks the repository exists and the token may see it: the first request of a publish, so a
    /// wrong token or repository fails before anything is created.
    package func checkAccess(onRetry: RetryObserver? = nil) throws {
        let response = try send("GET", api("releases", query: [("per_page", "1")]), onRetry: onRetry)
        guard response.status == 200 else { throw failure(response, "GET releases") }
    }

    package func createDraft(
        tag: String, name: String, body: String?, prerelease: Bool, onRetry: RetryObserver? = nil
    ) throws -> GitHubRelease {
        var payload: [String: Any] = ["tag_name": tag, "name": name, "draft": true, "prerelease": prerelease]
        if let body { payload["body"] = body }
        let response = try send("POST", api("releases"), json: payload, onRetry: onRetry)
        guard response.status == 201 else { throw failure(response, "POST releases (create the draft)") }
        return try decode(GitHubRelease.self, response, "POST releases")
    }

    /// Makes the draft package (`draft: false`), last, once every asset is there.
    package func publish(_ release: GitHubRelease, onRetry: RetryObserver? = nil) throws -> GitHubRelease {
        let response = try send(
            "PATCH", api("releases/\(release.id)"), json: ["draft": false], onRetry: onRetry)
        guard response.status == 200 else { throw failure(response, "PATCH releases/\(release.id) (publish)") }
        return try decode(GitHubRelease.self, response, "PATCH releases/\(release.id)")
    }

    package func updateNotes(_ release: GitHubRelease, body: String, onRetry: RetryObserver? = nil) throws {
        let response = try send("PATCH", api("releases/\(release.id)"), json: ["body": body], onRetry: onRetry)
        guard response.status == 200 else { throw failure(response, "PATCH releases/\(release.id) (notes)") }
    }

    // MARK: Assets

    package func assets(of release: GitHubRelease, onRetry: RetryObserver? = nil) throws -> [GitHubAsset] {
        var all: [GitHubAsset] = []
        var page = 1
        while page <= 50 {
            let response = try send(
                "GET", api("releases/\(release.id)/assets", query: [("per_page", "100"), ("page", "\(page)")]),
                onRetry: onRetry)
            guard response.status == 200 else { throw failure(response, "GET releases/\(release.id)/assets") }
            all += try decode([GitHubAsset].self, response, "GET releases/\(release.id)/assets")
            guard Self.hasNextPage(response) else { break }
            page += 1
        }
        return all
    }

    package func deleteAsset(_ asset: GitHubAsset, onRetry: RetryObserver? = nil) throws {
        let response = try send("DELETE", api("releases/assets/\(asset.id)"), onRetry: onRetry)
        guard response.status == 204 || response.status == 404 else {
            throw failure(response, "DELETE releases/assets/\(asset.id) (\(asset.name))")
        }
    }

    /// SHA-256 and length of the asset's bytes as the server serves them, downloaded and hashed in
    /// constant memory (`GET …/releases/assets/{id}` with `Accept: application/octet-stream`): how an
    /// asset is checked on a server that reports no `digest`. GitHub answers with a redirect to its
    /// object storage, followed here without the token (it never leaves the configured origins), or,
    /// where it can, with the bytes themselves.
    /// - Parameter limit: bytes beyond this are not read (the asset is then not what it should be).
    package func downloadSHA256(
        of asset: GitHubAsset, limit: Int64, cancellation: HTTPCancellation? = nil, onRetry: RetryObserver? = nil
    ) throws -> (sha256: String, size: Int64) {
        let sink = HashingSink(limit: limit)
        var request = try makeRequest("GET", api("releases/assets/\(asset.id)"))
        request.setHeader("Accept", "application/octet-stream")
        request.responseSink = sink
        let what = "download \(asset.name) to check it"
        for _ in 0..<5 {
            let response = try sendRetrying(request, progress: nil, cancellation: cancellation, onRetry: onRetry)
            if response.isSuccess { return try sink.result(what: what) }
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location"),
                let next = URL(string: location, relativeTo: request.url)?.absoluteURL
            else {
                guard request.secretQuery else { throw failure(response, what) }
                throw ShipdeckError(
                    .publish, "\(what): \(GitHubPublishConfig.origin(request.url)) answered \(response.status) "
                        + UntrustedText.escape(String(response.bodyText.prefix(200))))
            }
            let scheme = next.scheme?.lowercased() ?? ""
            guard scheme == "https" || (scheme == "http" && request.url.scheme?.lowercased() == "http") else {
                throw ShipdeckError(
                    .publish, "\(what): the server redirected to \(GitHubPublishConfig.origin(next)), which is not https")
            }
            if config.isConfiguredOrigin(next) {
                request = try makeRequest("GET", next)
                request.setHeader("Accept", "application/octet-stream")
            } else {
                // Object storage: a signed URL that needs no credentials, and must not be given the token.
                // Its query is the signature: never shown.
                request = HTTPRequest(method: "GET", url: next, headers: [HTTPField("Accept", "application/octet-stream")])
                request.secretQuery = true
            }
            request.responseSink = sink
        }
        throw ShipdeckError(.publish, "\(what): more than 4 redirects")
    }

    /// Streams `file` to the release's `upload_url` as asset `name`.
    /// - Returns: the asset, or nil when the server answered 422 `already_exists` (the caller asks the
    ///   server what is there).
    package func upload(
        file: String, size: Int64, name: String, label: String?, contentType: String, to release: GitHubRelease,
        progress: (@Sendable (Int64) -> Void)?, cancellation: HTTPCancellation? = nil, onRetry: RetryObserver? = nil
    ) throws -> GitHubAsset? {
        let template = release.uploadURL
        let base = template.range(of: "{").map { String(template[..<$0.lowerBound]) } ?? template
        guard var components = URLComponents(string: base) else {
            throw ShipdeckError(
                .publish, "GitHub returned an upload_url that is not a URL: \(UntrustedText.escape(base))")
        }
        var items = [URLQueryItem(name: "name", value: name)]
        if let label, !label.isEmpty { items.append(URLQueryItem(name: "label", value: label)) }
        components.percentEncodedQuery = items.map {
            "\($0.name)=\(Self.queryValue($0.value ?? ""))"
        }.joined(separator: "&")
        guard let url = components.url else {
            throw ShipdeckError(.publish, "cannot build the upload URL for \(name)")
        }
        var request = try makeRequest("POST", url)
        request.setHeader("Content-Type", contentType)
        request.body = .file(path: file, offset: 0, length: size)
        let response = try sendRetrying(request, progress: progress, cancellation: cancellation, onRetry: onRetry)
        if response.status == 201 { return try decode(GitHubAsset.self, response, "upload \(name)") }
        if response.status == 422, Self.isAlreadyExists(response) { return nil }
        throw failure(response, "upload \(name)")
    }

    // MARK: Requests

    /// Every request this client would send for `method url` — for `--dry-run`, with the token redacted.
    package func describe(_ method: String, _ url: URL) -> String {
        (try? makeRequest(method, url).description) ?? "\(method) \(HTTPRequest.display(url))"
    }

    package func api(_ path: String, query: [(String, String)] = []) -> URL {
        let (owner, name) = config.ownerAndName
        var text = config.apiURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        text += "/repos/\(Self.pathSegment(owner))/\(Self.pathSegment(name))/\(path)"
        if !query.isEmpty { text += "?" + query.map { "\($0.0)=\(Self.queryValue($0.1))" }.joined(separator: "&") }
        return URL(string: text)!
    }

    private func send(
        _ method: String, _ url: URL, json: [String: Any]? = nil, onRetry: RetryObserver?
    ) throws -> HTTPResponse {
        var request = try makeRequest(method, url)
        if let json {
            request.setHeader("Content-Type", "application/json")
            request.body = .data(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
        }
        request.timeout = .seconds(120)
        return try sendRetrying(request, progress: nil, cancellation: cancellation, onRetry: onRetry)
    }

    private func sendRetrying(
        _ request: HTTPRequest, progress: (@Sendable (Int64) -> Void)?, cancellation: HTTPCancellation?,
        onRetry: RetryObserver?
    ) throws -> HTTPResponse {
        do {
            return try transport.send(
                request, retry: retry, progress: progress, cancellation: cancellation, onRetry: onRetry)
        } catch let error as HTTPTransportError {
            throw ShipdeckError(
                .publish, error.message,
                hint: error.kind == .connect
                    ? "check publish.github.api_url / upload_url and the network (\(HTTPRequest.display(request.url)))"
                    : nil)
        }
    }

    /// The standard headers, and the token only when `url` is on a configured origin.
    func makeRequest(_ method: String, _ url: URL) throws -> HTTPRequest {
        guard config.isConfiguredOrigin(url) else {
            throw ShipdeckError(
                .publish,
                "refusing to send the GitHub token to \(HTTPRequest.display(url)): not publish.github.api_url or upload_url",
                hint: "for GitHub Enterprise set both api_url and upload_url to your server's")
        }
        var request = HTTPRequest(method: method, url: url)
        request.setHeader("Accept", "application/vnd.github+json")
        request.setHeader("X-GitHub-Api-Version", Self.apiVersion)
        request.setHeader("Authorization", "Bearer \(token.value)")
        return request
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw ShipdeckError(
                .publish, "\(what): the server's answer is not what GitHub's description defines (\(error))")
        }
    }

    /// An error status as a message with the server's words: `GitHub: 401 Bad credentials (GET releases)`.
    func failure(_ response: HTTPResponse, _ what: String) -> ShipdeckError {
        // A server may echo what it was sent: the token never reaches a message.
        let words = UntrustedText.escape(token.redacting(
            (try? JSONDecoder().decode(GitHubErrorBody.self, from: response.body))?.text
                ?? String(response.bodyText.prefix(300))))
        let hint: String?
        switch response.status {
        case 401:
            hint = "the token in $\(config.tokenEnv) is wrong or expired: create a new one with contents: write"
        case 403:
            hint = response.header("x-ratelimit-remaining") == "0"
                ? "rate limited until \(Self.resetTime(response)); run again with --resume then"
                : "the token in $\(config.tokenEnv) may not write to \(config.repository) (needs contents: write)"
        case 404:
            hint = "check publish.github.repository (\(config.repository)) and that the token in $\(config.tokenEnv) can see it"
        default:
            hint = nil
        }
        return ShipdeckError(.publish, "GitHub: \(response.status) \(words) (\(what))", hint: hint)
    }

    static func isAlreadyExists(_ response: HTTPResponse) -> Bool {
        let body = try? JSONDecoder().decode(GitHubErrorBody.self, from: response.body)
        return body?.errors?.contains { $0.code == "already_exists" } ?? false
    }

    static func hasNextPage(_ response: HTTPResponse) -> Bool {
        (response.header("Link") ?? "").contains("rel=\"next\"")
    }

    static func resetTime(_ response: HTTPResponse) -> String {
        guard let reset = response.header("x-ratelimit-reset").flatMap(Double.init) else { return "the reset time" }
        return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: reset))
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// SHA-256 of a streamed response body, started over for each response (a retried download).
final class HashingSink: HTTPResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var started = false
    private let limit: Int64

    init(limit: Int64) { self.limit = limit }

    func start() {
        lock.withLock {
            hasher = SHA256()
            size = 0
            started = true
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try lock.withLock {
            size += Int64(bytes.count)
            guard size <= limit else { throw SinkError.tooLong(limit) }
            hasher.update(bufferPointer: bytes)
        }
    }

    func result(what: String) throws -> (sha256: String, size: Int64) {
        try lock.withLock {
            guard started else { throw ShipdeckError(.publish, "\(what): the server sent no body") }
            return (FileDigest.hex(hasher.finalize()), size)
        }
    }

    enum SinkError: Error, LocalizedError {
        case tooLong(Int64)
        var errorDescription: String? {
            switch self { case .tooLong(let limit): return "the server sent more than \(limit) bytes" }
        }
    }
}
