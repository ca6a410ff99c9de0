import HTTPTypes
import Hummingbird
import NIOCore

/// Answers every HTTP request: method and auth checks, routing, body parsing, running the command(s)
/// and writing the JSON reply.
struct GatewayResponder: HTTPResponder {
    typealias Context = BasicRequestContext

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

    func respond(to request: Request, context: Context) async throws -> Response {
        let reply: Reply
        do throws(GatewayError) {
            reply = try await self.handle(request)
        } catch {
            reply = Reply(status: error.code.httpStatus, body: JSONReplyWriter.error(error.message))
        }
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
