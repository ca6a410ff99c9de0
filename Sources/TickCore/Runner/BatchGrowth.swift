/// How big the next claim of a drain is: it doubles while the backlog is deep and runs finish well within their
/// budget, up to a cap, and halves back towards `--batch` when a run meets its budget.
///
/// Fewer, larger claims mean fewer round trips per job, which is what a drain at real network latency waits on;
/// the claim's reply carries every job, so growth also stops when the jobs are large.
public struct BatchGrowth: Sendable, Hashable {
    /// The smallest batch: `--batch`.
    public let floor: Int
    /// The largest batch: `--max-batch`.
    public let ceiling: Int
    /// The batch the next claim asks for.
    public private(set) var batch: Int

    /// Bytes of job JSON a claim may carry before growth stops (Upstash refuses replies over 10 MB; a claim
    /// of this size is a tenth of that).
    public static let maximumClaimBytes = 1 << 20

    /// Growth from `floor` up to `ceiling` (at least `floor`).
    public init(floor: Int, ceiling: Int) {
        self.floor = floor
        self.ceiling = max(floor, ceiling)
        batch = floor
    }

    /// Learns from a run that claimed `claimed` jobs of `asked` and ended for `reason` after `duration` of its
    /// `budget`, and from the latest claim: its jobs' JSON, `bytesPerJob` on average, and `readyLeft` jobs still ready.
    public mutating func learn(asked: Int, claimed: Int, reason: RunExitReason, duration: Duration, budget: Duration, bytesPerJob: Int, readyLeft: Int?) {
        switch reason {
        case .budget:
            batch = max(floor, batch / 2)
        case .completed:
            let full = claimed >= asked && asked > 0
            let deep = (readyLeft ?? 0) >= 2 * batch
            let quick = duration * 4 < budget
            let small = bytesPerJob * 2 * batch <= Self.maximumClaimBytes
            if full, deep, quick, small { batch = min(ceiling, batch * 2) }
        default:
            break
        }
    }
}
