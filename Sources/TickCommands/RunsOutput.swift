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
    static func table(_ listing: RunHistory.Listing, since: String, palette: Palette = .plain) -> String {
        var table = TextTable([
            .init("run", right: true), .init("started (UTC)"), .init("trigger"), .init("duration", right: true), .init("claimed", right: true),
            .init("items done/failed", right: true), .init("jobs done/retried/dead/released", right: true), .init("redis req/cmd", right: true),
            .init("exit"),
        ])
        for run in listing.runs {
            let exit: TextTable.Cell =
                run.isRunning
                ? .state("running")
                : TextTable.Cell("\(run.exitReason?.rawValue ?? "-") (\(run.exitCode.map(String.init) ?? "-"))", state: run.exitReason?.rawValue)
            table.add([
                .init(String(run.id)), .init(run.startedAt), .init(run.trigger.rawValue), .init(run.durationMilliseconds.map(duration) ?? "running"),
                .init(String(run.claimed)), .init("\(run.itemsDone)/\(run.itemsFailed)"),
                .init("\(run.jobsCompleted)/\(run.jobsRetried)/\(run.jobsDead)/\(run.jobsReleased)"), .init("\(run.redisRequests)/\(run.redisCommands)"),
                exit,
            ])
        }
        var lines = table.lines(palette)
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
