/// Where the lifecycle meets Redis: ``JobQueue`` over the Upstash REST API in production, an in-memory queue
/// in the runner's unit tests (`TickTestSupport`).
public protocol JobQueueing: Sendable {
    /// Claims a batch in one request (see ``JobQueue/claim(queues:handlers:batch:lease:nowMilliseconds:schedules:deadline:)``):
    /// only jobs of `handlers`; ready jobs of others are counted, never leased.
    func claim(
        queues: [String], handlers: [String], batch: Int, lease: Duration, nowMilliseconds: Int64, schedules: [ScheduleSlots],
        signals: JobQueue.RunSignals, deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> JobQueue.Claim
    /// Ends leases in one request, counting the run in `P:metrics`; per acknowledgement whether it applied
    /// (`false`: the lease was taken over), and the alert events waiting when the run delivers alerts.
    func acknowledge(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> JobQueue.Acknowledged
    /// Acknowledges a run's batch and claims the next run's in one request (see
    /// ``JobQueue/acknowledgeAndClaim(_:tally:nowMilliseconds:next:deadline:)``): `tick drain` overlaps its round trips with it.
    func acknowledgeAndClaim(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, next: JobQueue.ClaimRequest,
        deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> (JobQueue.Acknowledged, Result<JobQueue.Claim, UpstashError>)
    /// Removes delivered alert events from the outbox, in one request.
    func removeAlerts(_ events: [String]) async throws(UpstashError)
    /// Adds alert events to the outbox (a later run delivers them), in one request.
    func pushAlerts(_ events: [String]) async throws(UpstashError)
    /// Requests and billable commands sent so far.
    func usage() async -> RedisUsage
    /// Of `ids`, those with no job in Redis any more (removed by retention), in one request.
    func missing(_ ids: [String]) async throws(UpstashError) -> Set<String>
    /// The same queue over a connection of its own, so its requests never wait behind this one's: what each further
    /// run in flight of `tick drain` claims and acknowledges through.
    func overOwnConnection() -> any JobQueueing
}

/// Where the lifecycle meets PostgreSQL during one run: ``CheckpointStore`` on its connection's own thread
/// (``PostgresCheckpoints``) in production. Used by one task at a time: the run's, then its ending's (``RunEnding``).
public protocol CheckpointRecording: Sendable {
    /// Records the run's start, checks the schema, takes the jobs over (raising their fence) and loads their
    /// checkpoints (``CheckpointStore/start(_:jobs:)``); a job missing from the result is owned by a newer lease.
    func start(_ run: CheckpointStore.RunStart, jobs: [CheckpointStore.JobStart]) async throws(PostgresError) -> (
        runID: Int64, checkpoints: [String: CheckpointStore.Checkpoint]
    )
    /// Records finished items, final job states and progress; returns the jobs whose writes were refused (lease
    /// lost) and those `tick cancel` asked to stop.
    func record(
        items: [CheckpointStore.ItemRecord], finals: [CheckpointStore.FinalState], progress: [CheckpointStore.JobProgress], runID: Int64?
    ) async throws(PostgresError) -> CheckpointStore.Recording
    /// Records the run's end.
    func finishRun(_ runID: Int64, report: RunReport) async throws(PostgresError)
    /// Records the run's end and removes up to `limit` finished jobs (with their items) and `limit` runs past
    /// `retention`, returning up to `limit` orphan candidates: the automatic part of retention, done by a run after
    /// its acknowledgement (``CheckpointStore/finishRun(_:report:thenPrune:limit:)``). The finish's error, if any, and
    /// what the prune did or why it failed: a failed prune never costs the run's row.
    func finishRun(_ runID: Int64, report: RunReport, thenPrune retention: Retention, limit: Int) async -> (
        finished: PostgresError?, pruned: Result<CheckpointStore.Pruned, PostgresError>
    )
    /// Removes the checkpoints of candidates Redis no longer has (see ``CheckpointStore/pruneOrphans(_:)``).
    func pruneOrphans(_ ids: [String]) async throws(PostgresError) -> CheckpointStore.Pruned
}

/// Opens the checkpoint store of one run (a PostgreSQL connection) and takes it back after the run.
public protocol CheckpointConnecting: Sendable {
    /// Opens the store, within `timeout`. Called only when a run has claimed jobs.
    func open(timeout: Duration) async throws(PostgresError) -> any CheckpointRecording
    /// Takes back a store ``open(timeout:)`` returned, once the run is done with it.
    func close(_ store: any CheckpointRecording)
}

extension JobQueueing {
    /// Sends a claim request alone (one request, one billable command).
    public func claim(_ request: JobQueue.ClaimRequest, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> JobQueue.Claim {
        try await claim(
            queues: request.queues, handlers: request.handlers, batch: request.batch, lease: request.lease, nowMilliseconds: request.nowMilliseconds,
            schedules: request.schedules, signals: request.signals, deadline: deadline)
    }

    /// The acknowledgement, then the claim, as two requests: what a queue without a pipelined form does.
    public func acknowledgeAndClaim(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, next: JobQueue.ClaimRequest,
        deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> (JobQueue.Acknowledged, Result<JobQueue.Claim, UpstashError>) {
        try await acknowledgeThenClaim(acknowledgements, tally: tally, nowMilliseconds: nowMilliseconds, next: next, deadline: deadline)
    }

    /// ``acknowledge(_:tally:nowMilliseconds:deadline:)`` then ``claim(_:deadline:)``; the claim's failure is the `Result`'s.
    public func acknowledgeThenClaim(
        _ acknowledgements: [JobQueue.Acknowledgement], tally: JobQueue.RunTally, nowMilliseconds: Int64, next: JobQueue.ClaimRequest,
        deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> (JobQueue.Acknowledged, Result<JobQueue.Claim, UpstashError>) {
        let acknowledged = try await acknowledge(acknowledgements, tally: tally, nowMilliseconds: nowMilliseconds, deadline: deadline)
        do {
            return (acknowledged, .success(try await claim(next, deadline: deadline)))
        } catch {
            return (acknowledged, .failure(error))
        }
    }
}

extension JobQueue: JobQueueing {
    public func usage() async -> RedisUsage { client.usage }

    /// The same queue (prefix, retention) over a client of its own: its own curl handle, thread and keep-alive
    /// connection. This queue itself if libcurl cannot make another handle.
    public func overOwnConnection() -> any JobQueueing {
        guard let own = try? UpstashClient(configuration: client.configuration) else { return self }
        var queue = JobQueue(client: own, prefix: prefix)
        queue.retention = retention
        return queue
    }
}
