import TickCore

/// How `tick runs` prints a listing: an aligned table for people, one JSON object for scripts.
enum RunsOutput {
    /// One JSON object: `{"runs": [...], "total": {...}}`, snake_case keys, numbers as numbers.
    static func json(_ listing: RunHistory.Listing) -> String {
        let totals = listing.totals
        return JSONValue.object([
            "runs": .array(listing.runs.map(json)),
            "total": .object([
                "runs": number(totals.runs), "items_done": number(totals.itemsDone), "items_failed": number(totals.itemsFailed),
                "jobs_completed": number(totals.jobsCompleted), "jobs_dead": number(totals.jobsDead),
                "redis_commands": number(totals.redisCommands),
            ]),
        ]).serialized
    }

    static func json(_ run: RunRecord) -> JSONValue {
        .object([
            "run_id": .integer(run.id), "started_at": .string(run.startedAt), "trigger": .string(run.trigger.rawValue),
            "schedule": run.schedule.map(JSONValue.string) ?? .null, "running": .bool(run.isRunning),
            "duration_ms": run.durationMilliseconds.map(JSONValue.integer) ?? .null, "budget_ms": number(run.budgetMilliseconds),
            "claimed": number(run.claimed), "items_done": number(run.itemsDone), "items_failed": number(run.itemsFailed),
            "jobs_completed": number(run.jobsCompleted), "jobs_retried": number(run.jobsRetried), "jobs_dead": number(run.jobsDead),
            "jobs_released": number(run.jobsReleased), "redis_requests": number(run.redisRequests),
            "redis_commands": number(run.redisCommands), "exit_reason": run.exitReason.map { .string($0.rawValue) } ?? .null,
            "exit_code": run.exitCode.map(number) ?? .null,
        ])
    }

    /// The aligned table, then the total line (over every matching run, not just the rows shown).
    static func table(_ listing: RunHistory.Listing, since: String) -> String {
        var lines = [
            "    run  started (UTC)         trigger  duration  claimed  items done/failed  jobs done/retried/dead/released  redis req/cmd  exit"
        ]
        for run in listing.runs {
            let exit = run.isRunning ? "running" : "\(run.exitReason?.rawValue ?? "-") (\(run.exitCode.map(String.init) ?? "-"))"
            lines.append(
                [
                    String(run.id).leftPadded(7), run.startedAt.padded(20), run.trigger.rawValue.padded(7),
                    (run.durationMilliseconds.map(duration) ?? "running").leftPadded(8), String(run.claimed).leftPadded(7),
                    "\(run.itemsDone)/\(run.itemsFailed)".leftPadded(17),
                    "\(run.jobsCompleted)/\(run.jobsRetried)/\(run.jobsDead)/\(run.jobsReleased)".leftPadded(31),
                    "\(run.redisRequests)/\(run.redisCommands)".leftPadded(13), exit,
                ].joined(separator: "  "))
        }
        if listing.runs.isEmpty { lines.append("(no runs in the last \(since))") }
        let t = listing.totals
        lines.append(
            "total: \(t.runs) runs, \(t.itemsDone) items done, \(t.itemsFailed) items failed, \(t.jobsCompleted) jobs completed, "
                + "\(t.jobsDead) dead, \(t.redisCommands) Redis commands (last \(since))")
        return lines.joined(separator: "\n")
    }

    /// `850ms`, `12.3s`, `2m05s`, `1h02m`.
    static func duration(_ milliseconds: Int64) -> String {
        switch milliseconds {
        case ..<1_000: return "\(max(0, milliseconds))ms"
        case ..<60_000: return "\(milliseconds / 1_000).\(milliseconds % 1_000 / 100)s"
        case ..<3_600_000:
            let seconds = milliseconds / 1_000
            return "\(seconds / 60)m" + String(seconds % 60).leftPadded(2).replacingSpaces + "s"
        default:
            let minutes = milliseconds / 60_000
            return "\(minutes / 60)h" + String(minutes % 60).leftPadded(2).replacingSpaces + "m"
        }
    }

    private static func number(_ value: Int) -> JSONValue { .integer(Int64(value)) }
}

extension String {
    /// Spaces as zeros: the zero-padding of a left-padded number.
    fileprivate var replacingSpaces: String { String(map { $0 == " " ? "0" : $0 }) }
}
