/// One statement parameter (`$1`, `$2`, …), sent to the server as text, or as SQL `NULL`.
///
/// Values always travel separately from the SQL text (`PQexecParams`), so a value such as
/// `'); drop table x; --` is stored as written. Literals work directly:
/// `try connection.query("insert into t (a, b, c) values ($1, $2, $3)", ["text", 42, nil])`;
/// for variables use ``text(_:)``, ``int(_:)``, ``bool(_:)`` or ``double(_:)``. The server infers each
/// parameter's type from the statement; add a cast (`$1::jsonb`, `$2::bigint`) where it cannot.
public struct PostgresParameter: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    /// The value in PostgreSQL's text format; `nil` is SQL `NULL`.
    public let value: String?

    /// A parameter from its text form.
    /// - Parameter value: the value in PostgreSQL's text format, or `nil` for `NULL`.
    public init(_ value: String?) { self.value = value }

    /// A text parameter.
    /// - Parameter value: the text.
    public init(stringLiteral value: String) { self.value = value }

    /// An integer parameter.
    /// - Parameter value: the integer.
    public init(integerLiteral value: Int) { self.value = String(value) }

    /// A boolean parameter (`true` or `false`).
    /// - Parameter value: the boolean.
    public init(booleanLiteral value: Bool) { self.value = value ? "true" : "false" }

    /// SQL `NULL`.
    /// - Parameter nilLiteral: `nil`.
    public init(nilLiteral: ()) { self.value = nil }

    /// SQL `NULL`.
    public static let null = PostgresParameter(nil)

    /// A text (or JSON, with a `$n::jsonb` cast) parameter.
    /// - Parameter value: the text; `nil` for `NULL`.
    /// - Returns: the parameter.
    public static func text(_ value: String?) -> PostgresParameter { PostgresParameter(value) }

    /// An integer parameter.
    /// - Parameter value: the integer; `nil` for `NULL`.
    /// - Returns: the parameter.
    public static func int(_ value: (some BinaryInteger)?) -> PostgresParameter {
        PostgresParameter(value.map { String($0) })
    }

    /// A boolean parameter.
    /// - Parameter value: the boolean; `nil` for `NULL`.
    /// - Returns: the parameter.
    public static func bool(_ value: Bool?) -> PostgresParameter {
        PostgresParameter(value.map { $0 ? "true" : "false" })
    }

    /// A floating-point parameter (`NaN`, `Infinity` and `-Infinity` included).
    /// - Parameter value: the number; `nil` for `NULL`.
    /// - Returns: the parameter.
    public static func double(_ value: Double?) -> PostgresParameter {
        PostgresParameter(
            value.map { number in
                if number.isNaN { return "NaN" }
                if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
                return String(number)
            })
    }
}
