import TickCore

/// What a logged-in user may do.
enum DashboardRole: String, Sendable {
    /// Logged in with `TICK_DASHBOARD_TOKEN`: pages only.
    case viewer
    /// Logged in with `TICK_DASHBOARD_ADMIN_TOKEN`: pages and actions.
    case admin
}

/// A login, carried by the browser in an HttpOnly, SameSite=Strict cookie; nothing is stored on the server.
///
/// The cookie is `v1.<role>.<expires>.<nonce>.<mac>`: the MAC is an HMAC-SHA-256 of the rest under the token the
/// user logged in with, so it cannot be forged without that token, and changing the token logs everybody out.
/// The CSRF token of a session is an HMAC of its nonce under the same token: per session, never stored,
/// checked in constant time on every action.
struct DashboardSession: Sendable, Equatable {
    /// The cookie's name.
    static let cookieName = "tick_dashboard"

    let role: DashboardRole
    /// Unix seconds after which the cookie is refused.
    let expires: Int64
    let nonce: String
    let mac: String

    /// The cookie value.
    var cookieValue: String { "v1.\(role.rawValue).\(expires).\(nonce).\(mac)" }

    /// What the MAC covers.
    static func signedText(role: DashboardRole, expires: Int64, nonce: String) -> String {
        "tick-dashboard-session.v1.\(role.rawValue).\(expires).\(nonce)"
    }
}

/// Issues and checks sessions and CSRF tokens with the configured tokens, comparing in constant time.
struct DashboardAuthenticator: Sendable {
    private let readToken: Secret?
    private let adminToken: Secret?
    private let lifetimeSeconds: Int64

    init(configuration: DashboardConfiguration) {
        readToken = configuration.readToken
        adminToken = configuration.adminToken
        lifetimeSeconds = max(60, Int64(configuration.sessionLifetime.components.seconds))
    }

    /// The token that grants `role`.
    private func token(for role: DashboardRole) -> Secret? {
        switch role {
        case .viewer: readToken
        case .admin: adminToken
        }
    }

    /// The role a submitted token grants, or `nil`. Both tokens are always compared (each in constant time).
    func role(forToken candidate: String) -> DashboardRole? {
        let bytes = Array(candidate.utf8)
        let admin = adminToken.flatMap(CronSecret.init).map { $0.matches(bytes) } ?? false
        let viewer = readToken.flatMap(CronSecret.init).map { $0.matches(bytes) } ?? false
        return admin ? .admin : viewer ? .viewer : nil
    }

    /// A new session for `role`, valid from `now` (Unix seconds) for the configured lifetime.
    func issue(_ role: DashboardRole, now: Int64) -> DashboardSession? {
        guard let token = token(for: role) else { return nil }
        let expires = now + lifetimeSeconds
        let nonce = DashboardHMAC.randomHex(bytes: 16)
        let mac = DashboardHMAC.hex(key: token.revealed, message: DashboardSession.signedText(role: role, expires: expires, nonce: nonce))
        return DashboardSession(role: role, expires: expires, nonce: nonce, mac: mac)
    }

    /// The session a cookie value carries, if its MAC is right (constant time) and it has not expired.
    func verify(cookie value: String?, now: Int64) -> DashboardSession? {
        guard let value, value.utf8.count <= 256 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1", let role = DashboardRole(rawValue: String(parts[1])), let expires = Int64(parts[2]),
            expires > now, let token = token(for: role)
        else { return nil }
        let nonce = String(parts[3])
        guard nonce.utf8.count == 32, nonce.utf8.allSatisfy(Self.isHexDigit) else { return nil }
        let expected = DashboardHMAC.hex(key: token.revealed, message: DashboardSession.signedText(role: role, expires: expires, nonce: nonce))
        guard let check = CronSecret(Secret(expected)), check.matches(parts[4].utf8) else { return nil }
        return DashboardSession(role: role, expires: expires, nonce: nonce, mac: String(parts[4]))
    }

    /// The CSRF token of `session`: put in a hidden field of every form.
    func csrfToken(for session: DashboardSession) -> String {
        guard let token = token(for: session.role) else { return "" }
        return DashboardHMAC.hex(key: token.revealed, message: "tick-dashboard-csrf.v1.\(session.nonce)")
    }

    /// Whether `candidate` is `session`'s CSRF token (constant time).
    func acceptsCSRF(_ candidate: String?, for session: DashboardSession) -> Bool {
        guard let candidate, let check = CronSecret(Secret(csrfToken(for: session))) else { return false }
        return check.matches(candidate.utf8)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
