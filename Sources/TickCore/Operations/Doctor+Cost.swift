/// The cost check: projected Upstash commands a month (``CostProjection``) at the given cadence and traffic,
/// observed in `tick_runs` when no jobs a day are given, and the runs the current backlog needs.
extension Doctor {
    /// - Parameters:
    ///   - connection: a connection at the current schema, to read the traffic from; `nil` if there is none.
    ///   - postgresConfigured: whether `DATABASE_URL` parsed (to say why nothing was observed).
    ///   - stats: the queue counts, for the backlog; `nil` if Redis could not be read.
    mutating func checkCost(connection: PostgresConnection?, postgresConfigured: Bool, stats: [QueueStats]?) {
        var observed: RunHistory.Traffic?
        var reason = "none given (no DATABASE_URL to observe it)"
        if cost.jobsPerDay == nil {
            if let connection {
                observed = try? RunHistory.traffic(on: connection)
                if observed == nil { reason = "none given (tick_runs could not be read)" }
            } else if postgresConfigured {
                reason = "none given (PostgreSQL unavailable or schema not current)"
            }
        }
        let projection = CostProjection(cost, observed: observed, unobservedReason: reason)
        let (level, message) = Self.costLine(projection, stats: stats)
        add("cost", level, message)
    }

    /// The cost line: a warning above 80% of the free tier or when the runs cannot keep up.
    static func costLine(_ projection: CostProjection, stats: [QueueStats]?) -> (DoctorCheck.Level, String) {
        let (model, cost) = (projection.model, projection.assumptions)
        let (group, format) = (CostProjection.group, CostProjection.format)
        let month = CostModel.daysPerMonth
        var message =
            "\(group(model.commandsPerMonth)) commands/month = \(format(model.freeTierShare * 100))% of the free tier (500K): "
            + "runs every \(format(cost.cadenceMinutes)) min (\(group(model.runsPerDay * month)) claims + "
            + "\(group(model.claimingRunsPerDay * month)) acks at --batch \(cost.batch)), "
            + "\(group(projection.jobsPerDay)) jobs/day (\(projection.source)), "
            + "\(group(model.enqueueCommandsPerMonth)) enqueue commands"
        var level = DoctorCheck.Level.ok
        if model.freeTierShare > 0.8 {
            level = .warning
            message += ": above 80% of the free tier; run less often (--every), raise --batch, or enqueue in batches (tick enqueue --file)"
        }
        message += "; \(CostProjection.bytes(model.bandwidthBytesPerMonth)) bandwidth/month (\(format(model.bandwidthFreeTierShare * 100))% of 10 GB), "
            + "\(CostProjection.bytes(model.storageBytes)) stored (\(format(model.storageFreeTierShare * 100))% of 256 MB) at jobs of \(CostProjection.bytes(cost.jobBytes))"
        if model.bandwidthFreeTierShare > 0.8 || model.storageFreeTierShare > 0.8 {
            level = .warning
            message += ": above 80% of a free-tier limit; store large inputs elsewhere and enqueue references (docs/producers.md)"
        }
        if !model.keepsUp {
            level = .warning
            message += "; \(group(projection.jobsPerDay)) jobs/day exceed what runs every \(format(cost.cadenceMinutes)) min with --batch \(cost.batch) can claim: raise --batch"
        }
        if let stats {
            let backlog = stats.reduce(0) { $0 + $1.ready + $1.dueDelayed }
            if backlog > 0 {
                let runs = Int((Double(backlog) / Double(max(cost.batch, 1))).rounded(.up))
                message += "; backlog \(backlog) ready job\(backlog == 1 ? "" : "s"): \(runs) claiming run\(runs == 1 ? "" : "s") (+\(runs) ack\(runs == 1 ? "" : "s")) to drain"
            }
        }
        return (level, message)
    }
}
