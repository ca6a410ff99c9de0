/// One HTTP request as the transport sends it.
struct HTTPRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }

    var method: Method
    var url: String
    /// Header lines, `Name: value`.
    var headers: [String]
    var body: [UInt8]
    /// Bound on establishing the connection (TCP and TLS).
    var connectTimeout: Duration
    /// Bound on the whole exchange, connection included.
    var totalTimeout: Duration
}

/// One HTTP response as the transport received it.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header names lower-cased; the last value of a repeated header wins.
    var headers: [String: String]
    var body: [UInt8]
}

/// Why an HTTP exchange produced no response.
struct TransportError: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// Nothing was sent: DNS failure, connection refused, TLS handshake failure.
        case notSent
        /// The request may have reached the server, but no complete reply came back in time.
        case timedOut
        /// The request may have reached the server; the connection failed before a full reply.
        case replyLost
        /// A local failure (out of memory, bad option): a bug or a broken installation.
        case local
    }

    var kind: Kind
    /// libcurl's own explanation, for example `Failed to connect to 127.0.0.1 port 9: Connection refused`.
    var message: String

    var description: String { message }
}

/// What libcurl's header and timeout conventions need, shared by ``CurlEasyHandle`` and ``CurlMultiDriver``.
enum CurlConventions {
    /// Adds one header line libcurl delivered to `headers` (names lower-cased, values trimmed; the last
    /// value of a repeated header wins). A status line starts a new response (after a `100 Continue`), so
    /// it clears what came before.
    static func appendHeader(_ line: UnsafeRawBufferPointer, to headers: inout [String: String]) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            if line.starts(with: "HTTP/".utf8) { headers.removeAll() }
            return
        }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        headers[name] = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: " \t\r\n")
    }

    /// A timeout option's value: whole milliseconds, at least 1 (0 would mean "none"), at most `Int32.max`.
    static func milliseconds(_ duration: Duration) -> Int {
        Int(max(1, min(duration.milliseconds.rounded(.up), Double(Int32.max))))
    }
}
