/// The counters runs keep in Redis (`P:metrics`), advanced by the claim and acknowledgement scripts in the
/// requests the runs make anyway, so they only ever go up (retention of `tick_runs` never lowers them).
///
/// | field | advanced by | counts |
/// |---|---|---|
/// | `runs_total:<trigger>` | every claim | runs, idle ones included |
/// | `jobs_total:<done\|retry\|dead\|release\|cancel>` | the acknowledgement (a lease expiry's dead letter: the claim) | jobs by how their lease ended |
/// | `items_total:<done\|failed>` | the acknowledgement | items recorded |
/// | `requests_total`, `commands_total` | both | REST requests and billable commands of runs |
/// | `run_seconds_bucket:<le>`, `run_seconds_sum_ms`, `run_seconds_count` | the acknowledgement | how long runs that claimed work took up to their acknowledgement |
public struct RunMetrics: Sendable, Equatable {
    /// The upper bounds (seconds) of the run-duration histogram's buckets, as stored (`+Inf` above the last).
    public static let durationBuckets = ["0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "120", "300"]

    /// Every counter by field name.
    public var counters: [String: Int64]

    /// Counters as read from `P:metrics`.
    public init(counters: [String: Int64]) { self.counters = counters }

    /// A counter, 0 when never advanced.
    public subscript(_ field: String) -> Int64 { counters[field] ?? 0 }

    /// Runs per trigger.
    public var runs: [RunTrigger: Int64] {
        Dictionary(uniqueKeysWithValues: RunTrigger.allCases.map { ($0, self["runs_total:\($0.rawValue)"]) })
    }

    /// The histogram's cumulative counts per upper bound (seconds), `+Inf` last.
    public var durationHistogram: [(upperBound: String, count: Int64)] {
        var running: Int64 = 0
        return (Self.durationBuckets + ["+Inf"]).map { bound in
            running += self["run_seconds_bucket:\(bound)"]
            return (bound, running)
        }
    }
}
