#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one run did: printed as one JSON line on stdout, answered by `tick serve`, stored in `tick_runs`.
///
/// Encoded by one path, its `Codable` conformance: ``jsonLine`` is that encoding with sorted keys; `run_id`
/// and `first_item_ms` are written as `null` when unknown, `error` only when there is one.
public struct RunReport: Sendable, Codable, Equatable {
    public var runID: Int64?
    public var trigger: RunTrigger
    public var startedAtUnixMilliseconds: Int64
    public var durationMilliseconds: Int
    public var budgetMilliseconds: Int
    public var claimed: Int = 0
    public var itemsDone: Int = 0
    public var itemsFailed: Int = 0
    public var jobsCompleted: Int = 0
    public var jobsRetried: Int = 0
    public var jobsDead: Int = 0
    public var jobsReleased: Int = 0
    /// Jobs this run ended cancelled (`tick cancel` while it held them).
    public var jobsCancelled: Int = 0
    /// Jobs this run stopped because another run took them over (its lease had expired).
    public var jobsLost: Int = 0
    /// Jobs this run enqueued for due schedule slots (inside its claim request).
    public var jobsScheduled: Int = 0
    /// Ready jobs this run left alone because it has no handler for them (they stay ready, untouched).
    public var jobsSkipped: Int = 0
    /// Time from the run's start to its first item handed to a handler (claim, connect, checkpoint load).
    public var firstItemMilliseconds: Double?
    public var redisRequests: Int = 0
    public var redisCommands: Int = 0
    /// Bytes of the REST request bodies sent and response bodies received (what Upstash meters as bandwidth,
    /// headers aside).
    public var redisBytesSent: Int = 0
    public var redisBytesReceived: Int = 0
    /// Why the run ended.
    public var exitReason: RunExitReason = .completed
    public var exitCode: Int = 0
    /// The error that ended the run early, if any.
    public var error: String?

    /// A report of a run that has just started: every count zero.
    public init(trigger: RunTrigger, startedAtUnixMilliseconds: Int64, durationMilliseconds: Int = 0, budgetMilliseconds: Int) {
        self.trigger = trigger
        self.startedAtUnixMilliseconds = startedAtUnixMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.budgetMilliseconds = budgetMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", trigger, startedAtUnixMilliseconds = "started_at_ms", durationMilliseconds = "duration_ms"
        case budgetMilliseconds = "budget_ms", claimed, itemsDone = "items_done", itemsFailed = "items_failed"
        case jobsCompleted = "jobs_completed", jobsRetried = "jobs_retried", jobsDead = "jobs_dead", jobsReleased = "jobs_released"
        case jobsCancelled = "jobs_cancelled", jobsLost = "jobs_lost", jobsScheduled = "jobs_scheduled", jobsSkipped = "jobs_skipped", firstItemMilliseconds = "first_item_ms", redisRequests = "redis_requests"
        case redisCommands = "redis_commands", redisBytesSent = "redis_bytes_sent", redisBytesReceived = "redis_bytes_received", exitReason = "exit_reason", exitCode = "exit_code", error
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runID, forKey: .runID)
        try c.encode(trigger, forKey: .trigger)
        try c.encode(startedAtUnixMilliseconds, forKey: .startedAtUnixMilliseconds)
        try c.encode(durationMilliseconds, forKey: .durationMilliseconds)
        try c.encode(budgetMilliseconds, forKey: .budgetMilliseconds)
        try c.encode(claimed, forKey: .claimed)
        try c.encode(itemsDone, forKey: .itemsDone)
        try c.encode(itemsFailed, forKey: .itemsFailed)
        try c.encode(jobsCompleted, forKey: .jobsCompleted)
        try c.encode(jobsRetried, forKey: .jobsRetried)
        try c.encode(jobsDead, forKey: .jobsDead)
        try c.encode(jobsReleased, forKey: .jobsReleased)
        try c.encode(jobsCancelled, forKey: .jobsCancelled)
        try c.encode(jobsLost, forKey: .jobsLost)
        try c.encode(jobsScheduled, forKey: .jobsScheduled)
        try c.encode(jobsSkipped, forKey: .jobsSkipped)
        try c.encode(firstItemMilliseconds.map { ($0 * 100).rounded() / 100 }, forKey: .firstItemMilliseconds)
        try c.encode(redisRequests, forKey: .redisRequests)
        try c.encode(redisCommands, forKey: .redisCommands)
        try c.encode(redisBytesSent, forKey: .redisBytesSent)
        try c.encode(redisBytesReceived, forKey: .redisBytesReceived)
        try c.encode(exitReason, forKey: .exitReason)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encodeIfPresent(error, forKey: .error)
    }

    /// The report as one line of JSON (keys sorted).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding integers, strings and finite doubles cannot fail; the fallback keeps the line valid JSON.
        guard let data = try? encoder.encode(self) else { return #"{"error":"report could not be encoded"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
