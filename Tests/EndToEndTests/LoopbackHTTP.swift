import Foundation
import ShipdeckEngine

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A blocking HTTP/1.1 request to a test server on 127.0.0.1, over a plain socket on the calling
/// thread: one connection per request (`Connection: close`), read to end-of-file.
///
/// Tests use it to drive and inspect their stand-in servers from synchronous test bodies, which hold
/// their thread while they wait. On Swift's cooperative pool, where those bodies used to run, a client
/// that itself needed a pool thread (AsyncHTTPClient streams a request body from a `Task`) could wait
/// forever for a thread that only its own caller could free. The end-to-end suites now run on threads
/// of their own (OwnThreads.swift); this client still needs no other thread.
enum LoopbackHTTP {
    struct Response {
        var status: Int
        var body: Data
    }

    /// Sends `method path` with `body` (JSON) to `127.0.0.1:port`; throws on a connection error
    /// or when no complete answer came within `timeout` seconds (a hang guard, not a timing).
    static func request(
        _ method: String, port: Int, path: String, body: Data? = nil, timeout: Int = 120
    ) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw failure("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }

        let payload = body ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: shipdeck-tests\r\n"
        head += "Connection: close\r\nContent-Length: \(payload.count)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        try write(fd, Data((head + "\r\n").utf8) + payload)

        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("\(method) \(path): read: \(String(cString: strerror(errno))) after \(answer.count) bytes")
            }
            answer.append(contentsOf: buffer[0..<count])
        }
        return try parse(answer, what: "\(method) \(path)")
    }

    private static func write(_ fd: Int32, _ data: Data) throws {
        var sent = 0
        while sent < data.count {
            let count = data.withUnsafeBytes { send(fd, $0.baseAddress! + sent, data.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("write: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// The status and body of a whole HTTP/1.1 answer (Content-Length, chunked, or to end-of-file).
    static func parse(_ answer: Data, what: String) throws -> Response {
        guard let end = answer.range(of: Data("\r\n\r\n".utf8)) else {
            throw failure("\(what): no complete answer (\(answer.count) bytes)")
        }
        let head = String(decoding: answer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let words = head.first?.split(separator: " ") ?? []
        guard words.count >= 2, let status = Int(words[1]) else { throw failure("\(what): bad status line \(head.first ?? "")") }
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(answer[end.upperBound...])
        if let length = fields["content-length"].flatMap(Int.init) {
            guard body.count >= length else { throw failure("\(what): body cut at \(body.count) of \(length) bytes") }
            body = body.prefix(length)
        } else if fields["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body, what: what)
        }
        return Response(status: status, body: body)
    }

    private static func dechunk(_ data: Data, what: String) throws -> Data {
        var out = Data()
        var rest = data[...]
        while let line = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? -1
            guard size >= 0 else { throw failure("\(what): bad chunk size") }
            if size == 0 { return out }
            let start = line.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { throw failure("\(what): chunk cut") }
            let stop = rest.index(start, offsetBy: size)
            out.append(rest[start..<stop])
            rest = rest[rest.index(stop, offsetBy: 2)...]
        }
        throw failure("\(what): chunked body without its last chunk")
    }

    private static func failure(_ text: String) -> ShipdeckError { ShipdeckError(.process, "loopback HTTP: \(text)") }
}
