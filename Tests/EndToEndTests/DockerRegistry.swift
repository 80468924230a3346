import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import ShipdeckEngine

/// Debian's `docker-registry` (the CNCF distribution registry), started by a test on a free
/// loopback port with its storage in a temp folder: no authentication, htpasswd (Basic), or
/// token authentication against Tests/Fixtures/registry-token/server.py (Bearer).
final class DockerRegistry: @unchecked Sendable {
    enum Auth {
        case none
        case basic(user: String, password: String)
        case token(user: String, password: String)
    }

    static let binary = "/usr/bin/docker-registry"
    let directory: URL
    let process = Process()
    let log: URL
    private(set) var port = 0
    private var tokenServer: Process?
    private let tokenInput = Pipe()
    private(set) var tokenPort = 0

    var authority: String { "127.0.0.1:\(port)" }

    /// - Parameter port: 0 for any free port.
    init(auth: Auth = .none, port fixedPort: Int = 0) throws {
        directory = TestSupport.temporaryDirectory("registry")
        log = directory.appendingPathComponent("registry.log")
        var authSection = ""
        switch auth {
        case .none:
            break
        case .basic(let user, let password):
            let htpasswd = directory.appendingPathComponent("htpasswd")
            let made = TestSupport.run("/usr/bin/htpasswd", ["-Bbc", htpasswd.path, user, password], in: directory)
            guard made.status == 0 else { throw ShipdeckError(.process, "htpasswd failed: \(made.combined)") }
            authSection = "auth:\n  htpasswd:\n    realm: shipdeck-test\n    path: \(htpasswd.path)\n"
        case .token(let user, let password):
            let (port, cert) = try startTokenServer(user: user, password: password)
            tokenPort = port
            authSection = """
                auth:
                  token:
                    realm: http://127.0.0.1:\(port)/token
                    service: shipdeck-test-registry
                    issuer: shipdeck-test-issuer
                    rootcertbundle: \(cert)

                """
        }
        let storage = directory.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("config.yml")
        try """
            version: 0.1
            log:
              level: info
              formatter: text
            storage:
              filesystem:
                rootdirectory: \(storage.path)
            http:
              addr: 127.0.0.1:\(fixedPort)
              secret: shipdeck-test-secret
            \(authSection)
            """.write(to: config, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", config.path]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        // It logs `listening on 127.0.0.1:PORT` once the socket is bound.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let p = Int(digits) { port = p; break }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard port != 0 else {
            stop()
            throw ShipdeckError(.process, "docker-registry did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    private func startTokenServer(user: String, password: String) throws -> (Int, String) {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", TestSupport.fixtures.appendingPathComponent("registry-token/server.py").path, "--user", user,
            "--password", password, "--service", "shipdeck-test-registry", "--issuer", "shipdeck-test-issuer",
            "--dir", directory.path,
        ]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.standardError
        server.standardInput = tokenInput
        try server.run()
        tokenServer = server
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let fields = Dictionary(
            text.split(separator: " ").compactMap { part -> (String, String)? in
                let kv = part.split(separator: "=", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
            }, uniquingKeysWith: { a, _ in a })
        guard let port = fields["port"].flatMap(Int.init), let cert = fields["cert"] else {
            throw ShipdeckError(.process, "the token server did not start: \(text)")
        }
        return (port, cert)
    }

    /// A loopback port nothing listens on right now (bound, then released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { stop() }

    func stop() {
        process.stopServer()
        if let tokenServer, tokenServer.isRunning {
            try? tokenInput.fileHandleForWriting.close()
            tokenServer.stopServer()
        }
    }

    /// The access log's request lines (`"POST /v2/acme/hello/blobs/uploads/ HTTP/1.1" 202`).
    func requests() -> [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "] \""), !line.hasPrefix("time=") else { return nil }
            return String(line[start.upperBound...])
        }
    }

    /// Requests that started a blob upload or carried blob bytes.
    func blobUploads() -> [String] {
        requests().filter { line in
            (line.hasPrefix("POST ") || line.hasPrefix("PATCH ") || line.hasPrefix("PUT ")) && line.contains("/blobs/uploads/")
        }
    }

    /// How many token requests the token server answered, and how many it refused.
    func tokenRequests() throws -> (answered: Int, refused: Int) {
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let response = try transport.send(
            HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(tokenPort)/requests")!))
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] ?? [:]
        return (object["token_requests"] as? Int ?? -1, object["refused"] as? Int ?? -1)
    }
}
