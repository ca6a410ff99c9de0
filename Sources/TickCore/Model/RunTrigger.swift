/// What started a run. Recorded in `tick_runs.trigger` and printed in the run's summary line.
public enum RunTrigger: String, Sendable, Codable, CaseIterable {
    /// System cron (or any scheduler) ran `tick run`: the default of `tick run`.
    case cron
    /// An HTTP request to `tick serve` (Vercel Cron, QStash, an uptime checker).
    case http
    /// A person ran `tick run` by hand.
    case manual
    /// One run of `tick drain` (a backlog drained run after run).
    case drain
}
