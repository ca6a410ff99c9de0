extension CheckpointStore {
    /// A run's row in `tick_runs`, as it starts.
    public struct RunStart: Sendable {
        public var trigger: RunTrigger
        public var schedule: String?
        public var budgetMilliseconds: Int
        public var claimed: Int
        public var startedAtUnixMilliseconds: Int64

        public init(trigger: RunTrigger, schedule: String?, budgetMilliseconds: Int, claimed: Int, startedAtUnixMilliseconds: Int64) {
            self.trigger = trigger
            self.schedule = schedule
            self.budgetMilliseconds = budgetMilliseconds
            self.claimed = claimed
            self.startedAtUnixMilliseconds = startedAtUnixMilliseconds
        }
    }

    /// ``startRun(trigger:schedule:budgetMilliseconds:claimed:startedAtUnixMilliseconds:)`` and ``begin(_:)`` in one
    /// statement (one round trip instead of two): records the run, checks the schema's version and takes the jobs
    /// over only when it is this binary's. Where the schema is missing or of another version the answer is the one
    /// ``startRun(trigger:schedule:budgetMilliseconds:claimed:startedAtUnixMilliseconds:)`` gives, and no job is taken.
    public func start(_ run: RunStart, jobs: [JobStart]) throws(PostgresError) -> (runID: Int64, checkpoints: [String: Checkpoint]) {
        let expected = Migrations.tick.latestVersion
        let result: PostgresResult
        do {
            result = try connection.query(
                """
                WITH run AS (
                  INSERT INTO tick_runs (trigger, schedule, started_at, budget_ms, claimed)
                  VALUES ($8, $9, to_timestamp($10::double precision / 1000), $11, $12)
                  RETURNING run_id
                ), version AS (
                  SELECT max(version) AS v FROM tick_schema_migrations
                ), \(Self.takeOver(guard: "(SELECT v FROM version) = $13::int"))
                SELECT (SELECT run_id FROM run) AS run_id, (SELECT v FROM version) AS schema_version,
                  taken.job_id, taken.cursor, taken.state, taken.cancel, \(Self.doneItems) AS done
                FROM (SELECT 1) AS one LEFT JOIN taken ON true
                """,
                Self.takeOverParameters(jobs) + [
                    .text(run.trigger.rawValue), .text(run.schedule), .int(run.startedAtUnixMilliseconds), .int(run.budgetMilliseconds),
                    .int(run.claimed), .int(expected),
                ])
        } catch where error.sqlState == "42P01" || error.sqlState == "42703" {
            // A table or column of this version is missing: the schema is older. Say so as startRun does.
            _ = try startRun(
                trigger: run.trigger, schedule: run.schedule, budgetMilliseconds: run.budgetMilliseconds, claimed: run.claimed,
                startedAtUnixMilliseconds: run.startedAtUnixMilliseconds)
            throw error
        }
        guard let row = result.first, let runID = try row.int("run_id") else {
            throw .unexpectedResult("INSERT INTO tick_runs returned no run_id")
        }
        let version = try row.int("schema_version") ?? 0
        if version < expected { throw .schemaTooOld(connection.endpoint, current: version, expected: expected) }
        if version > expected { throw .schemaTooNew(connection.endpoint, current: version, expected: expected) }
        return (Int64(runID), try Self.checkpoints(result))
    }
}
