import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Answers every HTTP request: method and auth checks, routing, body parsing, running the command(s)
/// and writing the JSON reply; with a fault injector, fails some requests on purpose (docs/gateway.md).
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    /// The status and JSON body of a reply before it becomes a `Response`.
    private struct Reply: Sendable {
        var status: Int
        var body: [UInt8]
    }

    let token: GatewayToken?
    let maxRequestBytes: Int
    let executor: CommandExecutor
    let syncTokens: SyncTokenClock
    let headerNames: GatewayHeaders
    /// Decides which requests fail on purpose; `nil` (the default) serves every request normally.
    let faults: FaultInjector?
    /// Added to every request (``GatewayConfiguration/latencyMilliseconds``): half before it runs, half before its reply.
    var latency: Duration = .zero
    /// Where injected faults are logged (at `debug`).
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        guard latency > .zero else { return try await self.respondNow(to: request, context: context) }
        try? await Task.sleep(for: latency / 2)
        let response = try await self.respondNow(to: request, context: context)
        try? await Task.sleep(for: latency - latency / 2)
        return response
    }

    private func respondNow(to request: Request, context: Context) async throws -> Response {
        guard let faults else { return self.response(await self.reply(to: request), for: request) }
        if Self.path(of: request) == FaultInjector.statsPath {
            return self.response(self.faultCounts(request, faults), for: request)
        }
        let fault = faults.next()
        if let fault { logger.debug("injecting a fault", metadata: ["fault": "\(fault)", "path": "\(Self.path(of: request))"]) }
        switch fault {
        case .status(let code)?:
            return self.response(Reply(status: code, body: JSONReplyWriter.error("ERR fault injected: HTTP \(code)")), for: request)
        case .dropBefore?:
            // The request arrived in full, then the connection dies: the command never ran.
            do { for try await _ in request.body {} } catch {}
            return await Self.drop(context)
        case .dropAfter?:
            _ = await self.reply(to: request)  // Redis runs the command; its reply is lost
            return await Self.drop(context)
        case .slow?:
            let reply = await self.reply(to: request)
            try? await Task.sleep(for: .milliseconds(faults.plan.slowMilliseconds))
            return self.response(reply, for: request)
        case nil:
            return self.response(await self.reply(to: request), for: request)
        }
    }

    /// Runs the request and turns a ``GatewayError`` into its JSON error reply.
    private func reply(to request: Request) async -> Reply {
        do throws(GatewayError) {
            return try await self.handle(request)
        } catch {
            return Reply(status: error.code.httpStatus, body: JSONReplyWriter.error(error.message))
        }
    }

    /// Closes the connection without a reply. The returned response is never sent: Hummingbird's write
    /// fails on the closed channel and it moves on.
    private static func drop(_ context: Context) async -> Response {
        try? await context.channel.close()
        return Response(status: .internalServerError)
    }

    /// `GET /_tick-gateway/faults`: the injector's counts, after the usual authorization; never faulted.
    private func faultCounts(_ request: Request, _ faults: FaultInjector) -> Reply {
        do throws(GatewayError) {
            try self.authorize(request, queryToken: RequestTarget(request.head.path ?? "/").queryToken)
        } catch {
            return Reply(status: error.code.httpStatus, body: JSONReplyWriter.error(error.message))
        }
        return Reply(status: 200, body: faults.counts.json(kinds: faults.plan.kinds))
    }

    /// The request's path without its query.
    private static func path(of request: Request) -> Substring {
        let target = request.head.path ?? "/"
        return target.prefix { $0 != "?" }
    }

    /// The `Response` for a reply, with the JSON content type and the next sync token.
    private func response(_ reply: Reply, for request: Request) -> Response {
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json"
        headers[self.headerNames.syncToken] = self.syncTokens.next()
        if request.method == .head {
            return Response(status: HTTPResponse.Status(code: reply.status), headers: headers)
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }

    private func handle(_ request: Request) async throws(GatewayError) -> Reply {
        let method = request.method
        guard method == .get || method == .post || method == .put || method == .head else {
            throw GatewayError.methodNotAllowed(method.rawValue)
        }
        let target = RequestTarget(request.head.path ?? "/")
        try self.authorize(request, queryToken: target.queryToken)

        let encoding: ReplyEncoding =
            request.headers[self.headerNames.encoding].map { $0.lowercased() == "base64" } == true
            ? .base64 : .plain
        let hasBody = method == .post || method == .put

        switch target.route {
        case .jsonCommand:
            guard hasBody else {
                throw GatewayError(.badRequest, "ERR no command: send a JSON array such as [\"PING\"] with POST")
            }
            let command = try JSONCommandParser.parseCommand(try await self.collectBody(request))
            return Self.singleReply(try await self.executor.single(command), encoding: encoding)

        case .pipeline, .transaction:
            guard hasBody else {
                throw GatewayError(.methodNotAllowed, "ERR method \(method.rawValue) is not allowed here; use POST")
            }
            let commands = try JSONCommandParser.parseCommandList(try await self.collectBody(request))
            if target.route == .pipeline {
                let replies = try await self.executor.pipeline(commands)
                return Reply(status: 200, body: JSONReplyWriter.entries(replies, encoding: encoding))
            }
            switch try await self.executor.transaction(commands) {
            case .committed(let replies):
                return Reply(status: 200, body: JSONReplyWriter.entries(replies, encoding: encoding))
            case .aborted(let message):
                return Reply(status: 400, body: JSONReplyWriter.error(message))
            }

        case .pathCommand(var arguments):
            if hasBody {
                let body = try await self.collectBody(request)
                if !body.isEmpty { arguments.append(body) }
            }
            let reply = try await self.executor.single(RedisCommand(arguments: arguments))
            return Self.singleReply(reply, encoding: encoding)
        }
    }

    private static func singleReply(_ reply: RESPValue, encoding: ReplyEncoding) -> Reply {
        Reply(status: reply.errorMessage == nil ? 200 : 400, body: JSONReplyWriter.single(reply, encoding: encoding))
    }

    /// Accepts `Authorization: Bearer TOKEN` or `?_token=TOKEN`; throws 401 otherwise.
    private func authorize(_ request: Request, queryToken: [UInt8]?) throws(GatewayError) {
        guard let token = self.token else { return }
        if let header = request.headers[.authorization] {
            let bytes = Array(header.utf8)
            let prefix = Array("bearer ".utf8)
            if bytes.count > prefix.count,
                bytes[..<prefix.count].map({ $0 | 0x20 }) == prefix.map({ $0 | 0x20 }),
                token.matches(bytes[prefix.count...].drop { $0 == UInt8(ascii: " ") })
            {
                return
            }
        }
        if let queryToken, token.matches(queryToken) {
            return
        }
        throw GatewayError.unauthorized
    }

    /// Reads the whole body, refusing more than `maxRequestBytes`.
    private func collectBody(_ request: Request) async throws(GatewayError) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > self.maxRequestBytes {
            throw GatewayError.requestTooLarge
        }
        var buffer = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard buffer.readableBytes + chunk.readableBytes <= self.maxRequestBytes else {
                    throw GatewayError.requestTooLarge
                }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(.badRequest, "ERR could not read the request body")
        }
        return Array(buffer.readableBytesView)
    }
}
