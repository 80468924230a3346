import Foundation

/// What came back: status, headers and (at most `HTTPRequest.maxResponseBytes` of) the body.
/// Everything in it is the server's text: escape it (`UntrustedText`) before it reaches a terminal.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [HTTPField]
    package var body: Data
    /// The server sent more than the request's `maxResponseBytes`; `body` holds the start.
    package var bodyTruncated: Bool

    package init(status: Int, headers: [HTTPField] = [], body: Data = Data(), bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// The first header of that name (case-insensitive).
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Every header of that name, in order (`WWW-Authenticate` may come more than once).
    package func headers(named name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    package var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as text (invalid UTF-8 repaired), for messages. Still untrusted.
    package var bodyText: String { String(decoding: body, as: UTF8.self) }
}
