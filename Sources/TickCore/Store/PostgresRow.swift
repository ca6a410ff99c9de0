/// One row of a ``PostgresResult``: cells in PostgreSQL's text format, `nil` for SQL `NULL`.
///
/// The typed readers (``string(_:)``, ``int(_:)``, ``bool(_:)``) return `nil` for `NULL` and throw when the
/// column is missing or holds text of another type, so a mismatch between a query and the code that reads
/// it fails loudly instead of reading as `NULL`.
public struct PostgresRow: Sendable {
    /// The column names, in order.
    public let columns: [String]
    /// The cells, one per column, `nil` for `NULL`.
    public let values: [String?]

    /// A row.
    /// - Parameters:
    ///   - columns: the column names.
    ///   - values: the cells, one per column, `nil` for `NULL`.
    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The cell at a column position, `nil` for `NULL` or a position past the end.
    /// - Parameter index: the column's position, from 0.
    public subscript(index: Int) -> String? {
        values.indices.contains(index) ? values[index] : nil
    }

    /// The text of a column, `nil` for `NULL`.
    /// - Parameter column: the column name (the first of that name).
    /// - Returns: the cell's text, or `nil` for `NULL`.
    /// - Throws: ``PostgresError`` with code `unexpectedResult` if there is no such column.
    public func string(_ column: String) throws(PostgresError) -> String? {
        guard let index = columns.firstIndex(of: column), values.indices.contains(index) else {
            throw .unexpectedResult("has no column \"\(column)\" (it has \(columns.joined(separator: ", ")))")
        }
        return values[index]
    }

    /// An integer column (`smallint`, `int`, `bigint`), `nil` for `NULL`.
    /// - Parameter column: the column name.
    /// - Returns: the integer, or `nil` for `NULL`.
    /// - Throws: ``PostgresError`` with code `unexpectedResult` if there is no such column or it is not an integer.
    public func int(_ column: String) throws(PostgresError) -> Int? {
        guard let text = try string(column) else { return nil }
        guard let value = Int(text) else {
            throw .unexpectedResult("holds a non-integer in column \"\(column)\"")
        }
        return value
    }

    /// A boolean column (`t` or `f` in PostgreSQL's text format), `nil` for `NULL`.
    /// - Parameter column: the column name.
    /// - Returns: the boolean, or `nil` for `NULL`.
    /// - Throws: ``PostgresError`` with code `unexpectedResult` if there is no such column or it is not a boolean.
    public func bool(_ column: String) throws(PostgresError) -> Bool? {
        switch try string(column) {
        case nil: return nil
        case "t", "true": return true
        case "f", "false": return false
        default: throw .unexpectedResult("holds a non-boolean in column \"\(column)\"")
        }
    }
}
