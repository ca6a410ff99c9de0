/// The budget of one request's run: the server's default, lowered (or raised up to the maximum) by
/// `?budget=SECONDS`.
enum RequestBudget {
    /// The smallest budget a run accepts (``TickCore/RunOptions/validate()``): 0.5 s.
    static let minimum: Duration = .milliseconds(500)

    /// Why a `?budget=` value was refused (HTTP 400).
    struct Malformed: Error, Sendable {
        let message: String
    }

    /// The budget for a request.
    /// - Parameters:
    ///   - query: the raw `budget` query value, or `nil` when the request names none.
    ///   - defaultBudget: the server's budget for requests that name none.
    ///   - maximum: the ceiling; larger requested values are clamped to it.
    /// - Returns: the budget to run with.
    /// - Throws: ``Malformed`` when the value is not a number of seconds, or is below ``minimum``.
    static func resolve(query: Substring?, defaultBudget: Duration, maximum: Duration) throws(Malformed) -> Duration {
        guard let query else { return min(defaultBudget, maximum) }
        guard query.utf8.count <= 32, let seconds = Double(query), seconds.isFinite else {
            throw Malformed(message: "budget must be a number of seconds, such as ?budget=20")
        }
        let requested = Duration.milliseconds(Int64((min(seconds, 86_400) * 1000).rounded(.down)))
        guard requested >= minimum else { throw Malformed(message: "budget must be at least 0.5 seconds") }
        return min(requested, maximum)
    }
}
