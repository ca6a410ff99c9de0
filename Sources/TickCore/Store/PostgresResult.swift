/// The outcome of one statement: its rows (copied out of libpq, so the result outlives the connection)
/// and the number of rows it affected.
public struct PostgresResult: Sendable, RandomAccessCollection {
    /// The column names, in order.
    public let columns: [String]
    /// The rows, in the order the server sent them.
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted, selected, … as the server counts them (`PQcmdTuples`);
    /// 0 for statements that count nothing (`BEGIN`, `CREATE TABLE`).
    public let rowsAffected: Int
    /// The command tag, such as `INSERT 0 1` or `SELECT 3` (`PQcmdStatus`).
    public let commandTag: String

    /// A result, for tests and for code that assembles one.
    /// - Parameters:
    ///   - columns: the column names.
    ///   - rows: the cell values of each row, `nil` for `NULL`, one per column.
    ///   - rowsAffected: the affected-row count.
    ///   - commandTag: the command tag.
    public init(columns: [String], rows: [[String?]], rowsAffected: Int = 0, commandTag: String = "") {
        self.columns = columns
        self.rows = rows.map { PostgresRow(columns: columns, values: $0) }
        self.rowsAffected = rowsAffected
        self.commandTag = commandTag
    }

    /// The position of the first row (0).
    public var startIndex: Int { rows.startIndex }
    /// The position after the last row.
    public var endIndex: Int { rows.endIndex }
    /// The row at a position.
    /// - Parameter position: the row's position, from 0.
    public subscript(position: Int) -> PostgresRow { rows[position] }
}
