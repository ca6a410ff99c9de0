import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server that answers each request with the next of a scripted list of replies,
/// to inject the transient failures (503, 429, a dropped connection, a stall) that a real gateway
/// does not produce on demand. It listens on 127.0.0.1 on an ephemeral port and counts requests.
final class ScriptedHTTPServer: Sendable {
    enum Reply: Sendable {
        case status(Int, body: String, headers: [String] = [])
        /// Close the connection after reading the request, without a reply.
        case drop
        /// Read the request and send nothing for this long, then close.
        case stall(seconds: Double)
    }

    let port: Int
    private let socket: Int32
    private let state: Mutex<State>

    private struct State { var replies: [Reply]; var requests = 0; var lastHeaders = "" }

    init(replies: [Reply]) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.socket = fd
        self.state = Mutex(State(replies: replies))
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    /// Requests received so far.
    var requests: Int { state.withLock { $0.requests } }

    /// The header block of the last request, lower-cased.
    var lastHeaders: String { state.withLock { $0.lastHeaders } }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting. Only the serving thread closes the socket, once its `accept` fails: closing it here
    /// would let the descriptor number be reused by a parallel test's server while this thread still
    /// accepts on it, stealing that server's connections.
    func stop() { shutdown(socket, Int32(SHUT_RDWR)) }

    /// A loopback port that refuses connections and that no other test can take while `body` runs: a socket
    /// bound to it that never listens. (A closed port could be handed to a parallel test's server.)
    static func withRefusingPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    private func serve() {
        while true {
            let client = accept(socket, nil, nil)
            guard client >= 0 else {
                close(socket)
                return
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            while let head = readRequest(client) {
                let reply: Reply = state.withLock { state in
                    state.requests += 1
                    state.lastHeaders = head
                    return state.replies.isEmpty ? .status(500, body: #"{"error":"script exhausted"}"#) : state.replies.removeFirst()
                }
                switch reply {
                case .status(let code, let body, let headers):
                    let head = (["HTTP/1.1 \(code) Scripted", "Content-Type: application/json", "Content-Length: \(body.utf8.count)"] + headers).joined(separator: "\r\n")
                    let bytes = Array((head + "\r\n\r\n" + body).utf8)
                    _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    continue
                case .drop:
                    break
                case .stall(let seconds):
                    usleep(useconds_t(seconds * 1_000_000))
                }
                break
            }
            close(client)
        }
    }

    /// Reads one request (headers and a Content-Length body); nil when the peer closed.
    private func readRequest(_ fd: Int32) -> String? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if data.count - end.upperBound >= length { return head }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[..<n])
        }
    }
}
