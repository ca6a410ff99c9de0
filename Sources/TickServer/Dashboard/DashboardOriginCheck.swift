import HTTPTypes

/// The same-origin check every dashboard POST passes before its CSRF token is even looked at.
///
/// A browser sends `Origin` with every POST (and `Referer` on most); a cross-site form cannot set either to
/// this server. The request passes when the `Origin` (else the `Referer`) names the host the request was sent
/// to: its `Host` header (the request's authority), or `X-Forwarded-Host` when a reverse proxy rewrote `Host`. A POST with neither
/// header is refused: browsers always send one of them on the dashboard's forms.
enum DashboardOriginCheck {
    /// Whether `headers` show a same-origin request.
    static func isSameOrigin(_ headers: HTTPFields, authority: String?) -> Bool {
        var hosts: [String] = []
        if let authority { hosts.append(authority.lowercased()) }
        if let name = HTTPField.Name("x-forwarded-host"), let forwarded = headers[name] {
            hosts += forwarded.split(separator: ",").map { $0.trimmingSpaces.lowercased() }
        }
        guard !hosts.isEmpty else { return false }
        let source: String
        if let origin = headers[.origin], origin != "null" {
            source = origin
        } else if let referer = headers[.referer] {
            source = referer
        } else {
            return false
        }
        guard let host = Self.authority(of: source) else { return false }
        return hosts.contains(host.lowercased())
    }

    /// `host[:port]` of an absolute `http(s)://` URL.
    static func authority(of url: String) -> String? {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        return String(authority)
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
