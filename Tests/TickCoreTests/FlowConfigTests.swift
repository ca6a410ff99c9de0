import Testing
import TickCore

/// tick.json's `"limits"` and `"queues"`, a schedule's `"overlap"`, and a job's flow fields.
struct FlowConfigTests {
    func parse(_ text: String) throws(ConfigFileError) -> TickConfigFile { try TickConfigFile.parse(bytes: Array(text.utf8)) }

    func message(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "parsed"
        } catch { return error.description }
    }

    @Test("limits on a handler and a queue, with per-key overrides, reach the claim's argument")
    func limitsParse() throws {
        let config = try parse(#"""
            {"handlers": {"sync": {"kind": "noop", "limits": {"per_key_concurrency": 2, "per_key_rate": {"jobs": 10, "period_ms": 60000},
               "keys": {"tenant-big": {"per_key_concurrency": 5}}}}},
             "queues": {"mail": {"limits": {"per_key_concurrency": 1}}}}
            """#)
        let sync = try #require(config.limits.handlers["sync"])
        #expect(sync.perKeyConcurrency == 2 && sync.perKeyRate == FlowLimit.Rate(jobs: 10, period: .milliseconds(60_000)))
        #expect(sync.keys["tenant-big"]?.perKeyConcurrency == 5 && sync.keys["tenant-big"]?.perKeyRate == nil)
        #expect(config.limits.queues["mail"]?.perKeyConcurrency == 1)
        #expect(config.limits.wire == #"{"h":{"sync":{"c":2,"k":{"tenant-big":{"c":5}},"rj":10,"rp":60000}},"q":{"mail":{"c":1}}}"#)
        #expect(FlowLimits().wire == "")
    }

    @Test("mistakes in limits name the place and what to write", arguments: [
        (#"{"handlers": {"s": {"kind": "noop", "limits": {"per_key_concurency": 2}}}}"#, #"unknown key "per_key_concurency": did you mean "per_key_concurrency"?"#),
        (#"{"handlers": {"s": {"kind": "noop", "limits": {"per_key_concurrency": -1}}}}"#, #""per_key_concurrency" must be a whole number from 0"#),
        (#"{"handlers": {"s": {"kind": "noop", "limits": {"per_key_rate": {"jobs": 10}}}}}"#, #""per_key_rate" must be {"jobs": 0 to 1000000, "period_ms": 1 to 86400000}"#),
        (#"{"queues": {"mail": {"limit": {}}}}"#, #"queue "mail" has an unknown key "limit""#),
        (#"{"queues": []}"#, #""queues" must be an object from queue name to settings"#),
        (#"{"handlers": {"s": {"kind": "noop", "limits": {"keys": {"a": {"keys": {}}}}}}}"#, #"key "a" has an unknown key "keys""#),
    ])
    func limitMistakes(text: String, expected: String) {
        let text = message(text)
        #expect(text.contains(expected), "\(text)")
    }

    @Test("a schedule's overlap: allow by default, skip and queue_one; anything else is refused; a schedule's job has no unique key")
    func overlap() throws {
        func schedule(_ extra: String) -> String {
            #"{"handlers": {"r": {"kind": "noop"}}, "schedules": {"n": {"cron": "* * * * *", "job": {"handler": "r", "items": [1]}\#(extra)}}}"#
        }
        #expect(try parse(schedule("")).schedules.first?.overlap == .allow)
        #expect(try parse(schedule(#", "overlap": "skip""#)).schedules.first?.overlap == .skip)
        #expect(try parse(schedule(#", "overlap": "queue_one""#)).schedules.first?.overlap == .queueOne)
        #expect(message(schedule(#", "overlap": "never""#)).contains(#""overlap" must be "allow""#))
        let unique = #"{"handlers": {"r": {"kind": "noop"}}, "schedules": {"n": {"cron": "* * * * *", "job": {"handler": "r", "items": [1], "unique_key": "x"}}}}"#
        #expect(message(unique).contains(#"must not set "unique_key""#))
    }

    @Test("a job's flow fields round-trip through its JSON; wrong combinations are refused with what to do", arguments: [
        (#"{"handler":"h","items":[],"unique_policy":"replace"}"#, #"need a "unique_key""#),
        (#"{"handler":"h","items":[],"unique_key":"u","unique_policy":"debounce"}"#, #"needs "debounce_ms""#),
        (#"{"handler":"h","items":[],"unique_key":"u","unique_policy":"reject","debounce_ms":5}"#, #""debounce_ms" goes with"#),
        (#"{"handler":"h","items":[],"unique_key":"u","debounce_ms":500,"debounce_max_ms":100}"#, #"must be at least "debounce_ms""#),
        (#"{"handler":"h","items":[],"concurrency_key":"a b"}"#, #""concurrency_key" must be 1 to 200 characters of printable ASCII without spaces"#),
        (#"{"handler":"h","items":[],"unique_key":"u","unique_policy":"latest"}"#, #""unique_policy" must be one of"#),
    ])
    func jobFlowFields(json: String, expected: String) {
        do {
            _ = try JobSpec(json: Array(json.utf8), generatedID: { "id" })
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test("flow fields survive the wire format; debounce_ms alone implies the debounce policy")
    func roundTrip() throws {
        let json = #"{"handler":"h","id":"j","items":[],"concurrency_key":"t1","rate_key":"api","unique_key":"u","debounce_ms":500,"debounce_max_ms":2000}"#
        let spec = try JobSpec(json: Array(json.utf8))
        #expect(spec.flow == JobSpec.Flow(concurrencyKey: "t1", rateKey: "api", uniqueKey: "u", uniquePolicy: .debounce, debounceMilliseconds: 500, debounceMaxMilliseconds: 2_000))
        #expect(try JobSpec(json: Array(spec.json.utf8)) == spec)
        #expect(spec.flow.groupKey == "t1")
    }
}
