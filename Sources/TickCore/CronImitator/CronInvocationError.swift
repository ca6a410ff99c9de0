/// Why `tick cron --once` failed: some of its invocations did not answer 2xx.
///
/// The exit code says the most fundamental failure among them, in this order:
///
/// | code | when |
/// |---|---|
/// | 69 (``TickExitCode/redisUnavailable``, EX_UNAVAILABLE) | an endpoint gave no response: refused, timed out, connection lost |
/// | 77 (``TickExitCode/redisAuth``, EX_NOPERM) | an endpoint answered 401 or 403: it refused `CRON_SECRET` |
/// | 82 (``TickExitCode/cronEndpointFailed``) | an endpoint answered any other status outside 2xx (3xx included: redirects are not followed) |
public struct CronInvocationError: TickError, Equatable {
    /// What went wrong with one invocation.
    public enum Failure: Sendable, Hashable {
        /// No complete response arrived (connection refused, timed out, or lost before the reply).
        case noResponse(path: String, detail: String)
        /// The endpoint answered with this status, which is not 2xx.
        case status(path: String, code: Int)

        /// `/path (HTTP 500)` or `/path (<why no response>)`.
        public var summary: String {
            switch self {
            case .noResponse(let path, let detail): "\(path) (\(detail))"
            case .status(let path, let code): "\(path) (HTTP \(code))"
            }
        }
    }

    /// The failed invocations, in the order they were sent.
    public let failures: [Failure]
    /// How many invocations were sent in all.
    public let invocations: Int

    /// Makes an error.
    /// - Parameters:
    ///   - failures: the failed invocations, in the order they were sent (at least one).
    ///   - invocations: how many invocations were sent in all.
    public init(failures: [Failure], invocations: Int) {
        self.failures = failures
        self.invocations = invocations
    }

    /// `2 of 3 cron invocations did not answer 2xx: /broken (HTTP 500), /moved (HTTP 307)`, plus what to check.
    public var description: String {
        var text = "\(failures.count) of \(invocations) cron invocations did not answer 2xx: " + failures.map(\.summary).joined(separator: ", ")
        switch exitCode {
        case .redisUnavailable: text += " (is the deployment running at --base-url?)"
        case .redisAuth: text += " (the endpoint refused CRON_SECRET: set the same CRON_SECRET for tick cron and the server)"
        default: break
        }
        return text
    }

    /// 69 if any invocation got no response, else 77 if any answered 401/403, else 82.
    public var exitCode: TickExitCode {
        var refused = false
        for failure in failures {
            switch failure {
            case .noResponse: return .redisUnavailable
            case .status(_, let code) where code == 401 || code == 403: refused = true
            case .status: break
            }
        }
        return refused ? .redisAuth : .cronEndpointFailed
    }
}
