import Testing

@testable import TickCore

/// Parameters, rows and the migration list: pure logic, no server.
@Suite("PostgreSQL values")
struct PostgresValueTests {
    @Test("array literals: every text element quoted with quote and backslash escaped, NULL bare, UTF-8 kept")
    func arrays() {
        #expect(PostgresArray.text(["a", #"b"c"#, #"d\e"#, nil, "", "é{,}"]).value == #"{"a","b\"c","d\\e",NULL,"","é{,}"}"#)
        #expect(PostgresArray.text([]).value == "{}")
        #expect(PostgresArray.integers([1, nil, -2]).value == "{1,NULL,-2}")
    }

    @Test("parameters are sent in PostgreSQL's text format")
    func parameters() {
        let literals: [PostgresParameter] = ["text", 42, true, nil]
        #expect(literals.map(\.value) == ["text", "42", "true", nil])
        #expect(PostgresParameter.int(Int64.min).value == "-9223372036854775808")
        #expect(PostgresParameter.int(Int?.none).value == nil)
        #expect(PostgresParameter.bool(false).value == "false")
        #expect(PostgresParameter.double(1.5).value == "1.5")
        #expect(PostgresParameter.double(.nan).value == "NaN")
        #expect(PostgresParameter.double(-.infinity).value == "-Infinity")
        #expect(PostgresParameter.text(nil) == .null)
    }

    @Test("typed readers return nil for NULL and throw for a missing column or another type")
    func rows() throws {
        let result = PostgresResult(
            columns: ["n", "s", "b", "empty"], rows: [["7", "x", "t", nil]], rowsAffected: 1, commandTag: "SELECT 1")
        let row = try #require(result.first)
        #expect(try row.int("n") == 7)
        #expect(try row.string("s") == "x")
        #expect(try row.bool("b") == true)
        #expect(try row.int("empty") == nil)
        #expect(row[1] == "x")
        #expect(row[9] == nil)
        let missing = try #require(throws: PostgresError.self) { try row.int("nope") }
        #expect(missing.code == .unexpectedResult)
        #expect(missing.description.contains("\"nope\""))
        #expect(throws: PostgresError.self) { try row.int("s") }
        #expect(throws: PostgresError.self) { try row.bool("n") }
        #expect(result.count == 1)
        #expect(result.rowsAffected == 1)
    }

    @Test("tick's migrations are ordered and end at the latest version")
    func migrationList() {
        #expect(Migrations.tick.latestVersion == 3)
        #expect(Migrations.tick.migrations.map(\.version) == [1, 2, 3])
        let shuffled = Migrations([
            Migration(version: 2, name: "b", statements: []), Migration(version: 1, name: "a", statements: []),
        ])
        #expect(shuffled.migrations.map(\.name) == ["a", "b"])
        #expect(Migrations([]).latestVersion == 0)
    }

    @Test("error codes have stable labels")
    func codes() {
        #expect(PostgresError.Code.authenticationFailed.description == "authenticationFailed")
        #expect(PostgresError.Code.timeout.description == "timeout")
    }
}
