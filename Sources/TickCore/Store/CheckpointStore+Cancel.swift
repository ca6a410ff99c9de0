/// Cancels in PostgreSQL, after the cancel in Redis (which decides): a job cancelled while waiting gets the
/// state `cancelled`; a running one gets `cancel_requested_at`, which its run's next checkpoint commit reads
/// back. A job no run has started gets a row, so `tick job` shows the cancel.
extension CheckpointStore {
    /// Records the cancels of `cancelled` (they were ready or delayed) and `requested` (they are running), in one
    /// statement; a repeat changes nothing but `updated_at`.
    public func recordCancels(cancelled: [JobQueue.CancelledJob], requested: [JobQueue.CancelledJob]) throws(PostgresError) {
        let jobs = cancelled + requested
        guard !jobs.isEmpty else { return }
        let states = cancelled.map { _ in CheckpointState.cancelled.rawValue } + requested.map { _ in CheckpointState.running.rawValue }
        try connection.query(
            """
            INSERT INTO tick_jobs AS j (job_id, queue, handler, fence, state, cancel_requested_at)
            SELECT job_id, queue, handler, fence, state, now()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS t(job_id, queue, handler, fence, state)
            ON CONFLICT (job_id) DO UPDATE
              SET cancel_requested_at = COALESCE(j.cancel_requested_at, now()), updated_at = now(),
                  state = CASE WHEN EXCLUDED.state = '\(CheckpointState.cancelled.rawValue)' THEN EXCLUDED.state ELSE j.state END
            """,
            [
                PostgresArray.text(jobs.map(\.id)), PostgresArray.text(jobs.map(\.queue)), PostgresArray.text(jobs.map(\.handler)),
                PostgresArray.integers(jobs.map(\.fence)), PostgresArray.text(states),
            ])
    }
}
