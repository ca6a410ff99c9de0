import TickCore

/// What `tick cancel` prints: a line per job, or one JSON document.
enum CancelOutput {
    static func text(_ results: [JobQueue.CancelResult], recorded: Bool) -> String {
        var lines: [String] = []
        for result in results {
            switch result {
            case .cancelled(let job): lines.append("\(job.id)  cancelled (it was waiting in queue \(job.queue))")
            case .requested(let job):
                lines.append("\(job.id)  cancel requested: running now; its run starts none of its remaining items\(recorded ? "" : " (stops at the end of its run)")")
            case .finished(let id, let state): lines.append("\(id)  not cancelled: it is \(state.rawValue) already")
            case .unknown(let id): lines.append("\(id)  not cancelled: no such job (never enqueued, or its record expired)")
            }
        }
        let counts = Self.counts(results)
        lines.append("\(counts.cancelled) cancelled, \(counts.requested) running asked to stop, \(counts.refused) not cancelled")
        return lines.joined(separator: "\n")
    }

    static func json(_ results: [JobQueue.CancelResult], recorded: Bool) -> String {
        let jobs = results.map { result -> JSONValue in
            switch result {
            case .cancelled(let job): .object(["id": .string(job.id), "result": .string("cancelled"), "queue": .string(job.queue)])
            case .requested(let job): .object(["id": .string(job.id), "result": .string("requested"), "queue": .string(job.queue)])
            case .finished(let id, let state): .object(["id": .string(id), "result": .string("finished"), "state": .string(state.rawValue)])
            case .unknown(let id): .object(["id": .string(id), "result": .string("unknown")])
            }
        }
        let counts = Self.counts(results)
        return JSONValue.object([
            "cancelled": .integer(Int64(counts.cancelled)), "requested": .integer(Int64(counts.requested)),
            "not_cancelled": .integer(Int64(counts.refused)), "recorded_in_postgres": .bool(recorded), "jobs": .array(jobs),
        ]).serialized
    }

    private static func counts(_ results: [JobQueue.CancelResult]) -> (cancelled: Int, requested: Int, refused: Int) {
        var counts = (cancelled: 0, requested: 0, refused: 0)
        for result in results {
            switch result {
            case .cancelled: counts.cancelled += 1
            case .requested: counts.requested += 1
            case .finished, .unknown: counts.refused += 1
            }
        }
        return counts
    }
}
