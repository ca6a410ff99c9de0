import Prometheus
import TickCore

/// One scrape in the Prometheus text format (version 0.0.4). docs/monitoring.md lists every series.
///
/// Gauges and counters go through swift-prometheus's ``Prometheus/PrometheusCollectorRegistry``: a new registry per
/// scrape, each counter advanced once by the absolute value read from Redis (`P:metrics` only goes up, so the
/// exposed counters do too), which keeps no state between scrapes. The run-duration histogram is written here by
/// hand: swift-prometheus's `Histogram` can only `record` one observation at a time, so it cannot take the bucket
/// counts and the sum that the acknowledgement script already stored (replaying each bucket's count as observations
/// at its upper bound would give the right buckets but a wrong `_sum`).
enum MetricsExposition {
    /// Queue states exposed by `tick_queue_jobs`.
    static let queueStates = ["ready", "delayed", "leased", "dead", "cancelled"]
    /// Outcomes of `tick_jobs_total`, as counted by the acknowledgement script.
    static let jobOutcomes = ["done", "retry", "dead", "release", "cancel"]
    /// Outcomes of `tick_items_total`.
    static let itemOutcomes = ["done", "failed"]

    /// The text of one scrape at `nowMilliseconds` (Unix).
    static func text(_ scrape: JobQueue.Scrape, nowMilliseconds: Int64) -> String {
        let registry = PrometheusCollectorRegistry()
        queues(scrape.stats, into: registry)
        counters(scrape.metrics, into: registry)
        ages(scrape.heartbeat, nowMilliseconds: nowMilliseconds, into: registry)
        return registry.emitToString() + histogram(scrape.metrics)
    }

    private static func queues(_ stats: [QueueStats], into registry: PrometheusCollectorRegistry) {
        let jobs = name("queue_jobs", help: "Jobs per queue and state now (ready, delayed, leased, dead, cancelled).")
        let paused = name("queue_paused", help: "1 when the queue is paused (tick pause), else 0.")
        for queue in stats {
            let counts = [queue.ready, queue.delayed, queue.leased, queue.dead, queue.cancelled]
            for (state, count) in zip(queueStates, counts) {
                registry.makeGauge(descriptor: jobs, labels: [("queue", queue.queue), ("state", state)]).set(Int64(count))
            }
            registry.makeGauge(descriptor: paused, labels: [("queue", queue.queue)]).set(Int64(queue.paused ? 1 : 0))
        }
    }

    private static func counters(_ metrics: RunMetrics, into registry: PrometheusCollectorRegistry) {
        func count(_ metric: String, _ labels: [(String, String)], help: String, field: String) {
            registry.makeCounter(descriptor: name(metric, unit: "total", help: help), labels: labels).increment(by: max(0, metrics[field]))
        }
        for trigger in RunTrigger.allCases {
            count("runs", [("trigger", trigger.rawValue)], help: "Runs by what started them, idle ones included.", field: "runs_total:\(trigger.rawValue)")
        }
        for outcome in jobOutcomes {
            count("jobs", [("outcome", outcome)], help: "Jobs by how their lease ended.", field: "jobs_total:\(outcome)")
        }
        for outcome in itemOutcomes {
            count("items", [("outcome", outcome)], help: "Items recorded by outcome.", field: "items_total:\(outcome)")
        }
        count("redis_requests", [], help: "Redis REST requests sent by runs.", field: "requests_total")
        count("redis_commands", [], help: "Billable Redis commands sent by runs.", field: "commands_total")
    }

    private static func ages(_ heartbeat: JobQueue.Heartbeat, nowMilliseconds: Int64, into registry: PrometheusCollectorRegistry) {
        if let age = heartbeat.age(nowMilliseconds: nowMilliseconds) {
            registry.makeGauge(descriptor: name("last_run_age", unit: "seconds", help: "Seconds since the last run started, any trigger.")).set(age)
        }
        for trigger in RunTrigger.allCases {
            guard let last = heartbeat.byTrigger[trigger.rawValue] else { continue }
            registry.makeGauge(
                descriptor: name("trigger_last_run_age", unit: "seconds", help: "Seconds since the last run of each trigger started."),
                labels: [("trigger", trigger.rawValue)]
            ).set(Double(max(0, nowMilliseconds - last)) / 1000)
        }
    }

    /// `tick_<metric>_<unit>` (no unit: `tick_<metric>`) with its help text.
    private static func name(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tick", metricName: metric, unitName: unit, helpText: help)
    }

    /// `tick_run_duration_seconds` from the stored buckets (cumulative, as the format wants), sum and count.
    static func histogram(_ metrics: RunMetrics) -> String {
        let name = "tick_run_duration_seconds"
        var lines = [
            "# HELP \(name) How long runs that claimed work took from their start to their acknowledgement.",
            "# TYPE \(name) histogram",
        ]
        for (bound, count) in metrics.durationHistogram { lines.append("\(name)_bucket{le=\"\(bound)\"} \(count)") }
        lines.append("\(name)_sum \(Double(metrics["run_seconds_sum_ms"]) / 1000)")
        lines.append("\(name)_count \(metrics["run_seconds_count"])")
        return lines.joined(separator: "\n") + "\n"
    }
}
