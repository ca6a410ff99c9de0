import CLibPQ
import Synchronization

/// One libpq connection (`PGconn*`) to PostgreSQL, with synchronous, throwing calls.
///
/// Calls block their thread; async code runs them through ``onThread(_:)``, on the connection's own thread, so
/// a slow server never holds a thread of Swift's cooperative pool. Everything it sends
/// works through a transaction-mode pooler (Supabase's PgBouncer/Supavisor on port 6543):
/// - every statement is an unnamed `PQexecParams` with its values as separate parameters, never a named
///   prepared statement and never a value spliced into SQL;
/// - there is no session state: no `SET` outside a transaction (``transaction(statementTimeout:_:)`` uses
///   `set_config(…, true)`, the parameterised `SET LOCAL`), no session advisory locks, no `LISTEN`, no
///   temporary tables;
/// - a unit of work that must be atomic runs in ``transaction(statementTimeout:_:)``.
///
/// The connection is closed by ``close()`` or when the object is released (`PQfinish`).
///
/// ## Sendable
/// `@unchecked Sendable` is justified because the only mutable state, the `PGconn*`, lives in a `Mutex`:
/// every libpq call on it runs while the lock is held, so two threads can never use the handle at once
/// (libpq allows a connection to be used by one thread at a time), and ``close()`` cannot free it while a
/// statement runs. The lock is not held across a transaction's body, so a transaction is meant for one
/// owner: interleaving statements from another thread would put them inside that transaction.
public final class PostgresConnection: @unchecked Sendable {
    /// Where this connection goes, with libpq's defaults filled in; never the password.
    public let endpoint: PostgresEndpoint
    /// The configuration the connection was opened with.
    public let configuration: PostgresConfiguration

    private let handle: Mutex<OpaquePointer?>
    private let redactor: PQRedactor
    /// Where ``onThread(_:)`` runs its calls.
    private let thread = IOThread()

    /// Connects, waiting at most the configuration's connect timeout.
    /// - Parameter configuration: where and how to connect.
    /// - Throws: ``PostgresError`` with code `timeout`, `connectionFailed`, `authenticationFailed` (with the
    ///   server's SQLSTATE, such as `28P01`) or `malformedConnectionString`.
    public init(configuration: PostgresConfiguration) throws(PostgresError) {
        let opened = try Self.open(configuration)
        self.configuration = configuration
        self.endpoint = opened.endpoint
        self.redactor = opened.redactor
        self.handle = Mutex(opened.connection)
    }

    deinit {
        handle.withLock { connection in
            if let open = connection { PQfinish(open) }
            connection = nil
        }
        thread.close()
    }

    /// Closes the connection. Later calls throw ``PostgresError`` with code `connectionClosed`; closing
    /// twice is harmless.
    public func close() {
        handle.withLock { connection in
            if let open = connection { PQfinish(open) }
            connection = nil
        }
        thread.close()
    }

    /// Runs `body` (this connection's blocking calls) on the connection's own thread, so the caller's task
    /// waits for PostgreSQL without holding a thread of Swift's cooperative pool.
    public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws(PostgresError) -> T) async throws(PostgresError) -> T {
        try await thread.run(body)
    }

    /// Whether the connection is open and libpq still considers it healthy.
    public var isOpen: Bool {
        handle.withLock { connection in
            connection.map { PQstatus($0) == CONNECTION_OK } ?? false
        }
    }

    /// The server's version as a number, such as `150018` for 15.18; 0 when closed.
    public var serverVersion: Int {
        handle.withLock { connection in connection.map { Int(PQserverVersion($0)) } ?? 0 }
    }

    /// Runs one statement with its parameters sent separately (`PQexecParams`, text format).
    ///
    /// Outside ``transaction(statementTimeout:_:)`` the statement commits on its own.
    /// - Parameters:
    ///   - sql: exactly one SQL statement, with `$1`, `$2`, … where the values go. Never build it from values.
    ///   - parameters: the values of `$1`, `$2`, …, in order.
    /// - Returns: the rows and the affected-row count.
    /// - Throws: ``PostgresError`` with code `queryFailed` (with the SQLSTATE), `connectionClosed` or
    ///   `invalidParameter`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresParameter] = []) throws(PostgresError) -> PostgresResult {
        let endpoint = self.endpoint
        let redactor = self.redactor
        return try handle.withLock { (connection: inout OpaquePointer?) throws(PostgresError) -> PostgresResult in
            guard let open = connection else { throw .usedAfterClose(endpoint) }
            let result = try Self.execute(open, sql, parameters, endpoint: endpoint)
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                return Self.copy(result)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // tick never sends COPY; leaving COPY mode cleanly is not worth the code, so drop the session.
                PQfinish(open)
                connection = nil
                throw .queryFailed(endpoint, sqlState: nil, message: "COPY is not supported by tick")
            default:
                let sqlState = Self.field(result, CLibPQ_DIAG_SQLSTATE)
                let message =
                    Self.field(result, CLibPQ_DIAG_MESSAGE_PRIMARY)
                    ?? PQText.trimmed(String(cString: PQerrorMessage(open)))
                if PQstatus(open) != CONNECTION_OK {
                    throw .connectionClosed(endpoint, reason: redactor(message))
                }
                throw .queryFailed(
                    endpoint, sqlState: sqlState, message: redactor(message), missingTickTable: sqlState == "42P01" && message.contains("\"tick_"))
            }
        }
    }

    /// libpq's view of the current transaction (idle, in a transaction, in a failed transaction, …).
    var transactionStatus: PGTransactionStatusType {
        handle.withLock { connection in connection.map { PQtransactionStatus($0) } ?? PQTRANS_UNKNOWN }
    }

    /// Sends one statement and returns libpq's result, never `nil`.
    private static func execute(
        _ connection: OpaquePointer, _ sql: String, _ parameters: [PostgresParameter], endpoint: PostgresEndpoint
    ) throws(PostgresError) -> OpaquePointer {
        guard parameters.count <= 65535 else { throw .tooManyParameters(endpoint, count: parameters.count) }
        // All parameter texts in one NUL-separated buffer; a pointer into it per non-NULL parameter.
        var storage: [CChar] = []
        var offsets: [Int?] = []
        for (index, parameter) in parameters.enumerated() {
            guard let text = parameter.value else {
                offsets.append(nil)
                continue
            }
            if text.utf8.contains(0) { throw .invalidParameter(endpoint, number: index + 1) }
            offsets.append(storage.count)
            storage.append(contentsOf: text.utf8CString)
        }
        let result = storage.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { offset in buffer.baseAddress.map { $0 + offset } }
            }
            return pointers.withUnsafeBufferPointer { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        guard let result else {
            // Only when libpq is out of memory or the connection is unusable.
            let message = PQText.trimmed(String(cString: PQerrorMessage(connection)))
            throw .connectionClosed(endpoint, reason: message.isEmpty ? nil : message)
        }
        return result
    }

    /// Copies a result out of libpq, so the `PGresult` can be freed at once.
    private static func copy(_ result: OpaquePointer) -> PostgresResult {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { column in PQfname(result, column).map { String(cString: $0) } ?? "" }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column -> String? in
                    guard PQgetisnull(result, row, column) == 0, let cell = PQgetvalue(result, row, column) else {
                        return nil
                    }
                    let length = Int(PQgetlength(result, row, column))
                    return UnsafeRawBufferPointer(start: cell, count: length).withMemoryRebound(to: UInt8.self) {
                        String(decoding: $0, as: UTF8.self)
                    }
                })
        }
        let affected = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        return PostgresResult(columns: columns, rows: rows, rowsAffected: Int(affected) ?? 0, commandTag: tag)
    }

    /// One diagnostic field of an error result (`PG_DIAG_*`), trimmed; `nil` if absent.
    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let text = PQresultErrorField(result, code) else { return nil }
        let value = PQText.trimmed(String(cString: text))
        return value.isEmpty ? nil : value
    }
}
