import Hummingbird
import TickCore

/// The overview: the last run's age and queues (1 Redis request), the last 24 hours, the cost projection and recent runs (PostgreSQL).
extension DashboardResponder {
    /// Recent runs per page.
    static let runsPerPage = 20

    func overview(_ query: DashboardOverviewQuery, page: DashboardPage) async throws(DashboardError) -> Response {
        let ((stats, heartbeat, flowKeys), usage) = try await redis.withQueue { queue throws(DashboardError) in
            try await Self.queuesAndHeartbeat(queue, now: page.now)
        }
        let before = DashboardQueryForms.integer(query.before).flatMap { $0 > 0 ? $0 : nil }
        let (minutes, runs, traffic) = try await store.with { connection throws(PostgresError) in
            (try DashboardStore.activity(connection), try DashboardStore.runs(connection, before: before, limit: Self.runsPerPage),
             try RunHistory.traffic(on: connection))
        }
        let model = CostModel(cadenceMinutes: configuration.cadenceMinutes, jobsPerDay: traffic.jobsPerDay, batch: batch)
        let month = CostModel.daysPerMonth
        var values: [String: Any] = [
            "hasQueues": !stats.isEmpty,
            "queues": stats.map { s -> [String: Any] in
                [
                    "name": s.queue, "paused": s.paused, "ready": s.ready, "delayed": s.delayed, "leased": s.leased, "dead": s.dead,
                    "dueDelayed": s.dueDelayed > 0 ? s.dueDelayed : false, "expiredLeases": s.expiredLeases > 0 ? s.expiredLeases : false,
                    "deadHref": "\(base)/dead?queue=\(DashboardForm.encode(s.queue))",
                ]
            },
            "runsChart": DashboardChart.runsPerHour(minutes, now: page.now / 1000),
            "itemsChart": DashboardChart.itemsPerMinute(minutes, now: page.now / 1000),
            "runs24h": DashboardFormat.grouped(minutes.reduce(0) { $0 + $1.runs }),
            "items24h": DashboardFormat.grouped(minutes.reduce(0) { $0 + $1.itemsDone }),
            "failed24h": DashboardFormat.grouped(minutes.reduce(0) { $0 + $1.itemsFailed }),
            "projectedCommands": DashboardFormat.grouped(Int(model.commandsPerMonth.rounded())),
            "freeTierShare": DashboardFormat.decimal(model.freeTierShare * 100) + "%",
            "dollars": DashboardFormat.decimal(model.payAsYouGoDollars, places: 2),
            "cadence": DashboardFormat.decimal(configuration.cadenceMinutes, places: 2),
            "runCommands": DashboardFormat.grouped(Int((model.runsPerDay * month).rounded())) + " claims + "
                + DashboardFormat.grouped(Int((model.claimingRunsPerDay * month).rounded())) + " acknowledgements",
            "enqueueCommands": DashboardFormat.grouped(Int(model.enqueueCommandsPerMonth.rounded())),
            "bandwidth": CostProjection.bytes(model.bandwidthBytesPerMonth),
            "bandwidthShare": DashboardFormat.decimal(model.bandwidthFreeTierShare * 100) + "%",
            "storage": CostProjection.bytes(model.storageBytes), "storageShare": DashboardFormat.decimal(model.storageFreeTierShare * 100) + "%",
            "jobsPerDay": DashboardFormat.grouped(Int(traffic.jobsPerDay.rounded())),
            "observedDays": traffic.days < 1 ? "\(Int(traffic.days * 24)) h" : "\(DashboardFormat.decimal(traffic.days)) days",
            "batch": batch, "keepsUp": model.keepsUp,
            "monthCommands": DashboardFormat.grouped(traffic.monthRedisCommands),
            "hasRuns": !runs.isEmpty,
        ]
        values["hasFlowKeys"] = !flowKeys.isEmpty
        values["flowKeys"] = flowKeys.map { Self.flowKeyValues($0, now: page.now) }
        values["runs"] = runs.map { run -> [String: Any] in
            let reason = run.finishedOK ? (run.exitReason ?? "?") : (run.exitReason ?? "unfinished")
            return [
                "id": run.id, "startedUTC": DashboardFormat.utc(milliseconds: run.startedAtMilliseconds),
                "startedAge": DashboardFormat.age(milliseconds: run.startedAtMilliseconds, now: page.now), "trigger": run.trigger,
                "schedule": run.schedule ?? false, "took": run.durationMilliseconds.map(DashboardFormat.duration) ?? "–",
                "claimed": run.claimed, "itemsDone": run.itemsDone, "itemsFailed": run.itemsFailed, "jobsCompleted": run.jobsCompleted,
                "jobsRetried": run.jobsRetried, "jobsDead": run.jobsDead, "jobsReleased": run.jobsReleased,
                "redisRequests": run.redisRequests, "redisCommands": run.redisCommands, "exitReason": reason,
                "exitClass": run.exitCode == nil ? "warn" : run.exitCode == 0 ? "ok" : "bad",
            ]
        }
        values.merge(lastRunValues(heartbeat, now: page.now)) { _, new in new }
        values["olderHref"] = runs.count == Self.runsPerPage ? "\(base)?before=\(runs.last?.id ?? 0)" : false
        values["newerHref"] = before != nil ? base : false
        let context = page.context(
            title: "Overview", section: .overview, usage: usage, bound: "1 request (the stats script, the heartbeat and the flow keys)", values)
        return DashboardHTML.page(.ok, DashboardTemplates.render("overview", context))
    }
}

extension DashboardResponder {
    /// The template values of one row of "Busiest flow keys".
    static func flowKeyValues(_ key: FlowKeyStats, now: Int64) -> [String: Any] {
        [
            "queue": key.queue, "handler": key.handler, "key": key.key, "waiting": key.waiting, "running": key.running,
            "parked": key.parkedUntil.map { DashboardFormat.duration(milliseconds: Int(max(0, $0 - now))) } ?? false,
        ]
    }
}

extension DashboardStore.Run {
    /// Finished and exited 0.
    var finishedOK: Bool { exitCode == 0 }
}
