import TickCore

/// A queue in memory with the claim script's rules: ready jobs of the run's handlers leased in enqueue order
/// (others counted, never touched), attempt and fence raised per claim, expired leases taken back
/// (dead-lettered on their last attempt), acknowledgements applied only under the current fence. Failures can
/// be injected; every call is recorded.
public actor InMemoryQueue: JobQueueing {
    /// A job as the fake stores it.
    public struct Record: Sendable, Equatable {
        public var json: [UInt8]
        public var queue: String
        public var handler: String
        public var state: JobState
        public var attempt: Int
        public var fence: Int64
        public var maxAttempts: Int
        public var leaseUntil: Int64?
        /// The last error or dead reason.
        public var error: String?
        /// When a retried job is due (Unix ms).
        public var runAt: Int64?
        /// Whether `tick cancel` marked it while it ran (the hash's `cancel` field).
        public var cancelRequested = false
    }

    private(set) public var records: [String: Record] = [:]
    private var order: [String] = []
    private var requests = 0
    /// Thrown by the next claims while set.
    public var claimError: UpstashError?
    /// Thrown by the next acknowledgements while set.
    public var acknowledgeError: UpstashError?
    /// The trigger of every claim, in order (what the claim script writes to the heartbeat).
    private(set) public var heartbeats: [RunTrigger] = []
    /// The alert outbox: events in JSON (a `job.dead` one per job dead-lettered while a run delivers alerts).
    private(set) public var alerts: [String] = []
    /// Every claim's schedule slots, in order.
    private(set) public var claimedSchedules: [[ScheduleSlots]] = []
    /// Every acknowledgement applied or refused, in order.
    private(set) public var acknowledgements: [(JobQueue.Acknowledgement, applied: Bool)] = []

    /// An empty queue.
    public init() {}

    /// Enqueues a job (its spec's JSON) as ready; returns `false` for a duplicate id.
    @discardableResult
    public func enqueue(_ spec: JobSpec) -> Bool {
        enqueue(id: spec.id, json: Array(spec.json.utf8), handler: spec.handler, queue: spec.queue, maxAttempts: spec.maxAttempts)
    }

    /// Enqueues raw JSON (a malformed job, say) for `handler` as ready; returns `false` for a duplicate id.
    @discardableResult
    public func enqueue(id: String, json: [UInt8], handler: String, queue: String = "default", maxAttempts: Int = 5) -> Bool {
        guard records[id] == nil else { return false }
        records[id] = Record(json: json, queue: queue, handler: handler, state: .ready, attempt: 0, fence: 0, maxAttempts: maxAttempts)
        order.append(id)
        return true
    }

    /// Raises a job's fence, as another run's claim after its lease expired would.
    public func takeOver(_ id: String) { records[id]?.fence += 1 }

    /// Cancels a job as the cancel script does: a ready or delayed one at once; a leased one is marked, and its
    /// lease then ends cancelled whatever the run acknowledges (unless done). Returns the state it was in.
    @discardableResult
    public func cancel(_ id: String) -> JobState? {
        guard var record = records[id] else { return nil }
        let before = record.state
        switch record.state {
        case .ready, .delayed: record.state = .cancelled
        case .leased: record.cancelRequested = true
        case .done, .dead, .cancelled: break
        }
        records[id] = record
        return before
    }

    /// Sets a job's attempts so far (to test the last attempt).
    public func setAttempt(_ id: String, _ attempt: Int) { records[id]?.attempt = attempt }

    public func claim(
        queues: [String], handlers: [String], batch: Int, lease: Duration, nowMilliseconds: Int64, schedules: [ScheduleSlots],
        signals: JobQueue.RunSignals, deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> JobQueue.Claim {
        countRequest()
        heartbeats.append(signals.trigger)
        claimedSchedules.append(schedules)
        if let claimError { throw claimError }
        var dead: [String] = []
        for id in order {
            guard var record = records[id], queues.contains(record.queue) else { continue }
            if record.state == .delayed, let at = record.runAt, at <= nowMilliseconds { record.state = .ready }
            if record.state == .leased, let until = record.leaseUntil, until <= nowMilliseconds {
                if record.cancelRequested {
                    record.state = .cancelled
                } else if record.attempt >= record.maxAttempts {
                    record.state = .dead
                    record.error = "lease expired on attempt \(record.attempt) of \(record.maxAttempts)"
                    dead.append(id)
                } else {
                    record.state = .ready
                }
            }
            records[id] = record
        }
        var jobs: [JobQueue.ClaimedJob] = []
        var skipped: [QueueAndHandler: Int] = [:]
        var readyLeft = 0
        for id in order {
            guard var record = records[id], record.state == .ready, queues.contains(record.queue) else { continue }
            guard handlers.contains(record.handler) else {
                skipped[QueueAndHandler(queue: record.queue, handler: record.handler), default: 0] += 1
                continue
            }
            guard jobs.count < batch else {
                readyLeft += 1
                continue
            }
            record.attempt += 1
            record.fence += 1
            record.state = .leased
            record.leaseUntil = nowMilliseconds + Int64(lease.milliseconds)
            records[id] = record
            jobs.append(JobQueue.ClaimedJob(id: id, json: record.json, attempt: record.attempt, fence: record.fence, queue: record.queue))
        }
        let skips = skipped.map { JobQueue.SkippedHandler(queue: $0.key.queue, handler: $0.key.handler, ready: $0.value) }
            .sorted { ($0.queue, $0.handler) < ($1.queue, $1.handler) }
        var claim = JobQueue.Claim(jobs: jobs, deadLettered: dead, skipped: skips)
        claim.readyLeft = readyLeft
        return claim
    }

    public func acknowledge(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> JobQueue.Acknowledged {
        guard !acknowledgements.isEmpty else { return JobQueue.Acknowledged(applied: []) }
        countRequest()
        if let acknowledgeError { throw acknowledgeError }
        var applied: [Bool] = []
        for acknowledgement in acknowledgements {
            let ok = apply(acknowledgement, now: nowMilliseconds)
            self.acknowledgements.append((acknowledgement, ok))
            applied.append(ok)
            if ok, tally.alerts, case .dead(let reason) = acknowledgement.outcome {
                alerts.append(#"{"event":"job.dead","id":"job.dead:\#(acknowledgement.job.id):\#(acknowledgement.job.fence)","reason":"\#(reason)"}"#)
            }
        }
        return JobQueue.Acknowledged(applied: applied, alertEvents: tally.alerts ? alerts : [])
    }

    /// The acknowledgement, then the claim, counted as one request (as ``JobQueue`` sends them in one pipeline).
    public func acknowledgeAndClaim(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, next: JobQueue.ClaimRequest,
        deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> (JobQueue.Acknowledged, Result<JobQueue.Claim, UpstashError>) {
        // One request, as the pipeline is: the calls below count into a meter of their own.
        let outer = RedisUsageMeter.current
        let answer = await RedisUsageMeter.$current.withValue(RedisUsageMeter()) { () async -> Result<(JobQueue.Acknowledged, Result<JobQueue.Claim, UpstashError>), UpstashError> in
            do throws(UpstashError) {
                return .success(try await acknowledgeThenClaim(acknowledgements, tally: tally, nowMilliseconds: nowMilliseconds, next: next, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        if !acknowledgements.isEmpty { requests -= 1 }
        outer?.request(commands: 1, bytesSent: 0)
        return try answer.get()
    }

    /// Counts a request: the queue's own total and the calling run's meter.
    private func countRequest() {
        requests += 1
        RedisUsageMeter.current?.request(commands: 1, bytesSent: 0)
    }

    public func removeAlerts(_ events: [String]) async throws(UpstashError) {
        countRequest()
        alerts.removeAll { events.contains($0) }
    }

    public func pushAlerts(_ events: [String]) async throws(UpstashError) {
        countRequest()
        alerts += events
    }

    private func apply(_ acknowledgement: JobQueue.Acknowledgement, now: Int64) -> Bool {
        let id = acknowledgement.job.id
        guard var record = records[id], record.fence == acknowledgement.job.fence, record.state == .leased else { return false }
        record.leaseUntil = nil
        var outcome = acknowledgement.outcome
        if record.cancelRequested, outcome != .done { outcome = .cancel }
        switch outcome {
        case .done: record.state = .done
        case .cancel: record.state = .cancelled
        case .retry(let delay, let error):
            record.state = .delayed
            record.runAt = now + Int64(delay)
            record.error = error
        case .dead(let reason):
            record.state = .dead
            record.error = reason
        case .release:
            record.state = .ready
            record.attempt -= 1
        }
        records[id] = record
        return true
    }

    public func usage() async -> RedisUsage { RedisUsage(requests: requests, commands: requests) }

    public func missing(_ ids: [String]) async throws(UpstashError) -> Set<String> {
        countRequest()
        return Set(ids.filter { records[$0] == nil })
    }

    /// This queue: in memory there is no connection to wait behind.
    public nonisolated func overOwnConnection() -> any JobQueueing { self }

    /// Removes a job's record, as retention does to an old dead letter or cancelled job.
    public func remove(_ id: String) { records[id] = nil }

    /// Sets the error the next claims throw (`nil` to stop).
    public func failClaims(with error: UpstashError?) { claimError = error }
    /// Sets the error the next acknowledgements throw (`nil` to stop).
    public func failAcknowledgements(with error: UpstashError?) { acknowledgeError = error }
    /// A job's record.
    public func record(_ id: String) -> Record? { records[id] }
}

/// A queue and a handler, as the claim counts the ready jobs it leaves alone.
private struct QueueAndHandler: Hashable {
    var queue: String
    var handler: String
}
