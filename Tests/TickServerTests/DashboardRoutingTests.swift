import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TickServer

/// The dashboard's routes in-process (HummingbirdTesting's router client, no services): login, pages without a
/// session, exact paths (404), wrong methods (405 with `Allow`), and the tick endpoint and `/healthz` beside it.
@Suite("dashboard routes, in-process")
struct DashboardRoutingTests {
    typealias Server = DashboardTestServer

    @Test("GET login: 200 with the form, the dashboard's CSP; the assets are served with GET and HEAD")
    func loginPageAndAssets() async throws {
        try await Server.application().test(.router) { client in
            let page = try await client.execute(uri: "/dashboard/login", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"login\""))
            #expect(page.headers[.contentSecurityPolicy] == DashboardHTML.contentSecurityPolicy)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let css = try await client.execute(uri: "/dashboard/assets/dashboard.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            let js = try await client.execute(uri: "/dashboard/assets/dashboard.js", method: .head)
            #expect(js.status == .ok && js.headers[.contentType] == "text/javascript; charset=utf-8")
        }
    }

    @Test("POST login: a wrong token or CRON_SECRET is 401 and no cookie; the right one is 303 with the session cookie")
    func login() async throws {
        try await Server.application().test(.router) { client in
            for token in ["not-the-token-at-all", Server.cronSecret, ""] {
                let wrong = try await client.execute(
                    uri: "/dashboard/login", method: .post, headers: Server.postHeaders(), body: Server.form([("token", token)]))
                #expect(wrong.status == .unauthorized)
                #expect(wrong.headers[.setCookie] == nil)
                #expect(wrong.text.contains("That is not a dashboard token.") && wrong.text.contains("id=\"login\""))
            }
            let right = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: Server.postHeaders(), body: Server.form([("token", Server.adminToken)]))
            #expect(right.status == .seeOther)
            #expect(right.headers[.location] == "/dashboard")
            let cookie = try #require(right.headers[.setCookie])
            #expect(cookie.hasPrefix("tick_dashboard=v1.admin."))
            #expect(cookie.contains("; Path=/dashboard;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains(Server.adminToken) && !cookie.contains("Secure"))
            let foreign = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: Server.postHeaders(origin: "http://evil.example"),
                body: Server.form([("token", Server.adminToken)]))
            #expect(foreign.status == .forbidden && foreign.headers[.setCookie] == nil)
        }
    }

    @Test("a page without a session (or with an edited cookie) is 401 with the login form", arguments: ["/dashboard", "/dashboard/", "/dashboard/job?id=x", "/dashboard/dead", "/dashboard/schedules"])
    func pageWithoutSession(target: String) async throws {
        let edited = Server.cookie(token: Server.adminToken).replacing("v1.admin.", with: "v1.viewer.")
        try await Server.application().test(.router) { client in
            for (method, cookie) in [(HTTPRequest.Method.get, nil), (.head, nil), (.get, edited)] as [(HTTPRequest.Method, String?)] {
                let headers: HTTPFields = cookie.map { [.cookie: $0] } ?? [:]
                let page = try await client.execute(uri: target, method: method, headers: headers)
                #expect(page.status == .unauthorized, "\(method) \(target)")
                if method == .get { #expect(page.text.contains("id=\"login\"")) }
                #expect(!page.text.contains("Unavailable"), "no page may reach Redis or PostgreSQL without a session")
            }
        }
    }

    @Test("an unknown path under the dashboard is 404, paths are exact (no trailing-slash or double-slash leniency)")
    func unknownPath() async throws {
        let cookie = Server.cookie(token: Server.adminToken)
        try await Server.application().test(.router) { client in
            for target in ["/dashboard/nope", "/dashboard/job/", "/dashboard//job", "/dashboard/dead/retry/", "/dashboard/assets", "/dashboardx"] {
                let page = try await client.execute(uri: target, method: .get, headers: [.cookie: cookie])
                #expect(page.status == .notFound, "\(target)")
                #expect(page.text.contains("There is no dashboard page here.") || target == "/dashboardx", "\(target)")
            }
        }
    }

    @Test("a wrong method is 405 with Allow, before any session check")
    func wrongMethod() async throws {
        let cases: [(String, HTTPRequest.Method, String)] = [
            ("/dashboard/dead/retry", .get, "POST"), ("/dashboard/dead/purge", .get, "POST"), ("/dashboard/job/cancel", .get, "POST"), ("/dashboard/logout", .get, "POST"),
            ("/dashboard", .post, "GET"), ("/dashboard/job", .post, "GET"), ("/dashboard/dead", .delete, "GET"),
            ("/dashboard/login", .put, "GET, POST"), ("/dashboard/login", .head, "GET, POST"), ("/dashboard/assets/dashboard.css", .post, "GET"),
        ]
        try await Server.application().test(.router) { client in
            for (target, method, allow) in cases {
                let reply = try await client.execute(uri: target, method: method)
                #expect(reply.status == .methodNotAllowed, "\(method) \(target)")
                #expect(reply.headers[.allow] == allow, "\(method) \(target)")
            }
        }
    }

    @Test("the router registers exactly the methods of the routing table")
    func routerMatchesTable() throws {
        let responder = try DashboardTestServer.mount().responder
        var registered: [String: Set<HTTPRequest.Method>] = [:]
        for route in responder.router().routes {
            registered[String(route.path.description.dropFirst(responder.base.count)), default: []].insert(route.method)
        }
        var expected = DashboardResponder.table.mapValues(\.methods)
        expected["/"] = nil  // the same route as "": the router ignores a trailing slash, the table lets it through
        #expect(registered == expected)
    }

    @Test("the tick endpoint and /healthz answer as before; without a dashboard token every dashboard path is a JSON 404")
    func tickEndpointAndHealth() async throws {
        try await Server.application(dashboard: false).test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok && health.text == "{\"ok\":true}\n")
            let tick = try await client.execute(uri: "/api/cron/tick", method: .get)
            #expect(tick.status == .unauthorized && tick.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await client.execute(uri: "/api/cron/tick/", method: .get).status == .notFound)
            let put = try await client.execute(uri: "/api/cron/tick", method: .put)
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "GET, POST")
            for target in ["/dashboard", "/dashboard/login"] {
                let page = try await client.execute(uri: target, method: .get)
                #expect(page.status == .notFound && page.text == "{\"error\":\"not found\"}\n")
            }
        }
    }

    @Test("a --dashboard-path with a router pattern character is refused at start-up", arguments: ["/dash*", "/:dash", "/{dash}"])
    func patternPathRefused(path: String) {
        var configuration = DashboardTestServer.dashboardConfiguration
        configuration.path = path
        #expect(configuration.problem(cronSecret: nil, tickPath: ServeConfiguration.defaultPath)?.contains("--dashboard-path") == true)
    }
}
