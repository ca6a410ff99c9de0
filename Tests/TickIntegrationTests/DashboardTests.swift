import Foundation
import Testing
import TickCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard of `tick serve`, against the real services, in a real headless Chromium: login, the counts a
/// seeded queue really has, a partly run job's item progress, retrying and purging dead letters, schedules;
/// 401 / 403 on actions over plain HTTP; a screenshot of every page.
@Suite("dashboard", .serialized)
struct DashboardTests {
    static let readToken = "dash-read-token-5b1e0c9a"
    static let adminToken = "dash-admin-token-77d2f4e1"

    let serve: ServeTests
    var harness: RunnerHarness { serve.harness }

    init() throws { serve = try ServeTests() }

    /// Where screenshots go: `$TICK_DASHBOARD_SCREENSHOTS`, else `dashboard-screenshots` beside the built binaries.
    static var screenshotDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["TICK_DASHBOARD_SCREENSHOTS"], !explicit.isEmpty { return explicit }
        return URL(fileURLWithPath: RunnerHarness.tickBinary).deletingLastPathComponent().appendingPathComponent("dashboard-screenshots").path
    }

    /// The server with both dashboard tokens (and `extra` arguments).
    func startServer(_ extra: [String] = []) throws -> ServeTests.Server {
        try serve.startServer(extra, environment: ["TICK_DASHBOARD_TOKEN": Self.readToken, "TICK_DASHBOARD_ADMIN_TOKEN": Self.adminToken])
    }

    // MARK: - Seeding

    /// Dead-letters `ids` on `queue` by running them with a handler that fails each item for good.
    func deadLetter(_ ids: [String], queue: String) async throws {
        let jobs = ids.map { JobSpec(id: $0, handler: "doomed", queue: queue, work: .items([.integer(1)])) }
        _ = try await harness.queue().enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
        var options = RunOptions()
        options.queues = [queue]
        options.batch = 50
        var registry = HandlerRegistry()
        registry.register("doomed", ScriptedHandler { _, _ in .failed(reason: "seeded dead letter: bad input") })
        let report = try await harness.runner(registry).run(options)
        #expect(report.jobsDead == ids.count, "\(report.jsonLine)")
    }

    /// Runs `id` (120 items) partly: items 0–36 done, item 37 fails permanently (which, with `stop_on_failure`,
    /// ends the job's attempt), items 38–119 never run.
    func runPartly(_ id: String, queue: String) async throws {
        _ = try await harness.queue().enqueue(
            [JobSpec(id: id, handler: "part", queue: queue, work: .items((0..<120).map { .integer(Int64($0)) }))],
            nowMilliseconds: UnixTime.nowMilliseconds())
        var registry = HandlerRegistry()
        registry.register("part", ScriptedHandler { input, _ in
            guard case .item(let index, _) = input else { return .failed(reason: "not an item") }
            if index == 37 { return .failed(reason: "bad input at item \(index)") }
            if index < 37 { return .done(result: .object(["ok": .integer(Int64(index))])) }
            do { try await Task.sleep(for: .seconds(30)) } catch { return .retryLater(reason: "budget ran out", after: nil) }
            return .done(result: nil)
        }, stopOnFailure: true)
        var options = RunOptions()
        options.queues = [queue]
        // Item 37's failure ends the job's attempt, so items 38 and later never start: a generous budget costs
        // nothing and keeps a loaded CI machine from cutting the run short before item 37.
        options.budget = .seconds(20)
        options.concurrency = 1
        let report = try await harness.runner(registry).run(options)
        #expect(report.claimed == 1, "\(report.jsonLine)")
    }

    // MARK: - Plain HTTP

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// A session that never follows redirects and never stores or adds cookies: each request carries exactly
    /// the `Cookie` header the test gives it.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration, delegate: ServeTests.NoRedirects(), delegateQueue: nil)
    }()

    /// One request without redirects or a cookie store; `form` is sent url-encoded as a POST.
    func request(
        _ server: ServeTests.Server, _ target: String, cookie: String? = nil, form: [(String, String)]? = nil, origin: String? = "same"
    ) async throws -> Reply {
        let base = "http://127.0.0.1:\(server.port)"
        var request = URLRequest(url: try #require(URL(string: base + target)))
        request.httpShouldHandleCookies = false
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let form {
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
            request.httpBody = Data(
                form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
            if let origin { request.setValue(origin == "same" ? base : origin, forHTTPHeaderField: "Origin") }
        }
        let (data, response) = try await Self.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: headers, body: String(decoding: data, as: UTF8.self))
    }

    /// Logs in over HTTP; returns the `Cookie` header value.
    func login(_ server: ServeTests.Server, token: String) async throws -> String {
        let reply = try await request(server, "/dashboard/login", form: [("token", token)])
        #expect(reply.status == 303, "\(reply.body)")
        let setCookie = try #require(reply.headers["set-cookie"])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/dashboard"))
        #expect(!setCookie.contains(token), "the cookie must not carry the token")
        return String(setCookie.prefix { $0 != ";" })
    }

    /// The CSRF token in a page's forms.
    func csrf(_ server: ServeTests.Server, cookie: String) async throws -> String {
        let page = try await request(server, "/dashboard/dead", cookie: cookie)
        let match = try #require(page.body.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/))
        return String(match.1)
    }

    func isDead(_ id: String, queue: String) async throws -> Bool {
        try await harness.queue().deadLetters(queue: queue, offset: 0, limit: 100).letters.contains { $0.id == id }
    }

    // MARK: - Tests

    @Test("401 without a session, 403 read-only, 403 without CSRF token or from another origin; nothing moves until all pass")
    func actionsNeedAdminSessionCSRFAndOrigin() async throws {
        let p = harness.prefix
        let queue = "\(p)-authq"
        try await deadLetter(["\(p)-d1"], queue: queue)
        let server = try startServer()
        defer { server.stop() }
        let retry = "/dashboard/dead/retry"

        let page = try await request(server, "/dashboard")
        #expect(page.status == 401)
        #expect(page.body.contains("id=\"login\""), "a page without a session shows the login form")
        #expect(!page.body.contains(Self.readToken) && !page.body.contains(Self.adminToken) && !page.body.contains(ServeTests.secret))
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)

        let anonymous = try await request(server, retry, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", String(repeating: "0", count: 64))])
        #expect(anonymous.status == 401, "\(anonymous.body)")

        let wrong = try await request(server, "/dashboard/login", form: [("token", "not-the-token-at-all")])
        #expect(wrong.status == 401)
        #expect(wrong.headers["set-cookie"] == nil)
        let cron = try await request(server, "/dashboard/login", form: [("token", ServeTests.secret)])
        #expect(cron.status == 401, "CRON_SECRET never opens the dashboard")

        let viewer = try await login(server, token: Self.readToken)
        let viewerCSRF = try await csrf(server, cookie: viewer)
        let readOnly = try await request(server, retry, cookie: viewer, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", viewerCSRF)])
        #expect(readOnly.status == 403, "\(readOnly.body)")
        let viewerPage = try await request(server, "/dashboard/dead?queue=\(queue)", cookie: viewer)
        #expect(viewerPage.status == 200)
        #expect(!viewerPage.body.contains("retry-selected"), "a read-only session sees no action buttons")

        let admin = try await login(server, token: Self.adminToken)
        let adminCSRF = try await csrf(server, cookie: admin)
        let noToken = try await request(server, retry, cookie: admin, form: [("queue", queue), ("id", "\(p)-d1")])
        #expect(noToken.status == 403)
        let otherSession = try await request(server, retry, cookie: admin, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", viewerCSRF)])
        #expect(otherSession.status == 403, "a CSRF token is bound to its session")
        let crossSite = try await request(
            server, retry, cookie: admin, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", adminCSRF)], origin: "http://evil.example")
        #expect(crossSite.status == 403)
        let noOrigin = try await request(server, retry, cookie: admin, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", adminCSRF)], origin: nil)
        #expect(noOrigin.status == 403)
        let forged = try await request(server, "/dashboard", cookie: admin.replacingOccurrences(of: "v1.admin.", with: "v1.viewer."))
        #expect(forged.status == 401, "a cookie whose role was edited is refused")
        let getAction = try await request(server, retry, cookie: admin)
        #expect(getAction.status == 405, "actions are POST only")
        #expect(try await isDead("\(p)-d1", queue: queue), "no refused request moved the job")

        let allowed = try await request(server, retry, cookie: admin, form: [("queue", queue), ("id", "\(p)-d1"), ("csrf", adminCSRF)])
        #expect(allowed.status == 303, "\(allowed.body)")
        #expect(try await isDead("\(p)-d1", queue: queue) == false)
        #expect(try await serve.record("\(p)-d1")["state"] == "ready")
        #expect(!server.log.contains(Self.adminToken) && !server.log.contains(Self.readToken) && !server.log.contains(adminCSRF))
    }

    @Test("no dashboard token: every dashboard path is a 404; a token equal to CRON_SECRET or too short stops start-up (78)")
    func disabledAndMisconfigured() async throws {
        let server = try serve.startServer([])
        defer { server.stop() }
        for target in ["/dashboard", "/dashboard/login", "/dashboard/dead"] {
            #expect(try await request(server, target).status == 404)
        }
        for token in [ServeTests.secret, "short"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ServeTests.serveBinary)
            process.arguments = ["--port", "0"]
            process.environment = serve.environment.merging(["TICK_DASHBOARD_TOKEN": token]) { $1 }
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 78, "\(message)")
            #expect(message.contains("TICK_DASHBOARD_TOKEN"))
            #expect(!message.contains(ServeTests.secret))
        }
    }

    @Test("the overview shows the last run's age and trigger: fresh after a run, red past TICK_DASHBOARD_MAX_SILENCE, never before any; 1 request of 3 commands")
    func lastRun() async throws {
        let server = try serve.startServer(
            [], environment: ["TICK_DASHBOARD_TOKEN": Self.readToken, "TICK_DASHBOARD_ADMIN_TOKEN": Self.adminToken, "TICK_DASHBOARD_MAX_SILENCE": "2"])
        defer { server.stop() }
        let cookie = try await login(server, token: Self.readToken)
        func lastRun() async throws -> (state: String, trigger: String?, requests: String, commands: String) {
            let page = try await request(server, "/dashboard", cookie: cookie).body
            let state = try #require(page.firstMatch(of: /id="last-run" data-age="[0-9]*" data-state="(\w+)"/)).1
            let trigger = page.firstMatch(of: /id="last-run-trigger">(\w+)</)?.1
            let cost = try #require(page.firstMatch(of: /data-requests="(\d+)" data-commands="(\d+)"/))
            return (String(state), trigger.map(String.init), String(cost.1), String(cost.2))
        }
        let never = try await lastRun()
        #expect(never.state == "late" && never.trigger == nil, "no run yet under this prefix: shown as never, in red")
        #expect((never.requests, never.commands) == ("1", "3"), "the stats script, the heartbeat and the flow keys in one pipeline")

        var options = RunOptions()
        options.trigger = .manual
        let report = await (try harness.runner(HandlerRegistry())).run(options)
        #expect(report.exitCode == 0)
        let fresh = try await lastRun()
        #expect(fresh.state == "fresh" && fresh.trigger == "manual", "\(fresh)")
        try await Task.sleep(for: .seconds(3))
        #expect(try await lastRun().state == "late", "past TICK_DASHBOARD_MAX_SILENCE=2 the age is shown in red")
    }

    @Test("in headless Chromium: log in, the seeded counts, a job's item progress, retry and purge dead letters, schedules; screenshots")
    func browser() async throws {
        let p = harness.prefix
        let work = "\(p)-work"
        let deadQueue = "\(p)-dq"
        let now = UnixTime.nowMilliseconds()
        _ = try await harness.queue().enqueue(
            (0..<3).map { JobSpec(id: "\(p)-r\($0)", handler: "noop", queue: work, work: .items([.integer(1)])) }
                + [JobSpec(id: "\(p)-later", handler: "noop", queue: work, work: .items([.integer(1)]), runAt: now + 3_600_000)],
            nowMilliseconds: now)
        try await runPartly("\(p)-big", queue: "\(p)-part")
        try await deadLetter(["\(p)-dead-a", "\(p)-dead-b", "\(p)-dead-c"], queue: deadQueue)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tick-dash-\(p).json")
        try Data(
            #"{"schedules": {"nightly-report": {"cron": "30 2 * * *", "timezone": "Europe/Berlin", "job": {"handler": "noop", "items": [{}]}}}}"#.utf8
        ).write(to: config)
        defer { try? FileManager.default.removeItem(at: config) }
        let slot: Int64 = 1_795_400_000_000
        _ = try await harness.client().send(RedisCommand("HSET", RedisArgument("\(p):schedules"), RedisArgument("nightly-report"), RedisArgument(String(slot))))

        let server = try startServer(["--config", config.path])
        defer { server.stop() }
        let shots = Self.screenshotDirectory
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        print("dashboard screenshots: \(shots)")
        let base = "http://127.0.0.1:\(server.port)/dashboard"
        let browser = try await HeadlessChromium()
        defer { browser.close() }

        // Log in with the admin token through the form.
        try await browser.open(base)
        #expect(try await browser.count("#login") == 1, "without a session the dashboard shows the login form")
        try await browser.screenshot("\(shots)/login.png")
        try await browser.fill("#token", Self.adminToken)
        try await browser.click("#login button")
        #expect(try await browser.location() == base, "a login leads to the overview")
        #expect(try await browser.attribute(".who", "data-role") == "admin")

        // Overview: the counts Redis really has.
        let stats = try await harness.queue().stats(nowMilliseconds: UnixTime.nowMilliseconds())
        let seeded = try #require(stats.first { $0.queue == work })
        #expect(seeded.ready == 3 && seeded.delayed == 1)
        for s in stats where s.queue.hasPrefix(p) {
            for (name, value) in [("ready", s.ready), ("delayed", s.delayed), ("leased", s.leased), ("dead", s.dead)] {
                let shown = try await browser.text("tr[data-queue=\"\(s.queue)\"] [data-count=\"\(name)\"]")
                #expect(shown?.split(separator: " ").first.map(String.init) == String(value), "\(s.queue) \(name): page \(shown ?? "nil"), Redis \(value)")
            }
        }
        #expect(try await browser.text("tr[data-queue=\"\(deadQueue)\"] [data-count=\"dead\"]") == "3")
        #expect(try await browser.attribute("#redis-cost", "data-requests") == "1", "the overview costs one Redis request")
        #expect(try await browser.attribute("#redis-cost", "data-commands") == "3", "the stats script, the heartbeat and the flow keys")
        #expect(try await browser.attribute("#last-run", "data-state") == "fresh", "the seeding runs just happened")
        #expect(try await browser.count("svg.chart") == 2)
        #expect(try await browser.count("#runs tr[data-run]") >= 1)
        try await browser.screenshot("\(shots)/overview.png")

        // The partly run job: its item progress as PostgreSQL has it.
        let items = try harness.items()["\(p)-big"] ?? [:]
        let done = items.values.filter { $0.state == "done" }.count
        let failed = items.values.filter { $0.state == "failed" }.count
        #expect(done == 37 && failed == 1, "the seeding run left the job part done: \(done) done, \(failed) failed")
        try await browser.open("\(base)/job?id=\(p)-big")
        #expect(try await browser.text("[data-items=\"done\"]") == String(done))
        #expect(try await browser.text("[data-items=\"failed\"]") == String(failed))
        #expect(try await browser.text("[data-items=\"total\"]") == "120")
        #expect(try await browser.text("tr[data-item=\"0\"] code") == "\(p)-big:0", "the idempotency key of item 0")
        #expect(try await browser.attribute("tr[data-item=\"36\"]", "data-state") == "done")
        #expect(try await browser.attribute("tr[data-item=\"37\"]", "data-state") == "failed")
        #expect(try await browser.text("tr[data-item=\"37\"] .detail") == "bad input at item 37")
        #expect(try await browser.attribute("tr[data-item=\"38\"]", "data-state") == "pending")
        #expect(try await browser.count("#items tr[data-item]") == 50, "one page of 50 items")
        let state = try await serve.record("\(p)-big")["state"]
        #expect(try await browser.text("#job-state") == state)
        #expect(try await browser.attribute("#redis-cost", "data-requests") == "1")
        try await browser.screenshot("\(shots)/job.png")
        try await browser.click("a[rel=next]")
        #expect(try await browser.count("#items tr[data-item=\"50\"]") == 1, "the second page starts at item 50")

        // Dead letters: retry one and see it leave the dead set.
        try await browser.open("\(base)/dead?queue=\(deadQueue)")
        #expect(try await browser.count("#dead tr[data-dead]") == 3)
        #expect(try await browser.text("tr[data-dead=\"\(p)-dead-a\"] .detail")?.isEmpty == false, "the reason is shown")
        try await browser.screenshot("\(shots)/dead-letters.png")
        try await browser.click("tr[data-dead=\"\(p)-dead-a\"] button[name=only]")
        #expect(try await browser.text(".notice")?.hasPrefix("Retried 1 job(s)") == true)
        #expect(try await browser.count("tr[data-dead=\"\(p)-dead-a\"]") == 0, "the retried job left the page")
        #expect(try await isDead("\(p)-dead-a", queue: deadQueue) == false, "and the dead set")
        #expect(try await serve.record("\(p)-dead-a")["state"] == "ready")

        // Purge one, through the confirmation page.
        _ = try await browser.evaluate("document.querySelector('tr[data-dead=\"\(p)-dead-c\"] input[type=checkbox]').checked=false")
        try await browser.click("#purge-selected")
        #expect(try await browser.count("#purge-list li") == 1)
        #expect(try await isDead("\(p)-dead-b", queue: deadQueue), "nothing is purged before the confirmation")
        try await browser.screenshot("\(shots)/purge-confirm.png")
        try await browser.click("#confirm-purge")
        #expect(try await browser.text(".notice")?.hasPrefix("Purged 1 job(s)") == true)
        #expect(try await isDead("\(p)-dead-b", queue: deadQueue) == false)
        #expect(try await serve.record("\(p)-dead-b").isEmpty, "a purged job is deleted from Redis")
        #expect(try await isDead("\(p)-dead-c", queue: deadQueue), "the unselected job stays")

        // Filter.
        try await browser.open("\(base)/dead?queue=\(deadQueue)&filter=dead-c")
        #expect(try await browser.count("#dead tr[data-dead]") == 1)

        // Schedules.
        try await browser.open("\(base)/schedules")
        #expect(try await browser.count("tr[data-schedule=\"nightly-report\"] li") == 3, "three next fire times")
        #expect(try await browser.text("tr[data-schedule=\"nightly-report\"] a code") == "sched:nightly-report:\(slot / 1000)")
        try await browser.screenshot("\(shots)/schedules.png")

        for name in ["login", "overview", "job", "dead-letters", "purge-confirm", "schedules"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(shots)/\(name).png")[.size] as? Int) ?? 0
            #expect(size > 5_000, "\(name).png was saved")
        }
    }
}
