import Testing
import TickCore  // NOT @testable: the public API only

/// `vercel.json` validated as Vercel's CLI and build would: each rejection names the rule.
struct VercelConfigTests {
    func parse(_ text: String) throws(VercelConfigError) -> VercelConfig {
        try VercelConfig.parse(bytes: Array(text.utf8), file: "vercel.json")
    }

    /// The problems `text` is rejected with (empty when accepted).
    func problems(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch {
            #expect(error.exitCode == .config)
            return error.problems
        }
    }

    func entry(path: String = "/api/cron/tick", schedule: String = "* * * * *") -> String {
        #"{"crons":[{"path":\#(quoted(path)),"schedule":\#(quoted(schedule))}]}"#
    }

    private func quoted(_ text: String) -> String { "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }

    @Test func validFileIsAccepted() throws {
        let config = try parse(
            #"""
            {
              "$schema": "https://openapi.vercel.sh/vercel.json",
              "functions": {"api/cron/tick.ts": {"maxDuration": 60}},
              "crons": [
                {"path": "/api/cron/tick", "schedule": "* * * * *"},
                {"path": "/api/report?zone=tokyo", "schedule": "0 0 * * 1-5"},
                {"path": "/api/cleanup", "schedule": "0 2 1,15 * *"},
                {"path": "/api/health", "schedule": "*/5 * * * *"}
              ]
            }
            """#)
        #expect(config.crons.map(\.path) == ["/api/cron/tick", "/api/report?zone=tokyo", "/api/cleanup", "/api/health"])
        #expect(config.crons.map(\.schedule) == ["* * * * *", "0 0 * * 1-5", "0 2 1,15 * *", "*/5 * * * *"])
        #expect(config.crons[3].expression.values(of: .minute) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    }

    @Test func noCronsIsValidAndEmpty() throws {
        #expect(try parse(#"{"functions": {}}"#).crons.isEmpty)
        #expect(try parse(#"{"crons": []}"#).crons.isEmpty)
    }

    struct Rule: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var problem: String
        var testDescription: String { name }
    }

    static func cron(_ path: String, _ schedule: String) -> String { #"{"crons":[{"path":"\#(path)","schedule":"\#(schedule)"}]}"# }

    static let rules: [Rule] = [
        Rule(name: "named day", json: cron("/a", "0 9 * * MON"), problem: #"crons[0].schedule "0 9 * * MON": named days are not allowed by Vercel; use 1"#),
        Rule(name: "named day range", json: cron("/a", "0 9 * * mon-fri"), problem: #"crons[0].schedule "0 9 * * mon-fri": named days are not allowed by Vercel; use 1"#),
        Rule(name: "named month", json: cron("/a", "0 9 1 JAN *"), problem: #"crons[0].schedule "0 9 1 JAN *": named months are not allowed by Vercel; use 1"#),
        Rule(name: "macro", json: cron("/a", "@daily"), problem: #"crons[0].schedule "@daily": macros such as @daily are not supported by Vercel; use "0 0 * * *""#),
        Rule(name: "L", json: cron("/a", "0 0 L * *"), problem: #"crons[0].schedule "0 0 L * *": day-of-month field "L": "L" is not supported (L, W, # and ? are Quartz extensions, not standard cron): Vercel supports only numbers, *, ranges, steps and lists"#),
        Rule(name: "W", json: cron("/a", "0 0 15W * *"), problem: #"crons[0].schedule "0 0 15W * *": day-of-month field "15W": "15W" is not supported"#),
        Rule(name: "#", json: cron("/a", "0 0 * * 1#2"), problem: ##"crons[0].schedule "0 0 * * 1#2": day-of-week field "1#2": "#" is not supported"##),
        Rule(name: "?", json: cron("/a", "0 0 ? * 1"), problem: #"crons[0].schedule "0 0 ? * 1": day-of-month field "?": "?" is not supported"#),
        Rule(name: "both day fields", json: cron("/a", "0 0 1 * 1"), problem: #"crons[0].schedule "0 0 1 * 1": Vercel does not allow both day-of-month and day-of-week to be set; set one of them to *"#),
        Rule(name: "both day fields, stepped", json: cron("/a", "0 0 */2 * 1"), problem: #"crons[0].schedule "0 0 */2 * 1": Vercel does not allow both day-of-month and day-of-week to be set"#),
        Rule(name: "four fields", json: cron("/a", "* * * *"), problem: #"crons[0].schedule "* * * *": Vercel requires exactly five fields (minute hour day-of-month month day-of-week): expected five fields (minute hour day-of-month month day-of-week), found 4"#),
        Rule(name: "six fields (seconds)", json: cron("/a", "0 * * * * *"), problem: #"crons[0].schedule "0 * * * * *": Vercel requires exactly five fields"#),
        Rule(name: "out of range", json: cron("/a", "61 * * * *"), problem: #"crons[0].schedule "61 * * * *": minute field "61": value out of range 0-59"#),
        Rule(name: "schedule too long", json: cron("/a", Array(repeating: "0", count: 130).joined(separator: ",") + " * * * *"), problem: #"characters long: Vercel allows 9-256"#),
        Rule(name: "path without slash", json: cron("api/cron", "* * * * *"), problem: #"crons[0].path "api/cron": must start with "/""#),
        Rule(name: "empty path", json: cron("", "* * * * *"), problem: #"crons[0].path is 0 characters long: Vercel allows 1-512"#),
        Rule(name: "path too long", json: cron("/" + String(repeating: "a", count: 512), "* * * * *"), problem: #"crons[0].path is 513 characters long: Vercel allows 1-512"#),
        Rule(name: "missing path", json: #"{"crons":[{"schedule":"* * * * *"}]}"#, problem: #"crons[0] is missing "path""#),
        Rule(name: "missing schedule", json: #"{"crons":[{"path":"/a"}]}"#, problem: #"crons[0] is missing "schedule""#),
        Rule(name: "extra property", json: #"{"crons":[{"path":"/a","schedule":"* * * * *","method":"POST"}]}"#, problem: #"crons[0] has the property "method": Vercel allows only "path" and "schedule""#),
        Rule(name: "path not a string", json: #"{"crons":[{"path":7,"schedule":"* * * * *"}]}"#, problem: #"crons[0].path must be a string"#),
        Rule(name: "schedule not a string", json: #"{"crons":[{"path":"/a","schedule":5}]}"#, problem: #"crons[0].schedule must be a string"#),
        Rule(name: "entry not an object", json: #"{"crons":["/a"]}"#, problem: #"crons[0] must be an object with "path" and "schedule""#),
        Rule(name: "crons not an array", json: #"{"crons":{"path":"/a"}}"#, problem: #""crons" must be an array"#),
        Rule(name: "top level not an object", json: #"[]"#, problem: #"the top level must be a JSON object"#),
        Rule(name: "not JSON", json: #"{"crons": [}"#, problem: #"not valid JSON"#),
        Rule(
            name: "more than 100 crons",
            json: #"{"crons":["# + Array(repeating: #"{"path":"/a","schedule":"* * * * *"}"#, count: 101).joined(separator: ",") + "]}",
            problem: #""crons" has 101 entries: Vercel allows at most 100 cron jobs per project"#),
    ]

    @Test("each Vercel rule is enforced and named", arguments: rules)
    func rejected(_ rule: Rule) {
        let found = problems(rule.json)
        #expect(found.contains { $0.hasPrefix(rule.problem) || $0.contains(rule.problem) }, "\(found)")
    }

    @Test func boundariesAreAccepted() throws {
        #expect(try parse(entry(path: "/" + String(repeating: "a", count: 511))).crons.count == 1)
        #expect(try parse(entry(path: "/")).crons.count == 1)
        let hundred = #"{"crons":["# + Array(repeating: #"{"path":"/a","schedule":"0 0 * * 0"}"#, count: 100).joined(separator: ",") + "]}"
        #expect(try parse(hundred).crons.count == 100)
        #expect(try parse(entry(schedule: "0 0 * * 7")).crons.count == 1, "7 is Sunday")
        #expect(try parse(entry(schedule: "0 0 1 * *")).crons.count == 1, "day-of-month alone")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(#"{"crons":[{"path":"a","schedule":"0 9 * * MON"},{"path":"/ok","schedule":"* * * * *"},{"path":"/b","schedule":"@hourly"}]}"#)
        #expect(found.count == 3)
        #expect(found.first?.hasPrefix("crons[0].path") == true)
        #expect(found.last?.hasPrefix("crons[2].schedule \"@hourly\": macros") == true)
        do {
            _ = try parse(#"{"crons":[{"path":"a","schedule":"* * * * *"}]}"#)
        } catch {
            #expect(error.description == #"vercel.json: crons[0].path "a": must start with "/""#)
        }
    }

    @Test func missingFileIsAConfigError() {
        do {
            _ = try VercelConfig.load(path: "/nonexistent/vercel.json")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.exitCode == .config)
            #expect(error.description.hasPrefix("/nonexistent/vercel.json: cannot read the file"))
        }
    }

    @Test func requestIsBuiltAsVercelSendsIt() throws {
        let cron = try #require(try parse(entry(path: "/api/cron/tick?x=1", schedule: "*/5 * * * *")).crons.first)
        let request = VercelCronRequest(cron: cron, baseURL: "http://127.0.0.1:3000/", secret: Secret("s3cret-token"))
        #expect(request.url == "http://127.0.0.1:3000/api/cron/tick?x=1")
        #expect(
            request.headers == [
                HTTPGet.Header("Authorization", "Bearer s3cret-token"), HTTPGet.Header("User-Agent", "vercel-cron/1.0"),
                HTTPGet.Header("x-vercel-cron-schedule", "*/5 * * * *"),
            ])
        #expect(!request.description.contains("s3cret-token"))
        #expect(request.description.contains("Authorization: Bearer ***"))
        let anonymous = VercelCronRequest(cron: cron, baseURL: "http://127.0.0.1:3000", secret: Secret(""))
        #expect(anonymous.headers.map(\.name) == ["User-Agent", "x-vercel-cron-schedule"], "an empty CRON_SECRET sends no Authorization")
        #expect(VercelCronRequest(cron: cron, baseURL: "http://h", secret: nil).secret == nil)
    }
}
