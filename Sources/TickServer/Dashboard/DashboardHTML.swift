import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's responses: HTML (or its two assets), never cached, never framed, no inline script allowed.
enum DashboardHTML {
    /// Scripts and styles only from the dashboard's own asset files; forms only to this origin; no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// An HTML page.
    static func page(_ status: HTTPResponse.Status, _ html: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A static asset, cacheable for an hour (it changes only with the binary).
    static func asset(_ text: String, contentType: String) -> Response {
        let headers: HTTPFields = [.contentType: contentType, .cacheControl: "private, max-age=3600", .xContentTypeOptions: "nosniff"]
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `303 See Other` to `location` (a path of the dashboard), after a form post or a login.
    static func seeOther(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// A page with one message (errors, 401, 403, 404, 405).
    static func message(_ status: HTTPResponse.Status, base: String, title: String, _ text: String, login: Bool = false, headers: HTTPFields = [:]) -> Response {
        let context: [String: Any] = [
            "base": base, "title": title, "message": text, "loginHref": login ? base + "/login" : false,
            "backHref": login ? false : base,
        ]
        return page(status, DashboardTemplates.render("message", context), headers: headers)
    }
}
