/// The queue in Redis, reached through the Upstash REST API: every operation is one request.
public struct JobQueue: Sendable {
    /// The client every request goes through (and whose usage counts them).
    public let client: UpstashClient
    /// Prefix of every key. Defaults to `tick`.
    public let prefix: String
    /// How long a finished job's tombstone stays in Redis, so its id still deduplicates: the retention's dedup
    /// window, 24 h by default.
    public var doneRetentionSeconds: Int { Int(retention.dedupWindow.components.seconds) }
    /// How long dead letters and cancelled jobs stay in Redis: every claim removes a few past their age
    /// (``QueueScripts/claim``), so the sets stay bounded without a request of their own.
    public var retention = Retention()
    /// Every key under ``prefix``.
    public var keys: QueueKeys { QueueKeys(prefix: prefix) }
    /// The shared rate windows of `http` handlers, under the same prefix.
    public var rateWindows: RedisRateWindow { RedisRateWindow(client: client, keys: keys) }

    /// Makes a queue over a client.
    public init(client: UpstashClient, prefix: String = "tick", doneRetentionSeconds: Int = 86_400) {
        self.client = client
        self.prefix = prefix
        self.retention.dedupWindow = .seconds(doneRetentionSeconds)
    }

    /// A leased job as the claim returned it: its JSON is decoded by the runner, so a malformed job is
    /// dead-lettered with a reason instead of failing the claim.
    public struct ClaimedJob: Sendable, Hashable {
        public var id: String
        public var json: [UInt8]
        /// Claims so far, this one included.
        public var attempt: Int
        /// The lease's fencing token: increases with every claim of this job.
        public var fence: Int64
        public var queue: String

        /// Makes a claimed job (the claim script's reply, or a test's fake).
        public init(id: String, json: [UInt8], attempt: Int, fence: Int64, queue: String) {
            self.id = id
            self.json = json
            self.attempt = attempt
            self.fence = fence
            self.queue = queue
        }
    }

    /// What one claim returned.
    public struct Claim: Sendable {
        /// The jobs now leased to this run.
        public var jobs: [ClaimedJob]
        /// Jobs whose last attempt's lease expired, dead-lettered by this claim.
        public var deadLettered: [String]
        /// Jobs this claim enqueued for due schedule slots.
        public var scheduled: [String] = []
        /// Ready jobs the claim left alone because the run cannot execute their handler.
        public var skipped: [SkippedHandler] = []
        /// The queues asked for that are paused (nothing was leased from them).
        public var paused: [String] = []
        /// Alert events waiting in the outbox (JSON), when the run delivers alerts.
        public var alertEvents: [String] = []
        /// Ready jobs of the run's handlers left after this claim (unpaused queues), `nil` when not known.
        public var readyLeft: Int?
        /// Schedule slots not enqueued because the schedule's previous job was still waiting or running
        /// (`"overlap"`: `skip` or `queue_one`): their job ids.
        public var overlapSkipped: [String] = []

        /// Makes a claim.
        public init(
            jobs: [ClaimedJob], deadLettered: [String] = [], scheduled: [String] = [], skipped: [SkippedHandler] = [], paused: [String] = [],
            alertEvents: [String] = []
        ) {
            self.paused = paused
            self.alertEvents = alertEvents
            self.jobs = jobs
            self.deadLettered = deadLettered
            self.scheduled = scheduled
            self.skipped = skipped
        }
    }

    /// Ready jobs of one queue whose handler the claiming run does not have.
    public struct SkippedHandler: Sendable, Hashable {
        public var queue: String
        public var handler: String
        /// Ready jobs waiting for that handler.
        public var ready: Int

        /// Makes a count.
        public init(queue: String, handler: String, ready: Int) {
            self.queue = queue
            self.handler = handler
            self.ready = ready
        }
    }

    /// How a run ends its lease on a job.
    public enum Outcome: Sendable, Hashable {
        /// Every item finished: the job is done.
        case done
        /// A transient failure: run again after `delayMilliseconds`, resuming at its checkpoint.
        case retry(delayMilliseconds: Int, error: String)
        /// A permanent failure or attempts exhausted: to the dead-letter set with the reason.
        case dead(reason: String)
        /// Not finished within the budget: back to ready at once; the attempt is not counted.
        case release
        /// Cancelled (`tick cancel`) while it ran: to the cancelled set, never run again.
        case cancel
    }

    /// One job's outcome, for ``acknowledge(_:nowMilliseconds:deadline:)``.
    public struct Acknowledgement: Sendable, Hashable {
        public var job: ClaimedJob
        public var outcome: Outcome
        public init(job: ClaimedJob, outcome: Outcome) {
            self.job = job
            self.outcome = outcome
        }
    }

    /// Enqueues jobs in one request; returns, per job, whether it was enqueued (`false`: a job with that
    /// id exists, so it is a duplicate).
    public func enqueue(_ jobs: [JobSpec], nowMilliseconds: Int64, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> [Bool] {
        guard !jobs.isEmpty else { return [] }
        var arguments: [RedisArgument] = [RedisArgument(prefix), RedisArgument(String(nowMilliseconds))]
        arguments.reserveCapacity(2 + jobs.count * 13)
        for job in jobs {
            let flow = job.flow
            arguments += [
                RedisArgument(job.id), RedisArgument(job.queue), RedisArgument(job.priority),
                RedisArgument(job.runAt.map { String($0) } ?? ""), RedisArgument(job.maxAttempts), RedisArgument(job.json), RedisArgument(job.handler),
                RedisArgument(flow.concurrencyKey ?? ""), RedisArgument(flow.rateKey ?? ""), RedisArgument(flow.uniqueKey ?? ""),
                RedisArgument(flow.uniqueKey == nil ? "" : flow.uniquePolicy.rawValue), RedisArgument(flow.debounceMilliseconds.map(String.init) ?? ""),
                RedisArgument(flow.debounceMaxMilliseconds.map(String.init) ?? ""),
            ]
        }
        let reply = try await client.eval(QueueScripts.enqueue, arguments: arguments, deadline: deadline)
        return (reply.array ?? []).map { $0 == .integer(1) }
    }

    /// Claims up to `batch` jobs in one request: enqueues the due slots of `schedules` (each slot once,
    /// whatever the number of runs doing the same), moves due delayed jobs to ready, takes back expired
    /// leases, and leases ready jobs by priority, for `lease`.
    /// - Parameters:
    ///   - queues: the queues to claim from, in priority order.
    ///   - handlers: the handlers the run can execute: ready jobs of others are counted in ``Claim/skipped``, never leased.
    ///   - batch: jobs at most.
    ///   - lease: how long the jobs stay leased to this run.
    ///   - nowMilliseconds: the caller's Unix time in milliseconds.
    ///   - schedules: each schedule's candidate slots (``Schedule/slots(nowMilliseconds:)``).
    ///   - signals: the run's trigger (for the heartbeat) and whether it delivers alerts.
    ///   - deadline: give up by then.
    /// - Throws: ``UpstashError``; ``UpstashError/isLayoutMismatch`` when the prefix holds another layout version.
    public func claim(
        queues: [String], handlers: [String], batch: Int, lease: Duration, nowMilliseconds: Int64, schedules: [ScheduleSlots] = [],
        signals: RunSignals = RunSignals(trigger: .manual), deadline: ContinuousClock.Instant? = nil
    ) async throws(UpstashError) -> Claim {
        let command = claimCommand(
            queues: queues, handlers: handlers, batch: batch, lease: lease, nowMilliseconds: nowMilliseconds, schedules: schedules, signals: signals)
        // Safe to retry: its claim token makes a second delivery answer what the first leased (``QueueScripts/claim``).
        return try decodeClaim(try await client.send(command, idempotent: true, deadline: deadline))
    }

    /// A token for one claim request, unique across runs and machines: 64 random bits and the time.
    static func claimToken(_ nowMilliseconds: Int64) -> String {
        String(UInt64.random(in: .min ... .max), radix: 36) + "-" + String(nowMilliseconds, radix: 36)
    }

    /// The claim's `EVAL` (see ``claim(queues:handlers:batch:lease:nowMilliseconds:schedules:signals:deadline:)``), to send alone or
    /// in a pipeline behind an acknowledgement.
    func claimCommand(
        queues: [String], handlers: [String], batch: Int, lease: Duration, nowMilliseconds: Int64, schedules: [ScheduleSlots], signals: RunSignals
    ) -> RedisCommand {
        var arguments = [
            RedisArgument(prefix), RedisArgument(String(nowMilliseconds)), RedisArgument(batch), RedisArgument(Int(lease.milliseconds)),
            RedisArgument(Int(ScheduleSlots.firstSightingWindow.milliseconds)),
            RedisArgument(String(nowMilliseconds - Int64(retention.deadLetters.milliseconds))),
            RedisArgument(String(nowMilliseconds - Int64(retention.finishedJobs.milliseconds))), RedisArgument(signals.trigger.rawValue),
            RedisArgument(signals.alerts ? 1 : 0), RedisArgument(signals.limits.wire), RedisArgument(Self.claimToken(nowMilliseconds)), RedisArgument(queues.count),
        ] + queues.map { RedisArgument($0) }
        arguments += [RedisArgument(handlers.count)] + handlers.map { RedisArgument($0) }
        for schedule in schedules {
            arguments += [
                RedisArgument(schedule.name), RedisArgument(schedule.catchUpAll ? "all" : "skip"), RedisArgument(schedule.jobTemplate),
                RedisArgument(schedule.queue), RedisArgument(schedule.handler), RedisArgument(schedule.priority), RedisArgument(schedule.maxAttempts),
                RedisArgument(schedule.overlap.uniquePolicy?.rawValue ?? ""), RedisArgument(schedule.concurrencyKey ?? ""),
                RedisArgument(schedule.rateKey ?? ""), RedisArgument(schedule.slots.count),
            ]
            arguments += schedule.slots.map { RedisArgument(String($0 * 1000)) }
        }
        return QueueScripts.claim.evalCommand(arguments: arguments)
    }

    /// The claim script's reply as a ``Claim``.
    func decodeClaim(_ reply: RedisValue) throws(UpstashError) -> Claim {
        guard let parts = reply.array, parts.count >= 6, let flat = parts[0].array, let dead = parts[1].array, let scheduled = parts[2].array,
            let skipped = parts[3].array, flat.count % 5 == 0, skipped.count % 3 == 0
        else {
            throw .protocolError(host: client.configuration.host, detail: "the claim script returned an unexpected shape", status: 200)
        }
        var jobs: [ClaimedJob] = []
        for index in stride(from: 0, to: flat.count, by: 5) {
            guard let id = flat[index].string, case .bytes(let json) = flat[index + 1], let attempt = flat[index + 2].int,
                let fence = flat[index + 3].int, let queue = flat[index + 4].string
            else { continue }
            jobs.append(ClaimedJob(id: id, json: json, attempt: attempt, fence: Int64(fence), queue: queue))
        }
        let skips = stride(from: 0, to: skipped.count, by: 3).compactMap { index -> SkippedHandler? in
            guard let queue = skipped[index].string, let handler = skipped[index + 1].string, let ready = skipped[index + 2].int else { return nil }
            return SkippedHandler(queue: queue, handler: handler, ready: ready)
        }
        var claim = Claim(
            jobs: jobs, deadLettered: dead.compactMap(\.string), scheduled: scheduled.compactMap(\.string), skipped: skips,
            paused: (parts[4].array ?? []).compactMap(\.string), alertEvents: (parts[5].array ?? []).compactMap(\.string))
        claim.readyLeft = parts.count > 6 ? parts[6].int : nil
        claim.overlapSkipped = parts.count > 7 ? (parts[7].array ?? []).compactMap(\.string) : []
        return claim
    }

    /// Ends the leases of many jobs in one request. Returns, per acknowledgement, whether it applied
    /// (`false`: the lease was taken over, so this run's outcome is void).
    public func acknowledge(_ acknowledgements: [Acknowledgement], nowMilliseconds: Int64, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> [Bool] {
        try await acknowledge(acknowledgements, tally: RunTally(), nowMilliseconds: nowMilliseconds, deadline: deadline).applied
    }

    /// Ends the leases of many jobs in one request and counts the run (``RunTally``) in `P:metrics`.
    public func acknowledge(
        _ acknowledgements: [Acknowledgement], tally: RunTally, nowMilliseconds: Int64, deadline: ContinuousClock.Instant? = nil
    ) async throws(UpstashError) -> Acknowledged {
        guard !acknowledgements.isEmpty else { return Acknowledged(applied: []) }
        // Idempotent: a repeated acknowledgement finds the job no longer leased under this fence and changes nothing.
        let reply = try await client.send(acknowledgeCommand(acknowledgements, tally: tally, nowMilliseconds: nowMilliseconds), idempotent: true, deadline: deadline)
        return Self.decodeAcknowledged(reply)
    }

    /// The acknowledgement's `EVAL`, to send alone or in a pipeline with the next claim.
    func acknowledgeCommand(_ acknowledgements: [Acknowledgement], tally: RunTally, nowMilliseconds: Int64) -> RedisCommand {
        var arguments: [RedisArgument] = [
            RedisArgument(prefix), RedisArgument(String(nowMilliseconds)), RedisArgument(doneRetentionSeconds), RedisArgument(tally.itemsDone),
            RedisArgument(tally.itemsFailed), RedisArgument(tally.durationMilliseconds), RedisArgument(tally.usage.requests),
            RedisArgument(tally.usage.commands), RedisArgument(tally.alerts ? 1 : 0),
        ]
        for ack in acknowledgements {
            let (op, delay, message): (String, Int, String) =
                switch ack.outcome {
                case .done: ("done", 0, "")
                case .retry(let delay, let error): ("retry", delay, error)
                case .dead(let reason): ("dead", 0, reason)
                case .release: ("release", 0, "")
                case .cancel: ("cancel", 0, "")
                }
            arguments += [RedisArgument(op), RedisArgument(ack.job.queue), RedisArgument(ack.job.id), RedisArgument(String(ack.job.fence)), RedisArgument(delay), RedisArgument(message)]
        }
        return QueueScripts.acknowledge.evalCommand(arguments: arguments)
    }

    /// The acknowledgement script's reply.
    static func decodeAcknowledged(_ reply: RedisValue) -> Acknowledged {
        let parts = reply.array ?? []
        return Acknowledged(
            applied: (parts.first?.array ?? []).map { $0 == .integer(1) }, alertEvents: (parts.count > 1 ? parts[1].array ?? [] : []).compactMap(\.string))
    }

    /// Counts per queue, in one request.
    public func stats(nowMilliseconds: Int64) async throws(UpstashError) -> [QueueStats] {
        let reply = try await client.eval(QueueScripts.stats, arguments: statsArguments(nowMilliseconds: nowMilliseconds), idempotent: true)
        return Self.decodeStats(reply)
    }

    /// The `EVAL` of the stats script as a command, for callers that send it together with other commands
    /// in one `/pipeline` request (`tick doctor`); decode its reply with ``decodeStats(_:)``.
    public func statsCommand(nowMilliseconds: Int64) -> RedisCommand {
        RedisCommand("EVAL", arguments: [RedisArgument(QueueScripts.stats.source), RedisArgument(0)] + statsArguments(nowMilliseconds: nowMilliseconds))
    }

    private func statsArguments(nowMilliseconds: Int64) -> [RedisArgument] {
        [RedisArgument(prefix), RedisArgument(String(nowMilliseconds))]
    }

    /// The stats script's reply as counts per queue.
    public static func decodeStats(_ reply: RedisValue) -> [QueueStats] {
        (reply.array ?? []).compactMap { row in
            guard let f = row.array, f.count >= 7, let name = f[0].string else { return nil }
            var stats = QueueStats(queue: name, ready: f[1].int ?? 0, delayed: f[2].int ?? 0, leased: f[3].int ?? 0, dead: f[4].int ?? 0, dueDelayed: f[5].int ?? 0, expiredLeases: f[6].int ?? 0)
            if f.count > 7, let oldest = f[7].int { stats.oldestReadyEnqueuedAt = Int64(oldest) }
            if f.count > 9 { stats.paused = f[9].int == 1 }
            if f.count > 10 { stats.cancelled = f[10].int ?? 0 }
            if f.count > 8, let pairs = f[8].array {
                for index in stride(from: 0, to: pairs.count - 1, by: 2) {
                    if let handler = pairs[index].string, let count = pairs[index + 1].int { stats.readyByHandler[handler] = count }
                }
            }
            return stats
        }
    }

    /// The Redis hash of one job (`spec`, `state`, `attempt`, `fence`, `error`, ...); empty if unknown.
    public func record(of id: String) async throws(UpstashError) -> [String: String] {
        Self.hashFields(try await client.send(RedisCommand("HGETALL", RedisArgument(keys.job(id)))))
    }
}

/// Job counts of one queue.
public struct QueueStats: Sendable, Hashable, Codable {
    public var queue: String
    public var ready: Int
    public var delayed: Int
    public var leased: Int
    public var dead: Int
    /// Delayed jobs already due (moved to ready by the next claim).
    public var dueDelayed: Int
    /// Leases past their expiry (taken back by the next claim).
    public var expiredLeases: Int
    /// When the oldest ready job was enqueued (Unix ms), `nil` when nothing is ready. A retried job keeps
    /// its first enqueue time.
    public var oldestReadyEnqueuedAt: Int64? = nil
    /// Ready jobs per handler they name (handlers with none left out).
    public var readyByHandler: [String: Int] = [:]
    /// Whether the queue is paused (`tick pause`): runs lease nothing from it.
    public var paused = false
    /// Cancelled jobs still kept (`tick cancel`; removed after ``Retention/finishedJobs``).
    public var cancelled = 0
}
