/// The body of one delivery to one sink: every event it wants, in its format.
enum AlertBody {
    /// The bytes to send.
    static func make(_ events: [AlertEvent], format: AlertSink.Format) -> [UInt8] {
        switch format {
        case .json:
            return Array(JSONValue.object(["source": .string("tick"), "events": .array(events.map(\.value))]).serialized.utf8)
        case .slack:
            return Array(JSONValue.object(["text": .string(events.map(line).joined(separator: "\n"))]).serialized.utf8)
        }
    }

    /// One line a person reads in a chat.
    static func line(_ event: AlertEvent) -> String {
        func text(_ object: JSONValue?, _ key: String) -> String {
            guard let value = object?[key] else { return "?" }
            return value.stringValue ?? value.serialized
        }
        switch event.kind {
        case .jobDead:
            let job = event.details["job"]
            return ":skull: tick: job `\(text(job, "id"))` dead-lettered in queue `\(text(job, "queue"))` (handler `\(text(job, "handler"))`) "
                + "after \(text(job, "attempts")) attempt(s): \(text(job, "reason"))"
        case .runFailed:
            let run = event.details["run"]
            return ":warning: tick: a \(text(run, "trigger")) run failed (exit \(text(run, "exit_code")), \(text(run, "exit_reason"))): \(text(run, "error"))"
        case .ticksMissed:
            let silence = event.details["silence"]
            return ":alarm_clock: tick: no run for \(text(silence, "seconds")) s (limit \(text(silence, "max_silence_s")) s); last run: \(text(silence, "last_run"))"
        case .costProjectedOver:
            let cost = event.details["cost"]
            return ":money_with_wings: tick: \(text(cost, "projected")) Upstash commands projected this month, over your limit of \(text(cost, "limit"))"
        }
    }
}
