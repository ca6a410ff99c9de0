import CLibPQ
import Synchronization

/// Keeps one PostgreSQL connection between the runs of one process (`tick drain`), so each run does not
/// pay a new connection (TCP, TLS negotiation, SCRAM: about 10 ms here, more over a network).
///
/// A connection that is no longer open, or was left inside a transaction, is closed and replaced.
/// Transaction poolers are fine: every statement tick sends is its own transaction.
public final class PostgresConnectionCache: Sendable {
    private let open: @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    private let cached = Mutex<PostgresConnection?>(nil)

    /// - Parameter open: opens a new connection, bounded by the given timeout.
    public init(open: @escaping @Sendable (Duration) throws(PostgresError) -> PostgresConnection) {
        self.open = open
    }

    /// The kept connection if it is usable, or a new one.
    public func connect(timeout: Duration) throws(PostgresError) -> PostgresConnection {
        if let connection = cached.withLock({ value in
            defer { value = nil }
            return value
        }) {
            if connection.isReusable { return connection }
            connection.close()
        }
        return try open(timeout)
    }

    /// Keeps `connection` for the next run.
    public func release(_ connection: PostgresConnection) {
        let previous = cached.withLock { value in
            defer { value = connection }
            return value
        }
        if let previous, previous !== connection { previous.close() }
    }

    /// Closes the kept connection.
    public func close() {
        cached.withLock { value in
            value?.close()
            value = nil
        }
    }
}

extension PostgresConnection {
    /// Open and outside any transaction: safe to hand to the next run.
    var isReusable: Bool { isOpen && transactionStatus == PQTRANS_IDLE }
}
