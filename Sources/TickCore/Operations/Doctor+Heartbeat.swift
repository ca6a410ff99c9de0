/// The missed-tick check: when the last run happened (`P:heartbeat`, written by every claim), read in the Redis
/// check's one request. An error past the allowed silence: the crontab, the Vercel cron or the CronJob stopped.
extension Doctor {
    /// The silence allowed: `--max-silence`, else 3 cron intervals (3 minutes at the default cadence).
    var allowedSilence: Duration { maxSilence ?? .milliseconds(Int64(cost.cadenceMinutes * 3 * 60_000)) }

    mutating func checkHeartbeat(_ heartbeat: JobQueue.Heartbeat) {
        let limit = Int64(allowedSilence.milliseconds)
        guard let last = heartbeat.last else {
            add(
                "runs.last", maxSilence == nil ? .warning : .error,
                "no run recorded under prefix \(prefix) yet: check that cron (or Vercel Cron, or the CronJob) calls tick run")
            return
        }
        let age = max(0, UnixTime.nowMilliseconds() - last)
        let trigger = heartbeat.lastTrigger ?? "?"
        let others = heartbeat.byTrigger.filter { $0.key != trigger }.sorted { $0.key < $1.key }
            .map { "last \($0.key) run \(Self.age(max(0, UnixTime.nowMilliseconds() - $0.value))) ago" }
        let detail = ([trigger] + others).joined(separator: "; ")
        if age > limit {
            add(
                "runs.last", .error,
                "no run for \(Self.age(age)) (allowed: \(Self.age(limit))); the last was \(detail): check the crontab, the Vercel cron or the CronJob that calls tick run")
        } else {
            add("runs.last", .ok, "last run \(Self.age(age)) ago (\(detail)); allowed silence \(Self.age(limit))")
        }
    }
}
