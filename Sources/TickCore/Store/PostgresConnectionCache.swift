import CLibPQ
import Synchronization

/// Keeps PostgreSQL connections between the runs of one process (`tick drain`), so each run does not
/// pay a new connection (TCP, TLS negotiation, SCRAM: about 10 ms here, more over a network).
///
/// It keeps at most ``keep`` of them: a drain uses two per run in flight, one for the run under way and one to record
/// the end of the run before it (``RunEnding``). A connection that is no longer open, or was left inside a transaction, is
/// closed and replaced.
/// Transaction poolers are fine: every statement tick sends is its own transaction.
public final class PostgresConnectionCache: Sendable {
    private let open: @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    private let cached = Mutex<[PostgresConnection]>([])
    /// Connections kept at most.
    public let keep: Int

    /// - Parameters:
    ///   - keep: connections kept at most (2 by default: a drain's run and the previous run's ending).
    ///   - open: opens a new connection, bounded by the given timeout.
    public init(keep: Int = 2, open: @escaping @Sendable (Duration) throws(PostgresError) -> PostgresConnection) {
        self.keep = max(1, keep)
        self.open = open
    }

    /// The connection kept last if it is usable, or a new one.
    public func connect(timeout: Duration) throws(PostgresError) -> PostgresConnection {
        while let connection = cached.withLock({ $0.popLast() }) {
            if connection.isReusable { return connection }
            connection.close()
        }
        return try open(timeout)
    }

    /// Keeps `connection` for a later run, or closes it when ``keep`` are kept already.
    public func release(_ connection: PostgresConnection) {
        let kept = cached.withLock { value -> Bool in
            if value.contains(where: { $0 === connection }) { return true }
            guard value.count < keep else { return false }
            value.append(connection)
            return true
        }
        if !kept { connection.close() }
    }

    /// Closes the kept connections.
    public func close() {
        let connections = cached.withLock { value in
            defer { value = [] }
            return value
        }
        for connection in connections { connection.close() }
    }
}

extension PostgresConnection {
    /// Open and outside any transaction: safe to hand to the next run.
    var isReusable: Bool { isOpen && transactionStatus == PQTRANS_IDLE }
}
