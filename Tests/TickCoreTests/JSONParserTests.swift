#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing

@testable import TickCore

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test("values of every kind, escapes and surrogate pairs, white space around tokens")
    func parsesValues() throws {
        #expect(try parse(" null ") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-42") == .integer(-42))
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("1.0") == .integer(1))
        #expect(try parse("-2e3") == .integer(-2000))
        #expect(try parse("1e300") == .double(1e300))
        #expect(try parse("2E-2") == .double(0.02))
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u0000\uD83D\uDE00é""#) == .string("é\u{0}😀é"))
        #expect(try parse("[ 1 , [ ] , { } , \"x\" ]") == .array([.integer(1), .array([]), .object([:]), .string("x")]))
        #expect(try parse(#"{"a": {"b": [null]}, "c": 1}"#) == .object(["a": .object(["b": .array([.null])]), "c": .integer(1)]))
        #expect(try parse(#"{"k": 1, "k": 2}"#) == .object(["k": .integer(2)]))
    }

    @Test("what is not JSON is refused: trailing commas, leading zeros, bare words, bad escapes, lone surrogates, invalid UTF-8, control bytes, text after the value")
    func refusesMistakes() {
        let mistakes = [
            "", " ", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "-", "+1", "1e", "NaN", "Infinity", "tru", "nul", "[1 2]", #"{"a" 1}"#,
            #"{a:1}"#, "'x'", #""abc"#, #""\x""#, #""\u12""#, #""\uD83D""#, #""\uDE00""#, "\"a\u{1}b\"", "1 2", "[1]]", "{}x", "1e999",
        ]
        for text in mistakes {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try parse(text) }
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
    }

    @Test("nesting is limited to 512 levels, without exhausting the stack beyond")
    func limitsDepth() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try parse(deepest) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONParser.Failure.self) { try parse(tooDeep) }
        #expect(throws: JSONParser.Failure.self) { try parse(String(repeating: "[", count: 100_000)) }
    }

    @Test("agrees with JSONDecoder on random documents, and reads back what JSONValue writes")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = Array(value.serialized.utf8)
            let parsed = try JSONParser.parse(text)
            #expect(parsed == value)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text))
            #expect(foundation == parsed, "\(value.serialized)")
        }
    }

    private static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .integer(Int64.random(in: Int64.min...Int64.max, using: &generator))
        case 3: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 64 + 1.0 / 128)  // never whole
        case 4:
            let scalars = (0..<Int.random(in: 0...12, using: &generator)).compactMap { _ in
                Unicode.Scalar([0x22, 0x5C, 0x0A, 0x01, 0xE9, 0x1F600, 0x41, 0x7F].randomElement(using: &generator) ?? 0x41)
            }
            return .string(String(String.UnicodeScalarView(scalars)))
        case 5: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &generator) { members["k\(index)é"] = randomValue(depth: depth + 1, using: &generator) }
            return .object(members)
        }
    }
}
