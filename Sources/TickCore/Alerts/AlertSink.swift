/// One webhook of tick.json's `alerts`: where alerts go, the events it wants, how they are written and signed.
public struct AlertSink: Sendable, Hashable {
    /// How the body is written.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `{"source": "tick", "events": [...]}`: every event whole.
        case json
        /// `{"text": "..."}`: one line per event, what a Slack incoming webhook (and most chat tools) takes.
        case slack
    }

    /// The endpoint (`${NAME}` expanded). Never logged whole: it may hold a token.
    public var url: String
    /// Signs each delivery (`Tick-Signature`, as the `http` handler does); `nil` with `"unsigned": true`.
    public var signer: HTTPSigner?
    /// Extra headers (`${NAME}` expanded), never logged.
    public var headers: [HTTPHandler.Configuration.Header] = []
    /// A CA bundle to verify the receiver with.
    public var caBundle: String?
    /// What it wants.
    public var events: Set<AlertKind>
    public var format: Format = .json
    /// `ticks.missed` when no run happened for this long (`max_silence_s`). Defaults to 3 minutes: three
    /// missed runs of a one-minute cron.
    public var maxSilence: Duration = AlertSink.defaultMaxSilence
    /// `cost.projected_over` when the month's projected Upstash commands pass this (`commands_per_month`).
    public var commandsPerMonth: Int?
    /// The longest one delivery may take (`timeout_ms`, default 2 s): a run never waits longer for its alerts.
    public var timeout: Duration = AlertSink.defaultTimeout

    /// 180 s.
    public static let defaultMaxSilence: Duration = .seconds(180)
    /// 2 s.
    public static let defaultTimeout: Duration = .seconds(2)

    /// A sink.
    public init(url: String, signer: HTTPSigner?, events: Set<AlertKind>) {
        self.url = url
        self.signer = signer
        self.events = events
    }

    /// The scheme and host only, for logs: a webhook's path often is its credential (Slack's is).
    public var displayURL: String {
        let shown = HTTPHandler.Configuration(url: url, method: "POST", signer: nil).displayURL
        guard let scheme = shown.firstRange(of: "://") else { return "(webhook)" }
        let rest = shown[scheme.upperBound...]
        return String(shown[..<scheme.upperBound]) + String(rest.prefix { $0 != "/" }) + "/…"
    }
}
