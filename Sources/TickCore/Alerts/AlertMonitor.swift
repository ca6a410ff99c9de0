import Logging

/// What `tick serve` (always on) watches for the alerts no run can raise: `ticks.missed`, when no run happened
/// within a sink's `max_silence_s`, once per silence; and `cost.projected_over`, when the runs' Upstash commands,
/// at the rate of the last hour, would pass a sink's `commands_per_month` in a 30-day month, once a month. Each
/// check is one Redis request (``JobQueue/monitoring()``), every ``interval`` (5 minutes by default).
public actor AlertMonitor {
    public let queue: JobQueue
    public let dispatcher: AlertDispatcher
    public let interval: Duration
    private let logger: Logger
    /// The last run (`P:heartbeat`'s `last`) a `ticks.missed` was sent for, per sink: once per silence.
    private var alertedSilence: [Int: Int64] = [:]
    /// The month (`yyyy-mm`) a `cost.projected_over` was sent in, per sink.
    private var alertedMonth: [Int: String] = [:]
    /// Readings of `commands_total` (Unix ms, value), the last hour's.
    private var readings: [(at: Int64, commands: Int64)] = []

    /// Five minutes.
    public static let defaultInterval: Duration = .seconds(300)
    /// A 30-day month, in seconds.
    static let monthSeconds = 30.0 * 86_400

    public init(queue: JobQueue, dispatcher: AlertDispatcher, interval: Duration = AlertMonitor.defaultInterval, logger: Logger) {
        self.queue = queue
        self.dispatcher = dispatcher
        self.interval = interval
        self.logger = logger
    }

    /// Whether the dispatcher has a sink this monitor serves.
    public nonisolated var isNeeded: Bool { dispatcher.wants(.ticksMissed) || dispatcher.wants(.costProjectedOver) }

    /// Checks every ``interval`` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await check(nowMilliseconds: UnixTime.nowMilliseconds())
            try? await Task.sleep(for: interval)
        }
    }

    /// One check: one Redis request, then the alerts it calls for.
    public func check(nowMilliseconds now: Int64) async {
        let reading: (heartbeat: JobQueue.Heartbeat, metrics: RunMetrics)
        do { reading = try await queue.monitoring() } catch {
            logger.warning("alert monitor: cannot read the heartbeat: \(error.description)")
            return
        }
        readings.append((now, reading.metrics["commands_total"]))
        readings.removeAll { $0.at < now - 3_600_000 }
        var events: [AlertEvent] = []
        for (index, sink) in dispatcher.sinks.enumerated() {
            if sink.events.contains(.ticksMissed), let event = silence(reading.heartbeat, sink: sink, index: index, now: now) { events.append(event) }
            if sink.events.contains(.costProjectedOver), let event = cost(sink: sink, index: index, now: now) { events.append(event) }
        }
        guard !events.isEmpty else { return }
        let outcome = await dispatcher.deliver(events, by: .now.advanced(by: AlertSink.defaultTimeout * 2), logger: logger)
        // Not delivered: forget it was raised, so the next check sends it again (receivers deduplicate by id).
        if outcome.pending.contains(where: { $0.kind == .ticksMissed }) { alertedSilence = [:] }
        if outcome.pending.contains(where: { $0.kind == .costProjectedOver }) { alertedMonth = [:] }
    }

    private func silence(_ heartbeat: JobQueue.Heartbeat, sink: AlertSink, index: Int, now: Int64) -> AlertEvent? {
        let last = heartbeat.last ?? 0
        let seconds = heartbeat.age(nowMilliseconds: now) ?? .infinity
        guard seconds > sink.maxSilence.milliseconds / 1000, alertedSilence[index] != last else { return nil }
        alertedSilence[index] = last
        let lastRun: JSONValue = heartbeat.last.map { .string(UnixTime.iso8601(milliseconds: $0)) } ?? .string("never")
        return AlertEvent(
            kind: .ticksMissed, id: "ticks.missed:\(last)", at: now,
            details: [
                "silence": .object([
                    "seconds": seconds.isFinite ? .integer(Int64(seconds)) : .null, "max_silence_s": .integer(Int64(sink.maxSilence.milliseconds / 1000)),
                    "last_run": lastRun, "last_trigger": heartbeat.lastTrigger.map(JSONValue.string) ?? .null,
                ])
            ])
    }

    private func cost(sink: AlertSink, index: Int, now: Int64) -> AlertEvent? {
        guard let limit = sink.commandsPerMonth, let first = readings.first, let latest = readings.last, latest.at - first.at >= 600_000 else { return nil }
        let perSecond = Double(latest.commands - first.commands) / (Double(latest.at - first.at) / 1000)
        let projected = Int64(perSecond * Self.monthSeconds)
        let month = String(UnixTime.iso8601(milliseconds: now).prefix(7))
        guard projected > limit, alertedMonth[index] != month else { return nil }
        alertedMonth[index] = month
        return AlertEvent(
            kind: .costProjectedOver, id: "cost.projected_over:\(month)", at: now,
            details: ["cost": .object(["projected": .integer(projected), "limit": .integer(Int64(limit)), "month": .string(month)])])
    }
}
