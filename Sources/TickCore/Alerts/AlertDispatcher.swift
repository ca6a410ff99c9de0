import Logging
import TickBuild

/// Delivers alerts to the sinks of tick.json's `alerts`: one request per sink however many events it wants,
/// signed as the `http` handler signs (``HTTPSigner``), with the same retry classes: 2xx delivered; 408, 429,
/// 5xx, a timeout or a network error left for a later run (the events stay in the outbox); any other status
/// refused for good (logged, dropped). Sinks are called concurrently, each within its own timeout and the
/// deadline given, so a receiver that is down delays a run by that bound at most.
public struct AlertDispatcher: Sendable {
    public let sinks: [AlertSink]
    private let driver: CurlMultiDriver

    /// A dispatcher with its own connection pool.
    public init(sinks: [AlertSink]) {
        self.sinks = sinks
        driver = CurlMultiDriver()
    }

    /// Whether some sink wants events of `kind`.
    public func wants(_ kind: AlertKind) -> Bool { sinks.contains { $0.events.contains(kind) } }

    /// What one delivery round did with each event.
    public struct Outcome: Sendable, Equatable {
        /// Events every sink that wants them took (or refused for good): done with, whatever the outbox holds.
        public var settled: [AlertEvent] = []
        /// Events some sink could not take now: a later run tries again.
        public var pending: [AlertEvent] = []
    }

    /// Sends `events` (deduplicated by id) to the sinks that want them, in parallel, by `deadline` at the latest.
    public func deliver(_ events: [AlertEvent], by deadline: ContinuousClock.Instant, logger: Logger) async -> Outcome {
        var seen = Set<String>()
        let unique = events.filter { seen.insert($0.id).inserted }
        guard !unique.isEmpty else { return Outcome() }
        let failedIDs = await withTaskGroup(of: Set<String>.self) { group in
            for sink in sinks {
                let wanted = unique.filter { sink.events.contains($0.kind) }
                guard !wanted.isEmpty else { continue }
                group.addTask { await send(wanted, to: sink, by: deadline, logger: logger) ? [] : Set(wanted.map(\.id)) }
            }
            return await group.reduce(into: Set<String>()) { $0.formUnion($1) }
        }
        return Outcome(settled: unique.filter { !failedIDs.contains($0.id) }, pending: unique.filter { failedIDs.contains($0.id) })
    }

    /// One request; `false` when the events should be tried again later.
    private func send(_ events: [AlertEvent], to sink: AlertSink, by deadline: ContinuousClock.Instant, logger: Logger) async -> Bool {
        let allowed = min(sink.timeout, ContinuousClock.now.duration(to: deadline))
        guard allowed > .milliseconds(10) else { return false }
        let body = AlertBody.make(events, format: sink.format)
        let request = HTTPTransferRequest(
            method: "POST", url: sink.url, headers: headers(events, body: body, sink: sink), body: body, connectTimeout: allowed,
            totalTimeout: allowed, bodyLimit: 4_096, caBundle: sink.caBundle)
        let metadata: Logger.Metadata = ["alert.url": "\(sink.displayURL)", "alert.events": "\(events.count)"]
        switch await driver.perform(request) {
        case .response(let response) where (200..<300).contains(response.status):
            logger.debug("alerts delivered", metadata: metadata.merging(["http.status": "\(response.status)"]) { $1 })
            return true
        case .response(let response) where response.status == 408 || response.status == 429 || response.status >= 500:
            logger.warning("alert receiver answered \(response.status): a later run sends them again", metadata: metadata)
            return false
        case .response(let response):
            logger.error("alert receiver refused the alerts (\(response.status)): dropped; check its URL and signing key", metadata: metadata)
            return true
        case .failed(let error):
            logger.warning("alert receiver unreachable (\(error)): a later run sends them again", metadata: metadata)
            return false
        case .cancelled:
            return false
        }
    }

    /// `Content-Type`, `User-Agent`, `Idempotency-Key` (the same for the same events), `Tick-Alert-Count` and
    /// `Tick-Signature` when signed; configured headers first.
    func headers(_ events: [AlertEvent], body: [UInt8], sink: AlertSink) -> [String] {
        let key = "alerts:" + Digest.hex(Array(Digest.sha256(Array(events.map(\.id).sorted().joined(separator: "\n").utf8)).prefix(16)))
        var lines = sink.headers.map { "\($0.name): \($0.value.revealed)" }
        lines.append("Content-Type: application/json")
        lines.append("User-Agent: tick/\(TickVersion.current)")
        lines.append("Idempotency-Key: \(key)")
        lines.append("Tick-Alert-Count: \(events.count)")
        if let signer = sink.signer {
            let token = signer.token(url: sink.url, body: body, now: UnixTime.nowMilliseconds() / 1000, id: HTTPSigner.randomID(), idempotencyKey: key)
            lines.append("Tick-Signature: \(token)")
        }
        return lines
    }
}
