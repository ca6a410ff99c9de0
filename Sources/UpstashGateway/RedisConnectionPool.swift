import Logging
import NIOPosix
import Synchronization

/// A fixed set of blocking hiredis connections, each exchange run on a dedicated thread.
///
/// Design:
/// - `size` ``HiredisConnection``s are created up front (unconnected; each connects on first use and
///   reconnects after a failure) and a private `NIOThreadPool` with the same number of threads runs the
///   blocking hiredis calls, so the NIO event loops never block and every borrowed connection always
///   has a free thread.
/// - A borrower takes an idle connection (last returned first, so a light load keeps few sockets busy)
///   or, when all are lent, waits in FIFO order for the next one returned.
/// - A connection is used by one borrower at a time; the lock hands it over between threads.
final class RedisConnectionPool: Sendable {
    private struct State: ~Copyable {
        var idle: [HiredisConnection]
        var waiters: [CheckedContinuation<HiredisConnection?, Never>] = []
        var waiterHead = 0
        var isShutDown = false
    }

    private let state: Mutex<State>
    private let threads: NIOThreadPool
    private let logger: Logger
    /// Whether the last exchange reached Redis; failures are logged once per outage, not per request.
    private let redisHealthy = Atomic<Bool>(true)
    /// How many connections the pool holds.
    let size: Int

    /// Creates a pool and starts its threads.
    ///
    /// Connections open lazily.
    /// - Parameters:
    ///   - configuration: Where Redis is and how many connections to keep.
    ///   - logger: Where connection failures are reported.
    init(configuration: GatewayConfiguration, logger: Logger) {
        let endpoint = HiredisConnection.Endpoint(
            host: configuration.redisHost,
            port: configuration.redisPort,
            connectTimeoutMilliseconds: configuration.redisConnectTimeoutMilliseconds,
            commandTimeoutMilliseconds: configuration.redisCommandTimeoutMilliseconds
        )
        let size = max(1, configuration.redisConnections)
        self.size = size
        self.logger = logger
        self.state = Mutex(State(idle: (0..<size).map { _ in HiredisConnection(endpoint: endpoint) }))
        self.threads = NIOThreadPool(numberOfThreads: size)
        self.threads.start()
    }

    /// Runs `body` with exclusive use of one connection, on a pool thread.
    ///
    /// - Parameter body: Blocking work on the connection; runs off the event loop.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``GatewayError`` with code `shuttingDown` when the pool is stopping.
    func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (HiredisConnection) throws(GatewayError) -> T
    ) async throws(GatewayError) -> T {
        let connection = try await self.checkOut()
        defer { self.checkIn(connection) }
        let result: Result<T, GatewayError>
        do {
            result = try await self.threads.runIfActive { () -> Result<T, GatewayError> in
                do throws(GatewayError) {
                    return .success(try body(connection))
                } catch {
                    return .failure(error)
                }
            }
        } catch is CancellationError {
            throw GatewayError(.shuttingDown, "ERR the request was cancelled")
        } catch {
            throw GatewayError(.shuttingDown, "ERR the gateway is shutting down")
        }
        self.recordHealth(result)
        return try result.get()
    }

    /// Sends `commands` pipelined on one connection and returns one reply per command.
    /// - Parameter commands: Commands to send, in order.
    /// - Returns: The replies, in order.
    /// - Throws: ``GatewayError`` when Redis cannot be reached or the pool is stopping.
    func execute(_ commands: [RedisCommand]) async throws(GatewayError) -> [RESPValue] {
        try await self.withConnection { connection throws(GatewayError) in
            try connection.execute(commands)
        }
    }

    /// Tries to open one connection, to report an unreachable Redis at start-up.
    /// - Returns: `nil` when connected, otherwise the error.
    func probe() async -> GatewayError? {
        do {
            _ = try await self.execute([RedisCommand("PING")])
            return nil
        } catch {
            return error
        }
    }

    /// Stops the threads and closes every idle connection.
    ///
    /// Later borrowers get a shutting-down error.
    func shutdown() async {
        let (idle, waiters) = self.state.withLock {
            state -> ([HiredisConnection], [CheckedContinuation<HiredisConnection?, Never>]) in
            state.isShutDown = true
            let idle = state.idle
            let waiters = Array(state.waiters[state.waiterHead...])
            state.idle = []
            state.waiters = []
            state.waiterHead = 0
            return (idle, waiters)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        try? await self.threads.shutdownGracefully()
        for connection in idle { connection.close() }
    }

    private func recordHealth<T>(_ result: Result<T, GatewayError>) {
        switch result {
        case .failure(let error) where error.code == .redisUnavailable:
            if self.redisHealthy.exchange(false, ordering: .relaxed) {
                self.logger.warning(
                    "redis is unreachable; answering HTTP 500 until it is back",
                    metadata: ["error": "\(error.message)"]
                )
            }
        case .success, .failure:
            if !self.redisHealthy.exchange(true, ordering: .relaxed) {
                self.logger.info("redis is reachable again")
            }
        }
    }

    // MARK: Borrowing

    private func checkOut() async throws(GatewayError) -> HiredisConnection {
        let connection: HiredisConnection? = await withCheckedContinuation { continuation in
            enum Outcome {
                case ready(HiredisConnection)
                case waiting, shutDown
            }
            let outcome = self.state.withLock { state -> Outcome in
                if state.isShutDown { return .shutDown }
                if let connection = state.idle.popLast() { return .ready(connection) }
                state.waiters.append(continuation)
                return .waiting
            }
            switch outcome {
            case .ready(let connection): continuation.resume(returning: connection)
            case .shutDown: continuation.resume(returning: nil)
            case .waiting: break
            }
        }
        guard let connection else {
            throw GatewayError(.shuttingDown, "ERR the gateway is shutting down")
        }
        return connection
    }

    private func checkIn(_ connection: HiredisConnection) {
        let waiter = self.state.withLock { state -> CheckedContinuation<HiredisConnection?, Never>? in
            if state.waiterHead < state.waiters.count {
                let waiter = state.waiters[state.waiterHead]
                state.waiterHead += 1
                if state.waiterHead == state.waiters.count {
                    state.waiters.removeAll(keepingCapacity: true)
                    state.waiterHead = 0
                }
                return waiter
            }
            if state.isShutDown {
                connection.close()
            } else {
                state.idle.append(connection)
            }
            return nil
        }
        waiter?.resume(returning: connection)
    }
}
