extension TickConfigFile {
    static let alertKeys: Set<String> = [
        "url", "signing_key", "unsigned", "signature_ttl_s", "headers", "ca_bundle", "events", "format", "max_silence_s",
        "commands_per_month", "timeout_ms",
    ]
    /// Longest `timeout_ms` of an alert sink: 30 s (a run waits that long at most).
    public static let maximumAlertTimeoutMilliseconds = 30_000

    /// `"alerts": [{"url": "https://…", "signing_key": "${ALERT_KEY}", "events": ["job.dead", "run.failed"],
    /// "format": "json"}]`: each entry a webhook, checked as an `http` handler's endpoint is (`url`, `signing_key`
    /// or `"unsigned": true`, `signature_ttl_s`, `headers`, `ca_bundle`), with the events it wants and its limits.
    static func parseAlerts(_ value: JSONValue, path: String, environment: [String: String]) throws(ConfigFileError) -> [AlertSink] {
        guard case .array(let entries) = value else {
            throw ConfigFileError(
                .invalidValue, path: path,
                #"\#(path): "alerts" must be a list of webhooks, like [{"url": "https://hooks.example.com/tick", "signing_key": "${ALERT_KEY}", "events": ["job.dead"]}]"#)
        }
        var sinks: [AlertSink] = []
        for (index, entry) in entries.enumerated() {
            sinks.append(try parseAlert(entry, index: index, path: path, environment: environment))
        }
        return sinks
    }

    private static func parseAlert(_ entry: JSONValue, index: Int, path: String, environment: [String: String]) throws(ConfigFileError) -> AlertSink {
        let subject = "alerts[\(index)]"
        guard case .object(let members) = entry else {
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): \#(subject) must be an object, like {"url": "https://…", "events": ["job.dead"]}"#)
        }
        if let unknown = members.keys.sorted().first(where: { !alertKeys.contains($0) }) {
            let near = closest(to: unknown, among: alertKeys.sorted()).map { " (did you mean \(quoted($0))?)" } ?? ""
            throw ConfigFileError(.unknownKey, path: path, "\(path): \(subject) has an unknown key \(quoted(unknown))\(near)")
        }
        let fields = HTTPFields(members: members, path: path, handler: subject, environment: environment, subject: subject)
        let endpoint = try fields.configuration()
        var sink = AlertSink(url: endpoint.url, signer: endpoint.signer, events: try alertEvents(members["events"], fields: fields))
        sink.headers = endpoint.headers
        sink.caBundle = endpoint.caBundle
        if let value = members["format"] {
            guard let format = value.stringValue.flatMap(AlertSink.Format.init(rawValue:)) else {
                throw fields.failure(#""format" must be "json" or "slack""#)
            }
            sink.format = format
        }
        if let value = members["max_silence_s"] {
            guard let seconds = value.intValue, (1...(7 * 86_400)).contains(seconds) else {
                throw fields.failure(#""max_silence_s" must be a whole number of seconds from 1 to 604800"#)
            }
            sink.maxSilence = .seconds(seconds)
        }
        if let value = members["commands_per_month"] {
            guard let commands = value.intValue, commands >= 1 else { throw fields.failure(#""commands_per_month" must be a whole number above 0"#) }
            sink.commandsPerMonth = commands
        }
        if sink.events.contains(.costProjectedOver), sink.commandsPerMonth == nil {
            throw fields.failure(#""cost.projected_over" needs "commands_per_month", the limit to watch (500000 is Upstash's free tier)"#)
        }
        if let value = members["timeout_ms"] {
            guard let ms = value.intValue, (100...maximumAlertTimeoutMilliseconds).contains(ms) else {
                throw fields.failure(#""timeout_ms" must be a whole number of milliseconds from 100 to \#(maximumAlertTimeoutMilliseconds)"#)
            }
            sink.timeout = .milliseconds(ms)
        }
        return sink
    }

    private static func alertEvents(_ value: JSONValue?, fields: HTTPFields) throws(ConfigFileError) -> Set<AlertKind> {
        let known = AlertKind.allCases.map { quoted($0.rawValue) }.joined(separator: ", ")
        guard case .array(let names)? = value, !names.isEmpty else {
            throw fields.failure(#""events" is required: a list of the events to send, from \#(known)"#)
        }
        var events = Set<AlertKind>()
        for name in names {
            guard let kind = name.stringValue.flatMap(AlertKind.init(rawValue:)) else {
                throw fields.failure(#""events" has \#(name.serialized), which is not an event: use \#(known)"#)
            }
            events.insert(kind)
        }
        return events
    }
}
