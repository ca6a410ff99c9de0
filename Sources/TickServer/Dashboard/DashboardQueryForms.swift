import Hummingbird

/// The dashboard's query strings and its login form, decoded with Hummingbird's `URLEncodedFormDecoder`.
///
/// Every field is an optional string: a missing field takes the page's default, and a number that does not
/// parse (`?page=abc`) is read as absent, as before. Only a query the decoder cannot read at all (a repeated
/// name, a broken `%` escape, a `name[...]` shape) is refused, with 400 (``DashboardResponder/badQuery(_:)``).
/// The dead-letter actions' bodies repeat `id` (one per checked box), which the decoder refuses, so they stay
/// ``DashboardForm``s.
enum DashboardQueryForms {
    /// Decodes `text` (a query string without `?`, or a url-encoded body); `nil` or empty decodes as no fields.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: some StringProtocol) throws -> Value {
        try URLEncodedFormDecoder().decode(Value.self, from: String(text))
    }

    /// A query string's field as a whole number, or `nil` when absent or not a number.
    static func integer(_ field: String?) -> Int? { field.flatMap { Int($0) } }
}

/// `POST <path>/login`: the token typed into the form.
struct DashboardLoginForm: Decodable, Sendable {
    var token: String?
}

/// The overview's query: `before` (a run id) pages back through the recent runs.
struct DashboardOverviewQuery: Decodable, Sendable {
    var before: String?
}

/// The job page's query: `id`, `failed=1` (failed items only, paged by `after`), `page` (of the item list).
struct DashboardJobQuery: Decodable, Sendable {
    var id: String?
    var failed: String?
    var after: String?
    var page: String?
    /// The message the cancel action left (`cancelled`, `requested`, `finished`).
    var notice: String?
}

/// The dead-letter page's query: `queue`, `filter`, `page`, and the notice an action left (`notice`, `n`, `of`).
/// Also the `back` field of the dead-letter forms (the page to return to).
struct DashboardDeadQuery: Decodable, Sendable {
    var queue: String?
    var filter: String?
    var page: String?
    var notice: String?
    var n: String?
    var of: String?

    /// No fields: the first queue with dead letters, page 1.
    init() {}
}
