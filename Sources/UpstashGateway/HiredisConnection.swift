import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection (RESP2) to redis-server.
///
/// Connects lazily and reconnects after any I/O or protocol error: a broken context is freed and the
/// next ``execute(_:)`` opens a new one. All calls block the calling thread, so they must run on a
/// thread of ``RedisConnectionPool``, never on a NIO event loop.
///
/// `@unchecked Sendable`: the class holds a raw `redisContext *`, which hiredis does not allow to be used
/// from two threads at once. ``RedisConnectionPool`` guarantees exclusive use: a connection is either
/// idle in the pool (touched by nobody) or lent to exactly one borrower, and the pool's lock orders the
/// hand-over between threads. Nothing else keeps a reference.
final class HiredisConnection: @unchecked Sendable {
    /// Where and how to connect.
    struct Endpoint: Sendable, Hashable {
        var host: String
        var port: Int
        var connectTimeoutMilliseconds: Int
        var commandTimeoutMilliseconds: Int
    }

    private let endpoint: Endpoint
    private var context: UnsafeMutablePointer<redisContext>?

    /// Creates a connection that connects on first use.
    /// - Parameter endpoint: Where and how to connect.
    init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Whether a connected context is currently held.
    var isConnected: Bool { self.context != nil }

    /// Opens the connection if it is not open, first dropping an idle connection the server has closed.
    /// - Throws: ``GatewayError`` with code `redisUnavailable` when the connection cannot be opened.
    func connectIfNeeded() throws(GatewayError) {
        if let context = self.context {
            if !Self.isStale(context) { return }
            self.close()
        }
        guard
            let context = tick_hiredis_connect(
                self.endpoint.host,
                Int32(clamping: self.endpoint.port),
                self.endpoint.connectTimeoutMilliseconds
            )
        else {
            throw GatewayError.redisUnavailable("could not allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let message = Self.errorText(context)
            redisFree(context)
            throw GatewayError.redisUnavailable(
                "\(message) (\(self.endpoint.host):\(self.endpoint.port))"
            )
        }
        if tick_hiredis_set_timeout(context, self.endpoint.commandTimeoutMilliseconds) != REDIS_OK {
            let message = Self.errorText(context)
            redisFree(context)
            throw GatewayError.redisUnavailable(message)
        }
        self.context = context
    }

    /// Closes the connection; the next use reconnects.
    func close() {
        if let context {
            redisFree(context)
            self.context = nil
        }
    }

    /// Sends all `commands` in one write (pipelined) and reads one reply per command, in order.
    ///
    /// Redis error replies are returned as ``RESPValue/error(_:)`` values. An I/O or protocol failure
    /// closes the connection and throws: the caller cannot know which commands ran.
    /// - Parameter commands: The commands to send; none may be empty.
    /// - Returns: One reply per command.
    /// - Throws: ``GatewayError`` with code `redisUnavailable` when Redis cannot be reached or the exchange breaks.
    func execute(_ commands: [RedisCommand]) throws(GatewayError) -> [RESPValue] {
        try self.connectIfNeeded()
        guard let context = self.context else {
            throw GatewayError.redisUnavailable("not connected")
        }
        for command in commands {
            guard Self.append(command, to: context) == REDIS_OK else {
                throw self.fail(context)
            }
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var reply: UnsafeMutablePointer<redisReply>?
            guard tick_hiredis_get_reply(context, &reply) == REDIS_OK, let reply else {
                throw self.fail(context)
            }
            replies.append(Self.copy(reply))
            freeReplyObject(reply)
        }
        return replies
    }

    // MARK: Helpers

    /// Formats `command` into the context's output buffer with `redisAppendCommandArgv`.
    ///
    /// All arguments are laid out in one contiguous buffer so that one pointer per argument is
    /// valid for the duration of the call (hiredis copies them).
    private static func append(_ command: RedisCommand, to context: UnsafeMutablePointer<redisContext>) -> Int32 {
        var storage: [UInt8] = []
        var lengths: [Int] = []
        var offsets: [Int] = []
        lengths.reserveCapacity(command.arguments.count)
        offsets.reserveCapacity(command.arguments.count)
        for argument in command.arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)  // never empty, so the base address is never nil
        return storage.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return REDIS_ERR }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars -> Int32 in
                var argv: [UnsafePointer<CChar>?] = offsets.map { chars + $0 }
                return argv.withUnsafeMutableBufferPointer { argvBuffer -> Int32 in
                    lengths.withUnsafeBufferPointer { lengthBuffer -> Int32 in
                        redisAppendCommandArgv(
                            context,
                            Int32(argvBuffer.count),
                            argvBuffer.baseAddress,
                            lengthBuffer.baseAddress
                        )
                    }
                }
            }
        }
    }

    /// Copies a hiredis reply tree into a ``RESPValue``.
    private static func copy(_ reply: UnsafePointer<redisReply>) -> RESPValue {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .bulkString(Self.bytes(value.str, value.len))
        case REDIS_REPLY_STATUS:
            return .status(Self.bytes(value.str, value.len))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(value.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: Self.bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_ARRAY:
            var elements: [RESPValue] = []
            elements.reserveCapacity(value.elements)
            if let children = value.element {
                for index in 0..<value.elements {
                    if let child = children[index] {
                        elements.append(Self.copy(child))
                    } else {
                        elements.append(.null)
                    }
                }
            }
            return .array(elements)
        default:
            return .error("ERR unsupported reply type \(value.type) from Redis")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Whether an idle connection has something to read.
    ///
    /// In RESP2 nothing arrives unasked, so that is an EOF (redis-server restarted, idle timeout) or a closing error. Checking before sending avoids
    /// answering HTTP 500 for a command that would have worked on a fresh connection, without ever
    /// sending a command twice. One non-blocking `poll`, about a microsecond.
    private static func isStale(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: context.pointee.errstr) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? "hiredis error \(context.pointee.err)" : text
    }

    /// Records the context's error, drops the connection and returns the error to throw.
    private func fail(_ context: UnsafeMutablePointer<redisContext>) -> GatewayError {
        let message = Self.errorText(context)
        self.close()
        return GatewayError.redisUnavailable(message)
    }
}
