import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The one HTTP client of the publish phase (GitHub Releases, OCI registries), built on
/// AsyncHTTPClient and callable from the engine's Dispatch threads.
///
/// Make one per publish, share it between every unit, and shut it down at the end — or let
/// `HTTPTransport.using(_:)` do both:
///
/// ```swift
/// let response = try HTTPTransport.using { http in
///     var request = HTTPRequest(method: "PUT", url: location, body: try .contents(ofFile: blobPath))
///     request.setHeader("Content-Type", "application/octet-stream")
///     return try http.send(request) { sent in progress(sent) }   // bytes of the body handed over so far
/// }
/// if !response.isSuccess { … response.status, response.header("Docker-Upload-UUID"), response.bodyText … }
/// ```
///
/// - `send(_:progress:cancellation:)` blocks the calling thread until the response is complete (never
///   call it on an event-loop thread); `send(_:progress:cancellation:) async` is the same for async code.
/// - Bodies: none, in-memory data, a file range streamed from disk with a known length, or a chunk
///   stream (`Transfer-Encoding: chunked` when the length is nil). See `HTTPBody`.
/// - Any HTTP status is a response; only a failure to get one throws `HTTPTransportError`, whose
///   `kind` tells a broken connection from a refused one, a timeout or a cancellation.
/// - Redirects are not followed (a 3xx is returned), so an `Authorization` header never travels to a
///   host the caller did not choose. Response bodies are not decompressed.
/// - Nothing here logs. Header values are never part of a description or an error: see
///   `HTTPRequest.description` for what `--dry-run` may print.
/// - Retrying is the caller's decision; `HTTPRetryPolicy` says when and how long to wait, and
///   `send(_:retry:progress:cancellation:onRetry:)` runs that loop.
package final class HTTPTransport: Sendable {
    package struct Options: Sendable {
        /// Give up connecting after this long.
        package var connectTimeout: Duration = .seconds(10)
        /// Fail when the server sends nothing for this long (a stalled server), however long the whole
        /// exchange takes.
        package var idleTimeout: Duration = .seconds(60)
        package var userAgent = "shipdeck"

        package init() {}
    }

    private let client: HTTPClient
    package let options: Options

    package init(options: Options = Options()) {
        self.options = options
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(options.connectTimeout), read: TimeAmount(options.idleTimeout))
        configuration.decompression = .disabled
        // A refused or failed connection fails its request at once; HTTPRetryPolicy decides about
        // sending again (AsyncHTTPClient's own default would retry until the connect timeout, 10 s
        // per attempt, silently).
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Runs `body` with a new transport and shuts it down afterwards, also when `body` throws.
    package static func using<T>(options: Options = Options(), _ body: (HTTPTransport) throws -> T) throws -> T {
        let transport = HTTPTransport(options: options)
        defer { transport.shutdown() }
        return try body(transport)
    }

    /// Closes every connection. Requests after this throw `.shutDown`. Call it from a thread that is
    /// not an event loop; a second call does nothing.
    package func shutdown() {
        try? client.syncShutdown()
    }

    // MARK: Sending

    /// Sends `request` and waits for the whole response.
    /// - Parameters:
    ///   - progress: called with the number of body bytes handed to the connection so far (from a
    ///     transport thread; keep it quick).
    ///   - cancellation: `cancel()` on it from any thread ends the request with `.cancelled`.
    package func send(
        _ request: HTTPRequest, progress: (@Sendable (Int64) -> Void)? = nil, cancellation: HTTPCancellation? = nil
    ) throws -> HTTPResponse {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil, "HTTPTransport.send blocks: not on an event loop")
        let outcome = BlockingResult<HTTPResponse>()
        // The request's task runs on threads of its own, not Swift's cooperative pool: a caller that
        // blocks a pool thread here (a synchronous test; a thread of the pool's width) must not be
        // what the request waits for. Two such callers at once on 2 cores would otherwise wait forever.
        // AsyncHTTPClient still streams a request *body* from a task of its own on the pool, so
        // callers that send bodies (the engine's uploads) call this from Dispatch threads.
        let task = Task(executorPreference: BlockingSendExecutor.shared) {
            do {
                outcome.finish(.success(try await self.send(request, progress: progress)))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        cancellation?.attach { task.cancel() }
        defer { cancellation?.detach() }
        return try outcome.wait().get()
    }

    package func send(
        _ request: HTTPRequest, progress: (@Sendable (Int64) -> Void)? = nil, cancellation: HTTPCancellation? = nil
    ) async throws -> HTTPResponse {
        if let cancellation {
            let task = Task { try await self.execute(request, progress: progress) }
            cancellation.attach { task.cancel() }
            defer { cancellation.detach() }
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        }
        return try await execute(request, progress: progress)
    }

    private func execute(_ request: HTTPRequest, progress: (@Sendable (Int64) -> Void)?) async throws -> HTTPResponse {
        if Task.isCancelled { throw HTTPTransportError(kind: .cancelled, message: "\(request.method) \(request.displayURL): cancelled") }
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            request.url.host != nil
        else {
            throw HTTPTransportError(
                kind: .invalidRequest, message: "\(request.displayURL) is not an http:// or https:// URL with a host")
        }
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method.uppercased())
        if request.header("User-Agent") == nil { outgoing.headers.add(name: "User-Agent", value: options.userAgent) }
        for field in request.headers { outgoing.headers.add(name: field.name, value: field.value) }
        switch request.body {
        case .none:
            break
        case .data(let data):
            outgoing.body = .stream(
                ProgressChunks(chunks: AsyncThrowingStream { $0.yield(data); $0.finish() }, progress: progress),
                length: .known(Int64(data.count)))
        case .file(let path, let offset, let length):
            let chunks = try FileRangeChunks(path: path, offset: offset, length: length, progress: progress)
            outgoing.body = .stream(chunks, length: .known(length))
        case .stream(let length, let makeChunks):
            outgoing.body = .stream(
                ProgressChunks(chunks: makeChunks(), progress: progress), length: length.map { .known($0) } ?? .unknown)
        }
        let deadline = request.timeout.map { NIODeadline.now() + TimeAmount($0) } ?? .distantFuture
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let headers = response.headers.map { HTTPField($0.name, $0.value) }
            var body = Data()
            var truncated = false
            if let sink = request.responseSink, (200..<300).contains(Int(response.status.code)) {
                sink.start()
                for try await buffer in response.body {
                    do {
                        try buffer.withUnsafeReadableBytes { try sink.append($0) }
                    } catch {
                        throw HTTPTransportError(
                            kind: .body, message: "\(request.method) \(request.displayURL): \(error.localizedDescription)")
                    }
                }
                return HTTPResponse(status: Int(response.status.code), headers: headers)
            }
            for try await var buffer in response.body {
                let room = request.maxResponseBytes - body.count
                if buffer.readableBytes > room {
                    if room > 0, let bytes = buffer.readBytes(length: room) { body.append(contentsOf: bytes) }
                    truncated = true
                    break
                }
                if let bytes = buffer.readBytes(length: buffer.readableBytes) { body.append(contentsOf: bytes) }
            }
            return HTTPResponse(status: Int(response.status.code), headers: headers, body: body, bodyTruncated: truncated)
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw HTTPTransportError.classify(error, request: request)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Runs the jobs of `send`'s blocking form on a thread outside the cooperative pool. The queue is
/// serial on purpose: on Linux a concurrent queue draws on the same width-limited root queue as
/// the cooperative pool, so its jobs wait when every pool thread is blocked; a serial queue runs on
/// libdispatch's overcommit threads, which are made as needed. Jobs never block, so one queue for
/// every blocking send is enough.
private final class BlockingSendExecutor: TaskExecutor {
    static let shared = BlockingSendExecutor()
    private let queue = DispatchQueue(label: "shipdeck.http.blocking-send")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// One result handed from a task to a waiting thread. `lock` guards `result`.
private final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    private let lock = NSCondition()
    private var result: Result<Value, any Error>?

    func finish(_ value: Result<Value, any Error>) {
        lock.lock()
        result = value
        lock.signal()
        lock.unlock()
    }

    func wait() -> Result<Value, any Error> {
        lock.lock()
        defer { lock.unlock() }
        while result == nil { lock.wait() }
        return result!
    }
}
