import CLibPQ

extension PostgresConnection {
    /// Runs `body` in one transaction: `BEGIN`, the body's statements, `COMMIT`; `ROLLBACK` if anything throws.
    ///
    /// This is the unit of work that also works through a transaction pooler: everything inside runs on one
    /// server session. Do not call it again from inside `body` (PostgreSQL has no nested transactions).
    /// - Parameters:
    ///   - statementTimeout: if set, bounds each statement in the transaction (the parameterised form of
    ///     `SET LOCAL statement_timeout`, which ends with the transaction, so the pooler's next client never
    ///     inherits it). A statement that runs longer fails with SQLSTATE `57014`.
    ///   - body: the work; it receives this connection.
    /// - Returns: what `body` returns, once the transaction has committed.
    /// - Throws: the body's own error after rolling back; or ``PostgresError`` with code `transactionFailed`
    ///   when `BEGIN` or `COMMIT` fails, when a transaction is already open, or when the server rolled the
    ///   transaction back because a statement in it failed (even if `body` caught that error).
    public func transaction<T>(
        statementTimeout: Duration? = nil, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        guard transactionStatus == PQTRANS_IDLE else {
            throw PostgresError.transactionFailed(
                endpoint, "cannot begin a transaction",
                message: "a transaction is already open on this connection (nested transactions are not supported)")
        }
        do {
            try query("BEGIN")
        } catch {
            throw PostgresError.transactionFailed(
                endpoint, "could not begin a transaction", sqlState: error.sqlState, message: error.serverMessage)
        }
        do {
            if let statementTimeout {
                let (seconds, attoseconds) = statementTimeout.components
                let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
                try query("SELECT set_config('statement_timeout', $1, true)", [.text("\(milliseconds)ms")])
            }
            let value = try body(self)
            try commit()
            return value
        } catch {
            rollbackIfOpen()
            throw error
        }
    }

    /// Commits, and fails if the server did not: `COMMIT` of a failed transaction answers `ROLLBACK`.
    private func commit() throws(PostgresError) {
        if transactionStatus == PQTRANS_INERROR {
            throw .transactionFailed(
                endpoint, "rolled back the transaction because a statement in it failed",
                message: "the statement's error was caught, but its transaction cannot commit")
        }
        let result: PostgresResult
        do {
            result = try query("COMMIT")
        } catch {
            throw .transactionFailed(
                endpoint, "could not commit the transaction", sqlState: error.sqlState, message: error.serverMessage)
        }
        if result.commandTag == "ROLLBACK" {
            throw .transactionFailed(endpoint, "rolled back the transaction instead of committing it")
        }
    }

    /// Rolls back if a transaction is still open; errors are ignored because the original error matters more,
    /// and a connection that cannot even roll back is reported by its next statement.
    private func rollbackIfOpen() {
        let status = transactionStatus
        guard status == PQTRANS_INTRANS || status == PQTRANS_INERROR else { return }
        _ = try? query("ROLLBACK")
    }
}
