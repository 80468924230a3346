import Foundation

/// Where images are pushed: `HOST[:PORT]/PATH` (`ghcr.io/acme/hello`, `127.0.0.1:5000/hello`).
package struct RegistryRepository: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int?
    /// The repository name inside the registry (`acme/hello`).
    package var path: String

    package init(host: String, port: Int? = nil, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses `HOST[:PORT]/PATH`; nil when it is not one (no host, a bad port, a path a registry
    /// would refuse). A host is required: Shipdeck never guesses Docker Hub.
    package init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"), slash != text.startIndex else { return nil }
        let authority = String(text[..<slash])
        let path = String(text[text.index(after: slash)...])
        var host = authority
        var port: Int?
        if authority.hasPrefix("[") {  // [::1]:5000
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[...close])
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        }
        let hostOK =
            host.hasPrefix("[")
            || (!host.isEmpty
                && host.unicodeScalars.allSatisfy { c in
                    c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "-")
                })
        guard hostOK, ImageTag.isValidRepositoryName(path) else { return nil }
        self.init(host: host.lowercased(), port: port, path: path)
    }

    package var authority: String { port.map { "\(host):\($0)" } ?? host }

    package var description: String { "\(authority)/\(path)" }

    /// localhost, 127.0.0.0/8 or ::1: the only hosts `insecure` (plain HTTP) may talk to.
    package var isLoopback: Bool { Self.isLoopback(host: host) }

    package static func isLoopback(host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "[::1]" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `http(s)://authority/v2/<path>/<suffix>`.
    package func url(_ suffix: String, insecure: Bool) -> URL {
        URL(string: "\(insecure ? "http" : "https")://\(authority)/v2/\(path)/\(suffix)")!
    }

    /// `http(s)://authority/v2/`: the API version check.
    package func versionCheckURL(insecure: Bool) -> URL {
        URL(string: "\(insecure ? "http" : "https")://\(authority)/v2/")!
    }
}
