import Logging
import Synchronization

/// Progress from an `exec` command: JSON lines on the descriptor named by `TICK_PROGRESS_FD` (3), so standard
/// output stays the item's result. Each line is `{"progress": 0.4, "message": "scene 3 of 8"}` (either key may be
/// left out; `progress` from 0 to 1). A line that is not that is ignored, with one warning per item: progress
/// never fails an item.
///
/// ```sh
/// echo '{"progress": 0.5, "message": "half way"}' >&"$TICK_PROGRESS_FD"
/// ```
final class ExecProgress: Sendable {
    /// The child's descriptor for progress lines.
    static let descriptor: Int32 = 3

    let context: HandlerContext
    private let warned = Mutex(false)

    init(context: HandlerContext) { self.context = context }

    /// One line from the pipe.
    func receive(_ line: [UInt8]) {
        guard let update = Self.parse(line) else {
            let first = warned.withLock { seen in
                defer { seen = true }
                return !seen
            }
            if first {
                context.logger.warning(
                    #"ignored a progress line that is not {"progress": 0 to 1, "message": "..."} (further ones of this item are ignored quietly)"#,
                    metadata: ["job.id": "\(context.jobID)", "line": "\(String(decoding: line.prefix(120), as: UTF8.self))"])
            }
            return
        }
        context.progress.report(completed: update.completed, total: update.total, message: update.message)
    }

    /// `{"progress": x, "message": m}` as a report in thousandths; `nil` for anything else.
    static func parse(_ line: [UInt8]) -> HandlerProgress.Update? {
        guard case .object(let fields)? = try? JSONValue(parsing: line), !fields.isEmpty,
            fields.keys.allSatisfy({ $0 == "progress" || $0 == "message" })
        else { return nil }
        var update = HandlerProgress.Update(completed: 0, total: nil, message: nil)
        if let value = fields["progress"] {
            let fraction: Double
            switch value {
            case .integer(let whole): fraction = Double(whole)
            case .double(let number): fraction = number
            default: return nil
            }
            guard fraction.isFinite, (0...1).contains(fraction) else { return nil }
            update.completed = Int((fraction * 1000).rounded())
            update.total = 1000
        }
        if let value = fields["message"] {
            guard let text = value.stringValue else { return nil }
            update.message = String(text.prefix(500))
        }
        return update
    }
}
