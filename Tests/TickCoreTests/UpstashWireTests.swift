import Testing

@testable import TickCore

@Suite("Upstash wire format")
struct UpstashWireTests {
    @Test("commands are encoded as JSON arrays of strings, escaping quotes, backslashes and control bytes")
    func encodesCommands() throws {
        let command = RedisCommand("SET", "k\"ey", RedisArgument(bytes: [0x61, 0x00, 0x0A, 0x5C]), 42)
        let body = try UpstashWire.encode([command], nested: false).get()
        #expect(String(decoding: body, as: UTF8.self) == #"["SET","k\"ey","a\u0000\u000a\\","42"]"#)
        let nested = try UpstashWire.encode([RedisCommand("PING"), RedisCommand("GET", "é")], nested: true).get()
        #expect(String(decoding: nested, as: UTF8.self) == #"[["PING"],["GET","é"]]"#)
    }

    @Test("an argument that is not valid UTF-8 is reported with its position")
    func rejectsInvalidUTF8() {
        let command = RedisCommand("SET", RedisArgument(bytes: [0xFF]), "v")
        guard case .failure(let invalid) = UpstashWire.encode([command], nested: false) else {
            Issue.record("invalid UTF-8 was encoded")
            return
        }
        #expect(invalid.argument == 1)
    }

    @Test("base64 string replies are decoded to bytes, OK is kept, nested arrays and nulls survive")
    func decodesReplies() throws {
        let body = Array(#"{"result":["AP9h",null,7,"OK",["aGk="]]}"#.utf8)
        let value = try UpstashWire.decodeEnvelope(body).value()
        #expect(value == .array([.bytes([0x00, 0xFF, 0x61]), .null, .integer(7), .bytes(Array("OK".utf8)), .array([.bytes(Array("hi".utf8))])]))
    }

    @Test("an error envelope becomes an error value; a body that is not a reply is a wire error")
    func decodesErrors() throws {
        let value = try UpstashWire.decodeEnvelope(Array(#"{"error":"WRONGTYPE Operation"}"#.utf8)).value()
        #expect(value.errorMessage == "WRONGTYPE Operation")
        #expect(throws: UpstashWire.WireError.self) { try UpstashWire.decodeEnvelope(Array("<html>".utf8)) }
        #expect(throws: UpstashWire.WireError.self) { try UpstashWire.decodeEnvelope(Array(#"{"result":"not base64!"}"#.utf8)).value() }
    }

    @Test("path segments are percent-encoded byte by byte")
    func pathSegments() {
        #expect(UpstashWire.pathSegment(Array("a b/ü".utf8)) == "a%20b%2F%C3%BC")
        #expect(UpstashWire.pathSegment([0x00, 0xFF]) == "%00%FF")
    }

    @Test("read commands are idempotent, writes are not")
    func readOnlyInference() {
        #expect(RedisCommand("get", "k").isReadOnly)
        #expect(RedisCommand("ZRANGE", "k", 0, -1).isReadOnly)
        #expect(!RedisCommand("SET", "k", "v").isReadOnly)
        #expect(!RedisCommand("EVAL", "return 1", 0).isReadOnly)
    }

    @Test("a command describes itself without its arguments")
    func commandDescription() {
        #expect(RedisCommand("set", "secret-key", "secret-value").description == "SET (2 arguments)")
    }
}
