/// Checkpoints in PostgreSQL: connects per run (or hands out a kept connection, `tick drain`) and closes or keeps it after.
///
/// Connecting and every statement run on a thread of their own (``IOThread``), so a slow PostgreSQL holds no
/// thread of Swift's cooperative pool while the run's items work.
public struct PostgresCheckpoints: CheckpointConnecting {
    private let connect: @Sendable (Duration) throws(PostgresError) -> PostgresConnection
    private let release: @Sendable (PostgresConnection) -> Void
    /// Where connecting blocks: one thread for every run of a drain, not one per run.
    private let connecting = IOThread()
    /// The channel commits notify of the jobs they change (tick.json `"notify"`), or `nil`.
    public var notifyChannel: String?

    /// - Parameters:
    ///   - connect: opens a connection within the given timeout.
    ///   - release: takes the connection back after the run; closes it by default.
    public init(
        connect: @escaping @Sendable (Duration) throws(PostgresError) -> PostgresConnection,
        release: @escaping @Sendable (PostgresConnection) -> Void = { $0.close() }
    ) {
        self.connect = connect
        self.release = release
    }

    public func open(timeout: Duration) async throws(PostgresError) -> any CheckpointRecording {
        let connect = self.connect
        let connection = try await connecting.run { () throws(PostgresError) -> PostgresConnection in try connect(timeout) }
        return Recorder(store: CheckpointStore(connection: connection, notifyChannel: notifyChannel))
    }

    public func close(_ store: any CheckpointRecording) {
        if let recorder = store as? Recorder { release(recorder.store.connection) }
    }

    /// A ``CheckpointStore`` whose statements run on its connection's thread.
    struct Recorder: CheckpointRecording {
        let store: CheckpointStore

        private func run<T: Sendable>(_ body: @escaping @Sendable (CheckpointStore) throws(PostgresError) -> T) async throws(PostgresError) -> T {
            let store = self.store
            return try await store.connection.onThread { () throws(PostgresError) -> T in try body(store) }
        }

        func start(_ run: CheckpointStore.RunStart, jobs: [CheckpointStore.JobStart]) async throws(PostgresError) -> (
            runID: Int64, checkpoints: [String: CheckpointStore.Checkpoint]
        ) {
            try await self.run { store throws(PostgresError) in try store.start(run, jobs: jobs) }
        }

        func record(
            items: [CheckpointStore.ItemRecord], finals: [CheckpointStore.FinalState], progress: [CheckpointStore.JobProgress], runID: Int64?
        ) async throws(PostgresError) -> CheckpointStore.Recording {
            try await run { store throws(PostgresError) in try store.record(items: items, finals: finals, progress: progress, runID: runID) }
        }

        func finishRun(_ runID: Int64, report: RunReport) async throws(PostgresError) {
            try await run { store throws(PostgresError) in try store.finishRun(runID, report: report) }
        }

        func finishRun(_ runID: Int64, report: RunReport, thenPrune retention: Retention, limit: Int) async -> (
            finished: PostgresError?, pruned: Result<CheckpointStore.Pruned, PostgresError>
        ) {
            do {
                let pruned = try await run { store throws(PostgresError) in try store.finishRun(runID, report: report, thenPrune: retention, limit: limit) }
                return (nil, .success(pruned))
            } catch {
                // Whatever failed, the run's row is worth a statement of its own; the prune waits for a later run
                // (not tried again now: a statement that timed out would only time out again).
                do {
                    try await finishRun(runID, report: report)
                    return (nil, .failure(error))
                } catch let finishing {
                    return (finishing, .failure(error))
                }
            }
        }

        func pruneOrphans(_ ids: [String]) async throws(PostgresError) -> CheckpointStore.Pruned {
            try await run { store throws(PostgresError) in try store.pruneOrphans(ids) }
        }
    }
}
