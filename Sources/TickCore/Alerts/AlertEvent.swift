/// One alert: its kind, an id that stays the same however often it is delivered (receivers deduplicate on
/// it), when it happened, and its details. Kept in the outbox (`P:alerts`) as the JSON text ``json``.
public struct AlertEvent: Sendable, Hashable {
    public var kind: AlertKind
    /// Stable per event: `job.dead:<job id>:<fence>`, `run.failed:<run start ms>`, `ticks.missed:<last run ms>`, ...
    public var id: String
    /// When it happened, Unix ms.
    public var at: Int64
    /// The details: `job` for `job.dead`, `run` for `run.failed`, `silence` for `ticks.missed`, `cost` for
    /// `cost.projected_over`.
    public var details: [String: JSONValue]
    /// The event as stored in the outbox (and removed by), exactly as written there.
    public let json: String

    /// An event made here (not read from the outbox).
    public init(kind: AlertKind, id: String, at: Int64, details: [String: JSONValue]) {
        self.kind = kind
        self.id = id
        self.at = at
        self.details = details
        var object = details
        object["event"] = .string(kind.rawValue)
        object["id"] = .string(id)
        object["at"] = .integer(at)
        json = JSONValue.object(object).serialized
    }

    /// An event read from the outbox; `nil` for text that is not one (it is dropped from the outbox).
    public init?(json text: String) {
        guard let value = try? JSONValue(parsing: Array(text.utf8)), case .object(var object) = value,
            let kind = object["event"]?.stringValue.flatMap(AlertKind.init(rawValue:)), let id = object["id"]?.stringValue
        else { return nil }
        self.kind = kind
        self.id = id
        at = object["at"]?.intValue.map(Int64.init) ?? 0
        for key in ["event", "id", "at"] { object[key] = nil }
        details = object
        json = text
    }

    /// The event as sent: `event`, `id`, `at` and the details.
    public var value: JSONValue {
        var object = details
        object["event"] = .string(kind.rawValue)
        object["id"] = .string(id)
        object["at"] = .integer(at)
        return .object(object)
    }

    /// `run.failed` for a run's report.
    public static func runFailed(_ report: RunReport) -> AlertEvent {
        let run = (try? JSONValue(parsing: Array(report.jsonLine.utf8))) ?? .object([:])
        return AlertEvent(kind: .runFailed, id: "run.failed:\(report.startedAtUnixMilliseconds)", at: report.startedAtUnixMilliseconds, details: ["run": run])
    }
}
