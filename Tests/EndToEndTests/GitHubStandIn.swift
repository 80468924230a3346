import Foundation
import ShipdeckEngine

/// Tests/Fixtures/github-api/server.py, started on loopback for one test: GitHub's release endpoints
/// as the published description defines them, validating every request Shipdeck sends.
final class GitHubStandIn: @unchecked Sendable {
    static let token = "ghp_canary_7f3c1d9e2b4a6058_do_not_print"
    let process = Process()
    let stdin = Pipe()
    let apiPort: Int
    let uploadsPort: Int

    var apiURL: String { "http://127.0.0.1:\(apiPort)" }
    var uploadsURL: String { "http://127.0.0.1:\(uploadsPort)" }

    /// - Parameter repositories: the `owner/name`s that exist.
    /// - Parameter directDownload: asset downloads answered with the bytes (200), not a 302 to the
    ///   object-store port.
    init(repositories: [String] = ["octo/hello"], noDigest: Bool = false, directDownload: Bool = false) throws {
        let fixture = TestSupport.fixtures.appendingPathComponent("github-api")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixture.appendingPathComponent("server.py").path,
                             "--spec", fixture.appendingPathComponent("releases-api.json").path,
                             "--token", Self.token] + repositories.flatMap { ["--repo", $0] }
            + (noDigest ? ["--no-digest"] : []) + (directDownload ? ["--direct-download"] : [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        process.standardInput = stdin
        try process.run()
        // The first line says the ports; importing the validator can take long on a loaded machine.
        var line = Data()
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let ports = text.split(separator: " ").compactMap { $0.split(separator: "=").last.flatMap { Int($0) } }
        guard ports.count == 3 else {
            process.terminate()
            throw ShipdeckError(.process, "the GitHub stand-in did not start: \(text)")
        }
        apiPort = ports[0]
        uploadsPort = ports[1]
    }

    deinit { stop() }

    /// Ends the server: end-of-file on its stdin, then `stopServer()` (SIGTERM, then SIGKILL).
    func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        process.stopServer()
    }

    /// One control request (`/__control/…`) on the API port; throws unless the answer is 2xx.
    private func control(_ method: String, _ path: String, json: Any? = nil) throws -> Data {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try LoopbackHTTP.request(method, port: apiPort, path: path, body: body)
        guard (200..<300).contains(response.status) else {
            throw ShipdeckError(.process, "the GitHub stand-in answered \(response.status) to \(method) \(path): \(String(decoding: response.body, as: UTF8.self))")
        }
        return response.body
    }

    /// The config section for this server.
    func publishYAML(repository: String = "octo/hello", extra: String = "") -> String {
        """
        publish:
          github:
            repository: \(repository)
            token_env: SHIPDECK_TEST_GITHUB_TOKEN
            api_url: \(apiURL)
            upload_url: \(uploadsURL)
        \(extra.isEmpty ? "" : "    " + extra + "\n")
        """
    }

    struct State: Decodable {
        struct Asset: Decodable {
            var name: String
            var state: String
            var size: Int64
            var sha256: String
        }

        struct Release: Decodable {
            var id: Int
            var tag_name: String
            var draft: Bool
            var body: String?
        }

        struct Entry: Decodable {
            var method: String?
            var path: String?
            var status: Int?
            var uploaded: String?
            var deleted: String?
            var sha256: String?
            /// An asset's bytes were served, on `port` (`api`, or `downloads` after a redirect).
            var downloaded: String?
            var port: String?
        }

        var releases: [Release]
        var assets: [Asset]
        var log: [Entry]
        var violations: [String]
        var upload_bytes: Int64
        /// Upload bodies the server is reading now.
        var uploading: Int

        func uploads(of name: String) -> Int { log.filter { $0.uploaded == name }.count }
        func downloads(of name: String, port: String) -> Int {
            log.filter { $0.downloaded == name && $0.port == port }.count
        }
    }

    func state() throws -> State {
        try JSONDecoder().decode(State.self, from: control("GET", "/__control/state"))
    }

    /// Faults, as server.py's doc comment describes them.
    func inject(_ faults: [[String: Any]]) throws {
        _ = try control("POST", "/__control/faults", json: faults)
    }

    /// Seeds a release (a test's precondition); returns its id.
    func seedRelease(tag: String, repository: String = "octo/hello", draft: Bool) throws -> Int {
        let body = try control("POST", "/__control/release", json: ["tag_name": tag, "repo": repository, "draft": draft])
        return try JSONDecoder().decode(State.Release.self, from: body).id
    }

    /// Seeds a complete asset holding `data` on release `releaseID`.
    func seedAsset(releaseID: Int, name: String, data: String) throws {
        _ = try control("POST", "/__control/asset", json: ["release_id": releaseID, "name": name, "data": data])
    }

    /// Polls until `condition` holds or `timeout` passes.
    func wait(timeout: TimeInterval = 120, _ condition: (State) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(try state()) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
