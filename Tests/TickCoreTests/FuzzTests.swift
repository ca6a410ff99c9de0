import Foundation
import Testing

@testable import TickCore

/// Property-based fuzzing of everything that parses outside input: job JSON, the config file, cron
/// expressions, Upstash replies and `Retry-After`. Seeded and deterministic (`TICK_FUZZ_SEED`,
/// `TICK_FUZZ_ITERATIONS`, default 20,000 inputs per target), bounded in time, in every CI run.
///
/// Properties: nothing crashes; every rejection is a typed error with a message; what is accepted
/// round-trips (a job re-encoded parses to the same job).
struct FuzzTests {
    static var iterations: Int {
        Int(ProcessInfo.processInfo.environment["TICK_FUZZ_ITERATIONS"] ?? "") ?? 20_000
    }
    static var seed: UInt64 {
        UInt64(ProcessInfo.processInfo.environment["TICK_FUZZ_SEED"] ?? "") ?? 0x7469_636B
    }

    /// Lets other tests run every few hundred inputs: a fuzz loop holding a thread of Swift's cooperative pool
    /// (one per core) for seconds starves the tests that time a run against its budget.
    static func shareThePool(_ iteration: Int) async {
        if iteration % 256 == 0 { await Task.yield() }
    }

    /// SplitMix64: small, fast, reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", "\"", ",", ":", "null", "true", "-0", "1e999", "9223372036854775808", "\\u0000", "\\ud800",
        "\\", "\"id\":", "\"items\":", "\"cursor\":", "${", "}", "*", "/", "-", "@", "#",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x00], [0xF4, 0x90, 0x80, 0x80]]

    /// A random mutation of one of `corpus`: bytes flipped, inserted, deleted, duplicated, or tokens spliced in.
    static func mutate(_ corpus: [[UInt8]], using random: inout Generator) -> [UInt8] {
        var bytes = corpus.randomElement(using: &random) ?? []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where position < bytes.count: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 2 where position < bytes.count:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &random)))
            case 3 where position < bytes.count:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes.insert(contentsOf: tokens.randomElement(using: &random) ?? [], at: position)
            }
        }
        return bytes
    }

    @Test("job JSON: no crash, each rejection says why, what is accepted round-trips")
    func jobs() async throws {
        var random = Generator(state: Self.seed)
        let corpus = [
            #"{"id":"a","handler":"h","items":[1,{"k":"v"},null,[true,false]]}"#,
            #"{"id":"c","handler":"h","queue":"q","cursor":"start","priority":5,"max_attempts":3,"backoff":{"base_ms":10,"max_ms":100}}"#,
            #"{"handler":"h","items":[],"item_timeout_ms":1000,"item_concurrency":4,"run_at":1795434570315}"#,
        ].map { Array($0.utf8) }
        var accepted = 0
        for iteration in 0..<Self.iterations {
            await Self.shareThePool(iteration)
            let input = Self.mutate(corpus, using: &random)
            do {
                let spec = try JobSpec(json: input, generatedID: { "generated" })
                accepted += 1
                let again = try JobSpec(json: Array(spec.json.utf8))
                #expect(again == spec, "round trip of \(String(decoding: input, as: UTF8.self))")
            } catch {
                #expect(!error.reason.isEmpty)
                #expect(error.description.hasPrefix("invalid job: ") || error.description.hasPrefix("job "))
            }
        }
        #expect(accepted > 0, "the mutations keep some inputs valid, so the round trip is exercised")
    }

    @Test("pathological job JSON: deep nesting, invalid UTF-8, huge numbers, 1 MiB + 1: each a clear rejection")
    func pathologicalJobs() {
        let cases: [(String, [UInt8])] = [
            ("deep", Array(#"{"id":"d","handler":"h","items":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)),
            ("utf8", Array(#"{"id":"u","handler":"h","items":[""#.utf8) + [0xFF, 0xFE] + Array(#""]}"#.utf8)),
            ("number", Array(#"{"id":"n","handler":"h","items":[1e999999]}"#.utf8)),
            ("size", Array(#"{"id":"s","handler":"h","items":[""#.utf8) + [UInt8](repeating: 0x61, count: 1 << 20) + Array(#""]}"#.utf8)),
        ]
        for (name, bytes) in cases {
            do {
                _ = try JobSpec(json: bytes)
                Issue.record("\(name): accepted")
            } catch {
                #expect(!error.reason.isEmpty, "\(name)")
            }
        }
    }

    @Test("config files: no crash, each rejection is a config error (exit 78) with a message")
    func configs() async {
        var random = Generator(state: Self.seed &+ 1)
        let corpus = [
            #"{"handlers":{"a":{"kind":"exec","command":["x","y"],"env":{"A":"1"},"timeout_ms":5,"kill_grace_ms":1}}}"#,
            #"{"handlers":{"h":{"kind":"http","url":"https://e.example/x?${V}","unsigned":true,"headers":{"X-A":"b"},"rate":{"requests":1,"period_ms":10},"concurrency":2}}}"#,
            #"{"schedules":{"s":{"cron":"*/5 1-3 * JAN MON-FRI","timezone":"UTC","catch_up":"all","max_catch_up":3,"job":{"handler":"h","items":[1]}}}}"#,
        ].map { Array($0.utf8) }
        for iteration in 0..<Self.iterations {
            await Self.shareThePool(iteration)
            let input = Self.mutate(corpus, using: &random)
            do {
                _ = try TickConfigFile.parse(bytes: input, path: "fuzz.json", environment: ["V": "v"])
            } catch {
                #expect(error.exitCode == .config)
                // "fuzz.json: …", or "fuzz.json:LINE:COLUMN: …" for a JSON syntax mistake.
                let located = error.line.map { "fuzz.json:\($0):\(error.column ?? 0): " } ?? "fuzz.json: "
                #expect(error.description.hasPrefix(located), "\(error.description)")
            }
        }
    }

    @Test("cron expressions: no crash; a rejection names its problem and field; what parses fires on the first whole minute after, and its text parses back to the same schedule")
    func cron() async throws {
        var random = Generator(state: Self.seed &+ 2)
        let corpus = ["*/5 * * * *", "0 9 * * 1-5", "30 2 1,15 JAN-MAR SUN", "@daily", "0 0 29 2 *"].map { Array($0.utf8) }
        let after: Int64 = 1_795_434_570
        var accepted = 0
        for iteration in 0..<Self.iterations {
            await Self.shareThePool(iteration)
            let text = String(decoding: Self.mutate(corpus, using: &random), as: UTF8.self)
            let expression: CronExpression
            do {
                expression = try CronExpression(text, options: .names)
            } catch {
                // A rejection names the problem, and the field at fault when there is one.
                #expect(!error.problem.isEmpty && error.description.contains(error.problem), "\(text): \(error.description)")
                if let field = error.field { #expect(error.description.contains("\(field)"), "\(text): \(error.description)") }
                continue
            }
            accepted += 1
            // What is accepted fires on whole minutes, after the instant asked about, and the first such
            // minute: asking again from the minute before gives the same instant.
            guard let next = expression.next(after: after) else { continue }
            #expect(next > after && next % 60 == 0, "\(text): \(next)")
            #expect(expression.next(after: next - 60) == next, "\(text): \(next) is not the first fire time")
            // Its text parses back to an expression with the same schedule.
            let again = try CronExpression(expression.text, options: .names)
            #expect(again.next(after: after) == next, "\(text) → \(expression.text)")
        }
        #expect(accepted > 0, "the mutations left no valid expression: the property above was never checked")
    }

    @Test("Upstash replies: no crash; what decodes is JSON; a malformed body is a wire error with a preview")
    func upstashReplies() async throws {
        var random = Generator(state: Self.seed &+ 3)
        let corpus = [
            #"{"result":"T0s="}"#, #"{"result":[1,"YQ==",null,["Yg=="]]}"#, #"{"error":"ERR wrong"}"#,
            #"[{"result":1},{"error":"x"}]"#, #"{"result":"OK"}"#,
        ].map { Array($0.utf8) }
        var decoded = 0
        for iteration in 0..<Self.iterations {
            await Self.shareThePool(iteration)
            let body = Self.mutate(corpus, using: &random)
            let preview = UpstashWire.preview(body)
            do {
                let envelope = try UpstashWire.decodeEnvelope(body)
                decoded += 1
                // Only a JSON object is an envelope: an independent parser must agree that it is one.
                #expect((try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any], "\(preview)")
                if let error = envelope.error { #expect(try envelope.value() == .error(error)) }
            } catch {
                #expect(error.detail.hasPrefix("the body is not an Upstash reply object") && error.detail.hasSuffix(preview), "\(error.detail)")
            }
            do {
                let envelopes = try UpstashWire.decodeEnvelopes(body)
                #expect((try? JSONSerialization.jsonObject(with: Data(body))) is [Any], "\(preview)")
                for envelope in envelopes { _ = try? envelope.value() }
            } catch {
                #expect(error.detail.hasPrefix("the body is not an array of Upstash replies") && error.detail.hasSuffix(preview), "\(error.detail)")
            }
        }
        #expect(decoded > 0, "the mutations left no valid reply: the decoding properties were never checked")
    }

    @Test("Retry-After: any header value gives no delay or one within the cap")
    func retryAfter() async {
        var random = Generator(state: Self.seed &+ 4)
        let corpus = ["120", "Sun, 06 Nov 1994 08:49:37 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", "0"].map { Array($0.utf8) }
        for iteration in 0..<Self.iterations {
            await Self.shareThePool(iteration)
            let value = String(decoding: Self.mutate(corpus, using: &random), as: UTF8.self)
            if let delay = RetryAfter.delay(value, now: 1_795_434_570, cap: .seconds(900)) {
                #expect(delay >= .zero && delay <= .seconds(900))
            }
        }
    }
}
