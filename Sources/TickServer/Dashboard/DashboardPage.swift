import TickCore

/// What every page after login shows around its content: navigation, the session's role and CSRF token,
/// a notice, and the footer's Redis cost (measured) and bound.
struct DashboardPage {
    /// The pages of the navigation bar.
    enum Section: String, CaseIterable {
        case overview = "Overview"
        case dead = "Dead letters"
        case schedules = "Schedules"

        var suffix: String {
            switch self {
            case .overview: ""
            case .dead: "/dead"
            case .schedules: "/schedules"
            }
        }
    }

    let base: String
    let session: DashboardSession
    let csrf: String
    let now: Int64

    /// The context every template after login needs, plus the page's own values.
    func context(
        title: String, section: Section?, usage: RedisUsage, bound: String, notice: String? = nil, _ values: [String: Any]
    ) -> [String: Any] {
        var context = values
        context["base"] = base
        context["title"] = title
        context["csrf"] = csrf
        context["role"] = session.role.rawValue
        context["roleLabel"] = session.role == .admin ? "admin" : "read-only"
        context["isAdmin"] = session.role == .admin
        context["notice"] = notice ?? false
        context["nav"] = Section.allCases.map { item -> [String: Any] in
            ["href": base + item.suffix, "label": item.rawValue, "active": item == section]
        }
        context["redisRequests"] = usage.requests
        context["redisCommands"] = usage.commands
        context["redisBound"] = bound
        context["renderedAt"] = DashboardFormat.utc(milliseconds: now)
        return context
    }
}
