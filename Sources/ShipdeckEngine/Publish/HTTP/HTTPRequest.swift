import Foundation

/// One header line. Names compare case-insensitively wherever Shipdeck looks them up.
package struct HTTPField: Sendable, Hashable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What an `HTTPRequest` sends after its headers.
///
/// Every case can be sent again: a retry after a connection reset re-opens the file or calls the
/// stream factory again, so callers never rewind anything themselves.
package enum HTTPBody: Sendable {
    /// No body (GET, HEAD, DELETE, and a POST that needs none).
    case none
    /// Bytes already in memory: JSON documents, manifests. Sent with `Content-Length`.
    case data(Data)
    /// `length` bytes of the file at `path` starting at `offset`, read from disk in chunks while they
    /// are sent (never whole in memory), with `Content-Length: length`. A file that is shorter than
    /// that when it is read fails the request (`HTTPTransportError.Kind.body`) instead of sending less.
    case file(path: String, offset: Int64 = 0, length: Int64)
    /// Chunks from a sequence made anew for every attempt. With `length` nil the request goes out with
    /// `Transfer-Encoding: chunked`; with a length, the chunks must add up to exactly that many bytes.
    case stream(length: Int64?, makeChunks: @Sendable () -> AsyncThrowingStream<Data, any Error>)

    /// The length the request announces, nil for chunked.
    package var length: Int64? {
        switch self {
        case .none: return 0
        case .data(let data): return Int64(data.count)
        case .file(_, _, let length): return length
        case .stream(let length, _): return length
        }
    }

    /// A file's whole content, streamed. Throws when the file cannot be read (naming it), so a missing
    /// asset is an error before any request is made.
    package static func contents(ofFile path: String) throws -> HTTPBody {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw HTTPTransportError(kind: .body, message: "cannot read \(path): \(error.localizedDescription)")
        }
        guard FileManager.default.isReadableFile(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular
        else {
            throw HTTPTransportError(kind: .body, message: "\(path) is not a readable regular file")
        }
        return .file(path: path, offset: 0, length: (attributes[.size] as? NSNumber)?.int64Value ?? 0)
    }
}

/// One HTTP request as the publish phase describes it: a value, so it can be logged (redacted),
/// printed by `--dry-run` and sent again by a retry.
///
/// Headers named in `sensitiveHeaderNames` (always `Authorization` and `Proxy-Authorization`) are
/// sent but never shown: `description`, `debugDescription`, `dump()` and every
/// `HTTPTransportError` print `<redacted>` in their place.
package struct HTTPRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var method: String
    package var url: URL
    package var headers: [HTTPField]
    package var body: HTTPBody
    /// The whole exchange must finish within this (nil: only the transport's idle timeout applies,
    /// which is right for a large upload).
    package var timeout: Duration?
    /// The response body is kept up to this many bytes; the rest is dropped and
    /// `HTTPResponse.bodyTruncated` is set.
    package var maxResponseBytes: Int
    /// Extra header names whose values must never be shown (lower-case).
    package var sensitiveHeaderNames: Set<String>
    /// Takes the body of a 2xx response as it arrives, instead of `HTTPResponse.body` (which then
    /// stays empty): a download of any size in constant memory. Other statuses keep their body.
    package var responseSink: (any HTTPResponseSink)?
    /// The URL's query is a credential (the signature of an object-storage download URL): every
    /// description and error shows `?<redacted>` in its place.
    package var secretQuery = false

    package static let alwaysSensitive: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    package init(
        method: String, url: URL, headers: [HTTPField] = [], body: HTTPBody = .none, timeout: Duration? = nil,
        maxResponseBytes: Int = 1 << 20, sensitiveHeaderNames: Set<String> = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.sensitiveHeaderNames = sensitiveHeaderNames
        self.responseSink = nil
    }

    /// Replaces every header of that name (case-insensitive) with one line.
    package mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append(HTTPField(name, value))
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package func isSensitive(_ name: String) -> Bool {
        let lower = name.lowercased()
        return Self.alwaysSensitive.contains(lower) || sensitiveHeaderNames.contains(lower)
    }

    /// `scheme://host[:port]/path[?query]` without any user info: what errors and logs name.
    package var displayURL: String {
        let shown = HTTPRequest.display(url)
        guard secretQuery, let mark = shown.firstIndex(of: "?") else { return shown }
        return shown[..<mark] + "?<redacted>"
    }

    static func display(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(a URL)" }
        components.user = nil
        components.password = nil
        return components.string ?? "(a URL)"
    }

    /// `METHOD URL`, then one indented line per header (sensitive values redacted) and the body's size:
    /// what `--dry-run` prints.
    package var description: String {
        var lines = ["\(method) \(displayURL)"]
        for field in headers {
            lines.append("  \(field.name): \(isSensitive(field.name) ? "<redacted>" : field.value)")
        }
        switch body {
        case .none: break
        case .data(let data): lines.append("  (body: \(data.count) bytes)")
        case .file(let path, let offset, let length):
            lines.append("  (body: \(length) bytes of \(path)\(offset > 0 ? " from byte \(offset)" : ""))")
        case .stream(let length, _): lines.append("  (body: \(length.map { "\($0) bytes" } ?? "chunked"))")
        }
        return lines.joined(separator: "\n")
    }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(self, children: ["request": description], displayStyle: .struct)
    }
}

/// Where a streamed response body goes (`HTTPRequest.responseSink`). `start()` comes first for each
/// response it receives, so a retried request starts over; `append` gets the bytes in order and may
/// throw to abandon the request (the error reaches the caller as an `HTTPTransportError` of kind
/// `.body`).
package protocol HTTPResponseSink: AnyObject, Sendable {
    func start()
    func append(_ bytes: UnsafeRawBufferPointer) throws
}
