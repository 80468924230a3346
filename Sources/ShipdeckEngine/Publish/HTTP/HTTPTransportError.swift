import Foundation

/// A request that got no HTTP response (an HTTP error status is a response, not this error).
///
/// The message names the method and URL (without user info) and what went wrong; it never holds a
/// header value, so it is safe to show, log and journal.
package struct HTTPTransportError: Error, Sendable, CustomStringConvertible, Equatable {
    package enum Kind: String, Sendable {
        /// No connection: refused, no route, name not found, connect timeout.
        case connect
        /// The connection broke while the request or response was under way (reset, closed early).
        case connectionLost
        /// The server stopped sending for longer than the idle timeout, or the request's deadline passed.
        case timeout
        /// `HTTPCancellation.cancel()` or the calling task was cancelled.
        case cancelled
        /// The body could not be read from disk (missing file, shorter than announced).
        case body
        /// A URL or header the client refused before sending anything.
        case invalidRequest
        /// The transport was already shut down.
        case shutDown
        case other
    }

    package var kind: Kind
    package var message: String

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Worth sending again: the connection failed or broke, or the server was too slow.
    package var isRetryable: Bool { kind == .connect || kind == .connectionLost || kind == .timeout }

    package var description: String { message }
}
