import Foundation

/// The OCI distribution API of one repository in one registry, over the publish phase's
/// `HTTPTransport`: the API check with authentication, blob and manifest HEADs, monolithic and
/// chunked blob uploads, and manifest PUTs (by digest or tag).
///
/// Authentication follows the registry's `WWW-Authenticate` challenge: `Basic` sends the
/// configured credentials; `Bearer` gets a token from the challenge's realm (with the
/// credentials, scope `repository:PATH:pull,push`) and sends that. The credentials go only to the
/// registry's own origin and to the token realm (which must be https, or http on loopback); the
/// `Authorization` header only to the registry's origin. Nothing here prints a credential or a token:
/// errors name the request (method and URL) and the registry's words.
package final class RegistryClient: Sendable {
    package typealias RetryObserver = (HTTPRetryPolicy.Retry) -> Void

    package let config: RegistryPublishConfig
    let credentials: RegistryCredentials?
    let transport: HTTPTransport
    let retry: HTTPRetryPolicy
    private let auth = AuthorizationState()

    /// What manifest HEADs and GETs accept: OCI and Docker manifests and indexes.
    static let manifestAccept = [
        OCIMediaType.index, OCIMediaType.manifest,
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    package init(
        config: RegistryPublishConfig, credentials: RegistryCredentials?, transport: HTTPTransport,
        retry: HTTPRetryPolicy = HTTPRetryPolicy()
    ) {
        self.config = config
        self.credentials = credentials
        self.transport = transport
        self.retry = retry
    }

    var repository: RegistryRepository { config.repository }

    // MARK: The API

    /// `GET /v2/`, authenticating as the registry asks. A wrong password, a registry that wants
    /// credentials none were configured for, or an unreachable host ends here, before any upload.
    package func checkAccess(onRetry: RetryObserver? = nil) throws {
        let url = repository.versionCheckURL(insecure: config.insecure)
        let response = try send(HTTPRequest(method: "GET", url: url, timeout: .seconds(60)), onRetry: onRetry)
        guard response.isSuccess else { throw failure(response, "GET /v2/") }
    }

    /// `HEAD /v2/<name>/blobs/<digest>`: true when the registry holds the blob (with that size,
    /// when it says the size).
    package func hasBlob(_ digest: String, size: Int64, onRetry: RetryObserver? = nil) throws -> Bool {
        let response = try send(
            HTTPRequest(method: "HEAD", url: repository.url("blobs/\(digest)", insecure: config.insecure), timeout: .seconds(60)),
            onRetry: onRetry)
        switch response.status {
        case 200:
            if let length = response.header("Content-Length").flatMap(Int64.init), length != size { return false }
            if let served = response.header("Docker-Content-Digest"), served != digest { return false }
            return true
        case 404: return false
        default: throw failure(response, "HEAD blob \(digest)")
        }
    }

    /// `HEAD /v2/<name>/manifests/<reference>`: the digest the registry holds for a digest or tag,
    /// nil when it holds none.
    package func manifestDigest(_ reference: String, onRetry: RetryObserver? = nil) throws -> String? {
        var request = HTTPRequest(
            method: "HEAD", url: repository.url("manifests/\(reference)", insecure: config.insecure), timeout: .seconds(60))
        request.setHeader("Accept", Self.manifestAccept)
        let response = try send(request, onRetry: onRetry)
        switch response.status {
        case 200:
            return response.header("Docker-Content-Digest") ?? (reference.hasPrefix("sha256:") ? reference : nil)
        case 404: return nil
        default: throw failure(response, "HEAD manifest \(reference)")
        }
    }

    /// Uploads one blob from `path`: one PUT when it is at most `chunkSize` bytes, else PATCHes of
    /// `chunkSize` bytes with `Content-Range` and a closing PUT. A connection that breaks mid-way
    /// starts the blob again in a new upload session, as the retry policy allows; the registry's
    /// `Docker-Content-Digest` must be the blob's digest. Returns how many requests carried bytes.
    @discardableResult
    package func uploadBlob(
        path: String, digest: String, size: Int64, progress: (@Sendable (Int64) -> Void)? = nil,
        onRetry: RetryObserver? = nil
    ) throws -> Int {
        var attempt = 1
        while true {
            do {
                return try uploadBlobOnce(path: path, digest: digest, size: size, progress: progress, onRetry: onRetry)
            } catch let error as RetryableUpload {
                switch retry.decision(after: .failure(error.error), attempt: attempt) {
                case .stop: throw ShipdeckError(.publish, "registry \(repository.authority): \(error.error.message)", hint: Self.connectHint(error.error, repository))
                case .retry(let delay, let reason):
                    onRetry?(.init(attempt: attempt, delay: delay, reason: reason))
                    Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    attempt += 1
                }
            }
        }
    }

    /// `PUT /v2/<name>/manifests/<reference>` with the document at `path`; the registry's digest
    /// must be `digest`.
    package func putManifest(
        path: String, mediaType: String, digest: String, reference: String, onRetry: RetryObserver? = nil
    ) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ShipdeckError(.dist, "cannot read \(path): \(error.localizedDescription)")
        }
        var request = HTTPRequest(
            method: "PUT", url: repository.url("manifests/\(reference)", insecure: config.insecure), body: .data(data),
            timeout: .seconds(120))
        request.setHeader("Content-Type", mediaType)
        let response = try send(request, onRetry: onRetry)
        guard response.status == 201 || response.status == 200 else {
            throw failure(response, "PUT manifest \(reference)")
        }
        if let served = response.header("Docker-Content-Digest"), served != digest {
            throw ShipdeckError(
                .publish,
                "registry \(repository.authority) stored manifest \(reference) as \(UntrustedText.escape(served)), not \(digest)",
                hint: "the registry changed the document; push to a registry that stores manifests as sent")
        }
    }

    // MARK: Blob upload

    /// A transport failure in the middle of an upload session: worth a new session.
    private struct RetryableUpload: Error {
        var error: HTTPTransportError
    }

    private func uploadBlobOnce(
        path: String, digest: String, size: Int64, progress: (@Sendable (Int64) -> Void)?, onRetry: RetryObserver?
    ) throws -> Int {
        let start = try send(
            HTTPRequest(method: "POST", url: repository.url("blobs/uploads/", insecure: config.insecure), timeout: .seconds(120)),
            onRetry: onRetry)
        guard start.status == 202, var location = try uploadLocation(start) else {
            throw failure(start, "POST blob upload for \(digest)")
        }
        var requests = 0
        var offset: Int64 = 0
        let chunk = max(config.chunkSize, 1)
        if size > chunk {
            while offset < size {
                let length = min(chunk, size - offset)
                var patch = HTTPRequest(method: "PATCH", url: location, body: .file(path: path, offset: offset, length: length))
                patch.setHeader("Content-Type", "application/octet-stream")
                patch.setHeader("Content-Range", "\(offset)-\(offset + length - 1)")
                let base = offset
                let response = try sendOnce(patch) { sent in progress?(base + sent) }
                requests += 1
                guard response.status == 202, let next = try uploadLocation(response) else {
                    throw failure(response, "PATCH blob \(digest) bytes \(offset)-\(offset + length - 1)")
                }
                if let range = response.header("Range"), let end = range.split(separator: "-").last.flatMap({ Int64($0) }),
                    end != offset + length - 1
                {
                    throw ShipdeckError(
                        .publish,
                        "registry \(repository.authority) holds bytes up to \(end) of \(digest) after a chunk that ends at \(offset + length - 1)",
                        hint: "run publish again; the blob starts over in a new upload")
                }
                location = next
                offset += length
            }
        }
        var put = HTTPRequest(
            method: "PUT", url: Self.adding(digest: digest, to: location),
            body: offset < size ? .file(path: path, offset: 0, length: size) : .data(Data()))
        put.setHeader("Content-Type", "application/octet-stream")
        let done = try sendOnce(put) { sent in progress?(sent) }
        if offset < size { requests += 1 }
        guard done.status == 201 else { throw failure(done, "PUT blob \(digest)") }
        if let served = done.header("Docker-Content-Digest"), served != digest {
            throw ShipdeckError(
                .publish,
                "registry \(repository.authority) computed \(UntrustedText.escape(served)) for blob \(digest)",
                hint: "the bytes were changed on the way; run publish again")
        }
        progress?(size)
        return requests
    }

    /// The upload URL a 202 names (absolute, or relative to the registry), checked to be the
    /// registry's origin or an https URL.
    private func uploadLocation(_ response: HTTPResponse) throws -> URL? {
        guard let text = response.header("Location") else { return nil }
        guard let url = URL(string: text, relativeTo: repository.versionCheckURL(insecure: config.insecure))?.absoluteURL
        else { return nil }
        if url.scheme?.lowercased() != "https", !isRegistryOrigin(url) {
            throw ShipdeckError(
                .publish,
                "registry \(repository.authority) sent the upload to \(HTTPRequest.display(url)) over plain HTTP: refused",
                hint: "an upload leaves loopback only over https")
        }
        return url
    }

    static func adding(digest: String, to url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url }
        var items = components.percentEncodedQueryItems ?? []
        items.removeAll { $0.name == "digest" }
        items.append(URLQueryItem(name: "digest", value: digest.replacingOccurrences(of: ":", with: "%3A")))
        components.percentEncodedQueryItems = items
        return components.url ?? url
    }

    // MARK: Sending and authentication

    /// Sends with the policy's retries; answers a 401 challenge once (Basic, or a Bearer token for the
    /// challenge's scope) and sends again.
    func send(_ request: HTTPRequest, onRetry: RetryObserver?) throws -> HTTPResponse {
        var response = try transportSend(authorized(request), onRetry: onRetry)
        if response.status == 401, try authenticate(response, for: request, onRetry: onRetry) {
            response = try transportSend(authorized(request), onRetry: onRetry)
        }
        return response
    }

    /// One attempt, no retry (a body upload is retried as a whole blob by `uploadBlob`). A broken
    /// connection throws `RetryableUpload`.
    private func sendOnce(_ request: HTTPRequest, progress: @escaping @Sendable (Int64) -> Void) throws -> HTTPResponse {
        func attempt() throws -> HTTPResponse {
            do {
                return try transport.send(authorized(request), progress: progress)
            } catch let error as HTTPTransportError where error.isRetryable {
                throw RetryableUpload(error: error)
            } catch let error as HTTPTransportError {
                throw ShipdeckError(.publish, "registry \(repository.authority): \(error.message)")
            }
        }
        var response = try attempt()
        if response.status == 401, try authenticate(response, for: request, onRetry: nil) {
            response = try attempt()
        }
        return response
    }

    private func transportSend(_ request: HTTPRequest, onRetry: RetryObserver?) throws -> HTTPResponse {
        do {
            return try transport.send(request, retry: retry, onRetry: onRetry)
        } catch let error as HTTPTransportError {
            throw ShipdeckError(
                .publish, "registry \(repository.authority): \(error.message)", hint: Self.connectHint(error, repository))
        }
    }

    static func connectHint(_ error: HTTPTransportError, _ repository: RegistryRepository) -> String? {
        error.kind == .connect
            ? "check publish.registry.repository (\(repository)) and that the registry is up and reachable"
            : nil
    }

    /// `request` with the current authorization, when it goes to the registry's origin.
    private func authorized(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        if isRegistryOrigin(request.url), let header = auth.header { request.setHeader("Authorization", header) }
        return request
    }

    func isRegistryOrigin(_ url: URL) -> Bool {
        let scheme = config.insecure ? "http" : "https"
        let defaultPort = config.insecure ? 80 : 443
        guard url.scheme?.lowercased() == scheme, let host = url.host?.lowercased() else { return false }
        let bare = repository.host.hasPrefix("[") ? String(repository.host.dropFirst().dropLast()) : repository.host
        return (host == bare || host == repository.host) && (url.port ?? defaultPort) == (repository.port ?? defaultPort)
    }

    /// Answers a 401: true when there is a new authorization to send again with.
    private func authenticate(_ response: HTTPResponse, for request: HTTPRequest, onRetry: RetryObserver?) throws -> Bool {
        let challenges = response.headers(named: "WWW-Authenticate").compactMap(AuthChallenge.init(parsing:))
        let previous = auth.header
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
            let token = try fetchToken(bearer, onRetry: onRetry)
            auth.set("Bearer \(token)")
        } else if challenges.contains(where: { $0.scheme == "basic" }) {
            guard let credentials else {
                throw ShipdeckError(
                    .publish, "registry \(repository.authority) asks for a user name and password (\(request.method) \(request.url.path))",
                    hint: "set publish.registry.username_env and password_env to the variables that hold them")
            }
            auth.set(credentials.basicAuthorization)
        } else {
            return false
        }
        // The same authorization refused again: the credentials are wrong, not stale.
        if previous == auth.header {
            throw ShipdeckError(
                .publish, "registry \(repository.authority) refused the credentials (\(request.method) \(request.url.path)): "
                    + Self.words(response),
                hint: credentialsHint)
        }
        return true
    }

    var credentialsHint: String {
        if let user = config.usernameEnvironment, let password = config.passwordEnvironment {
            return "check $\(user) and $\(password): the user must exist and may push to \(repository.path)"
        }
        return "set publish.registry.username_env and password_env to the variables that hold the credentials"
    }

    /// The distribution token flow: `GET realm?service=…&scope=…` with the credentials (Basic),
    /// answered with `{"token": …}` or `{"access_token": …}`.
    private func fetchToken(_ challenge: AuthChallenge, onRetry: RetryObserver?) throws -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
            let scheme = components.scheme?.lowercased(), let host = components.host
        else {
            throw ShipdeckError(.publish, "registry \(repository.authority) sent a Bearer challenge without a usable realm")
        }
        guard scheme == "https" || (scheme == "http" && RegistryRepository.isLoopback(host: host)) else {
            throw ShipdeckError(
                .publish,
                "registry \(repository.authority) names the token service \(HTTPRequest.display(components.url!)) over plain HTTP: refused",
                hint: "credentials leave loopback only over https")
        }
        var items = components.queryItems ?? []
        if let service = challenge.parameters["service"] { items.append(URLQueryItem(name: "service", value: service)) }
        let wanted = "repository:\(repository.path):pull,push"
        var scopes = (challenge.parameters["scope"] ?? "").split(separator: " ").map(String.init)
        if !scopes.contains(wanted) { scopes.append(wanted) }
        for scope in scopes { items.append(URLQueryItem(name: "scope", value: scope)) }
        components.queryItems = items
        guard let url = components.url else {
            throw ShipdeckError(.publish, "registry \(repository.authority): the token realm is not a URL")
        }
        var request = HTTPRequest(method: "GET", url: url, timeout: .seconds(60))
        if let credentials { request.setHeader("Authorization", credentials.basicAuthorization) }
        let response = try transportSend(request, onRetry: onRetry)
        guard response.isSuccess else {
            throw ShipdeckError(
                .publish,
                "the token service of registry \(repository.authority) answered \(response.status) (GET \(HTTPRequest.display(url))): "
                    + Self.words(response),
                hint: response.status == 401 || response.status == 403 ? credentialsHint : nil)
        }
        struct TokenAnswer: Decodable {
            var token: String?
            var access_token: String?
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: response.body),
            let token = answer.token ?? answer.access_token, !token.isEmpty
        else {
            throw ShipdeckError(
                .publish, "the token service of registry \(repository.authority) sent no token (GET \(HTTPRequest.display(url)))")
        }
        return token
    }

    // MARK: Errors

    /// `registry 127.0.0.1:5000: 404 MANIFEST_BLOB_UNKNOWN blob unknown to registry (PUT manifest …)`.
    func failure(_ response: HTTPResponse, _ what: String) -> ShipdeckError {
        let hint: String?
        switch response.status {
        case 401: hint = credentialsHint
        case 403: hint = "the credentials may not push to \(repository.path)"
        case 404 where what.hasPrefix("GET /v2/"): hint = "\(repository.authority) does not serve the OCI distribution API (/v2/)"
        default: hint = nil
        }
        return ShipdeckError(
            .publish, "registry \(repository.authority): \(response.status) \(Self.words(response)) (\(what))", hint: hint)
    }

    /// The registry's words: its `errors` (code and message), else the start of the body. Escaped.
    static func words(_ response: HTTPResponse) -> String {
        struct Body: Decodable {
            struct Item: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Item]?
        }
        if let body = try? JSONDecoder().decode(Body.self, from: response.body), let errors = body.errors, !errors.isEmpty {
            return UntrustedText.escape(
                errors.map { [$0.code, $0.message].compactMap { $0 }.joined(separator: " ") }.joined(separator: "; "))
        }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(no message)" : UntrustedText.escape(String(text.prefix(300)))
    }
}

/// The `Authorization` value for the registry's origin, shared by every unit. `lock` guards `value`.
private final class AuthorizationState: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?

    var header: String? { lock.withLock { value } }

    func set(_ header: String) { lock.withLock { value = header } }
}
