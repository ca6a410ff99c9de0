import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on loopback (Hummingbird) playing the user's endpoint for the `http` handler's tests.
///
/// Every request is recorded (path, headers, body, arrival time). Routes (all POST):
/// - `/ok`: 200 with `{"echo": <body>, "index": <Tick-Item-Index>}`.
/// - `/status/<code>`: that status with the body `status <code> body`; `?retry_after=<value>` adds `Retry-After`.
/// - `/slow/<ms>`: waits, then 200 `{"slept": ms}`; tracks the most requests in flight at once.
/// - `/redirect`: 301 to `/ok?token=secret-in-query`.
/// - `/big/<bytes>`: 200 with a JSON string body of about that many bytes.
/// - `/cursor`: a cursor job of 5 pages; page 2 answers 503 with `Retry-After: 0` the first time.
final class TestEndpoint: Sendable {
    struct Recorded: Sendable {
        var path: String
        /// Header names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
        var arrived: ContinuousClock.Instant
    }

    private struct State {
        var requests: [Recorded] = []
        var inFlight = 0
        var maxInFlight = 0
        var cursorFailed = false
    }

    let port: Int
    private let box: StateBox
    private let task: Task<Void, any Error>

    private init(port: Int, box: StateBox, task: Task<Void, any Error>) {
        self.port = port
        self.box = box
        self.task = task
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [Recorded] { box.state.withLock { $0.requests } }
    var maxInFlight: Int { box.state.withLock { $0.maxInFlight } }

    func stop() { task.cancel() }

    /// Starts the server on an ephemeral loopback port and returns once it listens.
    static func start() async throws -> TestEndpoint {
        let box = StateBox()
        let router = Router()
        router.post("/ok") { request, _ -> Response in
            let body = try await box.record(request, path: "/ok")
            let index = request.headers[HTTPField.Name("Tick-Item-Index")!] ?? "?"
            return json(.ok, #"{"echo": \#(String(decoding: body, as: UTF8.self)), "index": "\#(index)"}"#)
        }
        router.post("/status/:code") { request, context -> Response in
            let code = context.parameters.get("code", as: Int.self) ?? 500
            _ = try await box.record(request, path: "/status/\(code)")
            var headers = HTTPFields()
            if let value = request.uri.queryParameters.get("retry_after") { headers[.retryAfter] = value }
            return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: "status \(code) body")))
        }
        router.post("/slow/:ms") { request, context -> Response in
            let ms = context.parameters.get("ms", as: Int.self) ?? 0
            _ = try await box.record(request, path: "/slow/\(ms)")
            box.enter()
            defer { box.leave() }
            try await Task.sleep(for: .milliseconds(ms))
            return json(.ok, #"{"slept": \#(ms)}"#)
        }
        router.post("/redirect") { request, _ -> Response in
            _ = try await box.record(request, path: "/redirect")
            return Response(status: .movedPermanently, headers: [.location: "/ok?token=secret-in-query"])
        }
        router.post("/big/:bytes") { request, context -> Response in
            let bytes = context.parameters.get("bytes", as: Int.self) ?? 0
            _ = try await box.record(request, path: "/big/\(bytes)")
            return json(.ok, "\"" + String(repeating: "x", count: bytes) + "\"")
        }
        router.post("/cursor") { request, _ -> Response in
            let body = try await box.record(request, path: "/cursor")
            guard let page = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let number = page["page"] as? Int else {
                return json(.badRequest, #"{"error": "not a page"}"#)
            }
            if number == 2, box.failCursorOnce() {
                return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"], body: .init(byteBuffer: ByteBuffer(string: "try again")))
            }
            let next = number + 1 < 5 ? "\"c\(number + 1)\"" : "null"
            return json(.ok, #"{"next": \#(next), "result": {"page": \#(number), "cursor": \#(page["cursor"] is String ? "\"\(page["cursor"] ?? "")\"" : "null")}}"#)
        }

        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "test-endpoint")
                logger.logLevel = .critical
                return logger
            }()
        )
        let task = Task { try await application.runService() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        return TestEndpoint(port: port, box: box, task: task)
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The state the route closures share.
    private final class StateBox: Sendable {
        let state = Mutex(State())

        func record(_ request: Request, path: String) async throws -> [UInt8] {
            var buffer = try await request.body.collect(upTo: 1 << 20)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recorded = Recorded(path: path, headers: headers, body: body, arrived: .now)
            state.withLock { $0.requests.append(recorded) }
            return body
        }

        func enter() {
            state.withLock {
                $0.inFlight += 1
                $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
            }
        }

        func leave() { state.withLock { $0.inFlight -= 1 } }

        /// True the first time only.
        func failCursorOnce() -> Bool {
            state.withLock { state in
                defer { state.cursorFailed = true }
                return !state.cursorFailed
            }
        }
    }
}
