import TickCore

/// `tick job ID` for a person: the job's state, a bar of its items, its last failure.
enum JobText {
    /// The lines of the human-readable form, from the same values the JSON form prints.
    static func render(id: String, _ output: [String: JSONValue], palette: Palette = .plain) -> String {
        let redis = output["redis"]?.objectValue ?? [:]
        let checkpoint = output["checkpoint"]?.objectValue
        let spec = redis["spec"]
        var lines = ["job         \(id)  (queue \(redis["queue"]?.stringValue ?? "?"), handler \(spec?["handler"]?.stringValue ?? redis["handler"]?.stringValue ?? "?"))"]
        if redis.isEmpty {
            lines.append("redis       not in Redis (a finished job's record is kept for the dedup window, 24 h)")
        } else {
            var facts = [palette.state(redis["state"]?.stringValue ?? "?"), "attempt \(redis["attempt"]?.stringValue ?? "?")/\(redis["max_attempts"]?.stringValue ?? "?")"]
            if let enqueued = time(redis["enqueued_at"]) { facts.append("enqueued \(enqueued)") }
            if let updated = time(redis["updated_at"]) { facts.append("updated \(updated)") }
            lines.append("redis       " + facts.joined(separator: " · "))
            if let error = redis["error"]?.stringValue, !error.isEmpty { lines.append("\(palette.error("error"))       \(error)") }
        }
        guard let checkpoint else {
            lines.append("checkpoint  none: no run has started it\(output["checkpoint"] == nil ? " (DATABASE_URL not set)" : "")")
            return lines.joined(separator: "\n")
        }
        let done = checkpoint["items_done"]?.intValue ?? 0
        let failed = checkpoint["items_failed"]?.intValue ?? 0
        let total = checkpoint["items_total"]?.intValue ?? spec?["items"]?.arrayCount
        lines.append("checkpoint  \(palette.state(checkpoint["state"]?.stringValue ?? "?")) · fence \(checkpoint["fence"]?.intValue ?? 0)")
        lines.append("items       \(bar(done: done, failed: failed, total: total)) \(done)\(total.map { "/\($0)" } ?? "") done, \(failed) failed")
        let fraction: Double? =
            switch checkpoint["progress"] {
            case .double(let value)?: value
            case .integer(let value)?: Double(value)
            default: nil
            }
        if let progress = fraction {
            let message = checkpoint["message"]?.stringValue.map { " · \($0)" } ?? ""
            lines.append("progress    \(Int((progress * 100).rounded()))%\(message)")
        }
        if let result = checkpoint["result"], result != .null { lines.append("result      \(result.serialized)") }
        if let last = checkpoint["last_failure"]?.objectValue {
            lines.append("last failed item \(last["item"]?.intValue ?? 0): \(last["error"]?.stringValue ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    /// `[#########.....x]`: 20 cells of done (#), failed (x) and left (.) items.
    static func bar(done: Int, failed: Int, total: Int?) -> String {
        guard let total, total > 0 else { return "[" + String(repeating: ".", count: 20) + "]" }
        let doneCells = min(20, done * 20 / total)
        let failedCells = min(20 - doneCells, (failed * 20 + total - 1) / total)
        return "[" + String(repeating: "#", count: doneCells) + String(repeating: "x", count: failedCells)
            + String(repeating: ".", count: 20 - doneCells - failedCells) + "]"
    }

    private static func time(_ value: JSONValue?) -> String? {
        value?.stringValue.flatMap { Int64($0) }.map { UnixTime.iso8601(milliseconds: $0) }
    }
}

extension JSONValue {
    fileprivate var objectValue: [String: JSONValue]? { if case .object(let members) = self { members } else { nil } }
    fileprivate var arrayCount: Int? { if case .array(let values) = self { values.count } else { nil } }
}
