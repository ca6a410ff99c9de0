/// What an alert is about: the `event` field of every alert, and what a sink subscribes to (`events` in tick.json).
public enum AlertKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A job was dead-lettered: its id, queue, handler, reason and attempts. Raised by the run that did it.
    case jobDead = "job.dead"
    /// A run exited non-zero (not by SIGTERM/SIGINT): its summary. Raised by that run.
    case runFailed = "run.failed"
    /// No run happened within a sink's `max_silence_s`: once per silence, raised by `tick serve`.
    case ticksMissed = "ticks.missed"
    /// The projected Upstash commands this month crossed a sink's `commands_per_month`: once a month, raised by
    /// `tick serve`.
    case costProjectedOver = "cost.projected_over"
}
