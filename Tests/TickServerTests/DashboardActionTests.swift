import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TickServer

/// The checks of the dashboard's actions in-process, in their documented order: a session (401), the admin role
/// (403), a same-origin `Origin`/`Referer` (403), the session's CSRF token (403). Redis and PostgreSQL are
/// unreachable here, so a refused action that went on to Redis would answer 503 "Unavailable" instead.
@Suite("dashboard actions, in-process")
struct DashboardActionTests {
    typealias Server = DashboardTestServer

    static let retry = "/dashboard/dead/retry"
    static let purge = "/dashboard/dead/purge"

    /// Expects a refusal that never reached Redis.
    static func expectRefused(_ reply: TestResponse, _ status: HTTPResponse.Status, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.text.contains(text), "\(reply.text)", sourceLocation: sourceLocation)
        #expect(!reply.text.contains("Unavailable") && !reply.text.contains("Redis"), "refused before Redis", sourceLocation: sourceLocation)
    }

    @Test("an action without a session is 401 (even with a same-origin form and a token-shaped csrf)")
    func withoutSession() async throws {
        try await Server.application().test(.router) { client in
            for target in [Self.retry, Self.purge, "/dashboard/job/cancel", "/dashboard/logout"] {
                let reply = try await client.execute(
                    uri: target, method: .post, headers: Server.postHeaders(),
                    body: Server.form([("queue", "q"), ("id", "j1"), ("csrf", String(repeating: "0", count: 64))]))
                Self.expectRefused(reply, .unauthorized, "This action needs a dashboard session")
            }
        }
    }

    @Test("retry or purge with a read-only session is 403, even with its own CSRF token")
    func readOnlySession() async throws {
        let viewer = Server.cookie(token: Server.readToken)
        try await Server.application().test(.router) { client in
            for target in [Self.retry, Self.purge, "/dashboard/job/cancel"] {
                let reply = try await client.execute(
                    uri: target, method: .post, headers: Server.postHeaders(cookie: viewer),
                    body: Server.form([("queue", "q"), ("id", "j1"), ("csrf", Server.csrf(cookie: viewer))]))
                Self.expectRefused(reply, .forbidden, "This session is read-only")
            }
        }
    }

    @Test("an admin action from a foreign Origin (or a foreign Referer, or neither) is 403")
    func foreignOrigin() async throws {
        let admin = Server.cookie(token: Server.adminToken)
        let body = Server.form([("queue", "q"), ("id", "j1"), ("csrf", Server.csrf(cookie: admin))])
        var foreignReferer = Server.postHeaders(cookie: admin, origin: nil)
        foreignReferer[.referer] = "http://evil.example/dashboard/dead"
        let refused = [Server.postHeaders(cookie: admin, origin: "http://evil.example"), foreignReferer, Server.postHeaders(cookie: admin, origin: nil)]
        try await Server.application().test(.router) { client in
            for headers in refused {
                let reply = try await client.execute(uri: Self.retry, method: .post, headers: headers, body: body)
                Self.expectRefused(reply, .forbidden, "Origin/Referer mismatch")
            }
        }
    }

    @Test("an admin action from this origin without the session's CSRF token (missing, wrong, another session's) is 403")
    func csrfToken() async throws {
        let admin = Server.cookie(token: Server.adminToken)
        let otherSession = Server.csrf(cookie: Server.cookie(token: Server.adminToken))
        try await Server.application().test(.router) { client in
            for csrf in [nil, String(repeating: "0", count: 64), otherSession, Server.csrf(cookie: Server.cookie(token: Server.readToken))] {
                let fields = [("queue", "q"), ("id", "j1")] + (csrf.map { [("csrf", $0)] } ?? [])
                for target in [Self.retry, Self.purge] {
                    let reply = try await client.execute(uri: target, method: .post, headers: Server.postHeaders(cookie: admin), body: Server.form(fields))
                    Self.expectRefused(reply, .forbidden, "CSRF token is missing or stale")
                }
            }
        }
    }

    @Test("log out: 303 to the login form clearing the cookie, for either role; without the CSRF token 403")
    func logout() async throws {
        try await Server.application().test(.router) { client in
            for token in [Server.readToken, Server.adminToken] {
                let cookie = Server.cookie(token: token)
                let refused = try await client.execute(uri: "/dashboard/logout", method: .post, headers: Server.postHeaders(cookie: cookie), body: Server.form([]))
                Self.expectRefused(refused, .forbidden, "CSRF token")
                let reply = try await client.execute(
                    uri: "/dashboard/logout", method: .post, headers: Server.postHeaders(cookie: cookie),
                    body: Server.form([("csrf", Server.csrf(cookie: cookie))]))
                #expect(reply.status == .seeOther)
                #expect(reply.headers[.location] == "/dashboard/login")
                #expect(reply.headers[.setCookie] == "tick_dashboard=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict")
            }
        }
    }

    @Test("once every check passes the action runs: the purge confirmation (no Redis), and retry reaching the unreachable Redis (503)")
    func allChecksPass() async throws {
        let admin = Server.cookie(token: Server.adminToken)
        let csrf = Server.csrf(cookie: admin)
        try await Server.application().test(.router) { client in
            let confirm = try await client.execute(
                uri: Self.purge, method: .post, headers: Server.postHeaders(cookie: admin),
                body: Server.form([("queue", "q"), ("id", "j1"), ("id", "j2"), ("csrf", csrf), ("back", "queue=q&page=2")]))
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("j1") && confirm.text.contains("j2") && confirm.text.contains("name=\"confirmed\" value=\"yes\""))
            let none = try await client.execute(uri: Self.retry, method: .post, headers: Server.postHeaders(cookie: admin), body: Server.form([("csrf", csrf)]))
            #expect(none.status == .seeOther && none.headers[.location] == "/dashboard/dead?notice=none")
            let retried = try await client.execute(
                uri: Self.retry, method: .post, headers: Server.postHeaders(cookie: admin), body: Server.form([("queue", "q"), ("id", "j1"), ("csrf", csrf)]))
            #expect(retried.status == .serviceUnavailable && retried.text.contains("Unavailable"), "the control: reaching Redis here is a 503")
            let page = try await client.execute(uri: "/dashboard/dead?page=abc", method: .get, headers: [.cookie: admin])
            #expect(page.status == .serviceUnavailable, "a page with a session reads Redis; a non-number page is read as page 1, not refused")
            let bad = try await client.execute(uri: "/dashboard/job?id=a&id=b", method: .get, headers: [.cookie: admin])
            #expect(bad.status == .badRequest && bad.text.contains("duplicate keys"), "\(bad.text)")
        }
    }
}
