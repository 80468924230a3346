import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

extension HTTPTransportError {
    /// Turns what AsyncHTTPClient and NIO throw into a kind and a message a user can act on.
    static func classify(_ error: any Error, request: HTTPRequest) -> HTTPTransportError {
        var classified = describe(error, request: request)
        classified.message = redactingHeaders(classified.message, of: request)
        return classified
    }

    /// `message` without any of `request`'s header values (an error from below may quote them: a
    /// header that HTTP does not allow is named with its value).
    static func redactingHeaders(_ message: String, of request: HTTPRequest) -> String {
        var text = message
        for field in request.headers {
            var values = [field.value]
            // `Bearer TOKEN`, `Basic CREDENTIALS`: the credential alone is cut out too.
            if let space = field.value.firstIndex(of: " ") { values.append(String(field.value[space...].dropFirst())) }
            for value in values where value.count >= 4 {
                text = text.replacingOccurrences(of: value, with: "<redacted>")
            }
        }
        return text
    }

    private static func describe(_ error: any Error, request: HTTPRequest) -> HTTPTransportError {
        let what = "\(request.method) \(request.displayURL)"
        let hostPort = "\(request.url.host ?? "?")\(request.url.port.map { ":\($0)" } ?? "")"
        if error is CancellationError { return .init(kind: .cancelled, message: "\(what): cancelled") }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return .init(kind: .connect, message: "cannot connect to \(hostPort): timed out")
            case .readTimeout, .writeTimeout:
                return .init(kind: .timeout, message: "\(what): the server sent nothing for too long (\(error))")
            case .deadlineExceeded:
                return .init(kind: .timeout, message: "\(what): no complete response in time")
            case .remoteConnectionClosed, .uncleanShutdown, .requestStreamCancelled:
                return .init(kind: .connectionLost, message: "\(what): the server closed the connection")
            case .cancelled:
                return .init(kind: .cancelled, message: "\(what): cancelled")
            case .alreadyShutdown:
                return .init(kind: .shutDown, message: "\(what): the HTTP client is already shut down")
            case .invalidURL, .emptyHost, .emptyScheme:
                return .init(kind: .invalidRequest, message: "\(what): \(error)")
            case .bodyLengthMismatch:
                return .init(kind: .body, message: "\(what): the body was not as long as announced")
            default:
                // Its `description` may quote header values (invalidHeaderFieldValues lists them); the
                // short one never holds a value.
                if error.shortDescription.hasPrefix("Invalid header field") {
                    return .init(
                        kind: .invalidRequest,
                        message: "\(what): a request header has characters HTTP does not allow (values not shown)")
                }
                return .init(kind: .other, message: "\(what): \(error.shortDescription)")
            }
        }
        if let error = error as? NIOConnectionError {
            let reason = error.connectionErrors.first.map { Self.reason($0.error) }
                ?? error.dnsAError.map { "name not resolved (\($0))" } ?? "\(error)"
            return .init(kind: .connect, message: "cannot connect to \(hostPort): \(reason)")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL:
                return .init(kind: .connect, message: "cannot connect to \(hostPort): \(Self.reason(error))")
            case ECONNRESET, EPIPE, ECONNABORTED:
                return .init(kind: .connectionLost, message: "\(what): \(Self.reason(error))")
            default:
                return .init(kind: .other, message: "\(what): \(Self.reason(error))")
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return .init(kind: .connect, message: "cannot connect to \(hostPort): timed out")
            case .ioOnClosedChannel, .eof, .outputClosed, .inputClosed, .alreadyClosed:
                return .init(kind: .connectionLost, message: "\(what): the connection was closed")
            default:
                return .init(kind: .other, message: "\(what): \(error)")
            }
        }
        if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
            return .init(kind: .connect, message: "\(what): TLS: \(error)")
        }
        return .init(kind: .other, message: "\(what): \(error)")
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        return "\(error)"
    }
}
