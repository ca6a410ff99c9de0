/// Reads over the recorded runs (`tick_runs`) that more than one front end needs: the cost projection of
/// `tick stats --cost` and `tick doctor`, and the dashboard's overview.
public enum RunHistory: Sendable {
    /// The traffic the runs recorded: jobs claimed a day over the last 7 days, and the billable Redis
    /// commands the runs sent since the start of this month.
    public struct Traffic: Sendable, Equatable {
        /// Jobs claimed a day, averaged over ``days``.
        public var jobsPerDay: Double
        /// Days the average covers: since the oldest run of the last 7 days, at least one hour (1/24) and at most 7.
        public var days: Double
        /// Billable Redis commands recorded by runs started since the start of this month (server time).
        public var monthRedisCommands: Int

        public init(jobsPerDay: Double, days: Double, monthRedisCommands: Int) {
            self.jobsPerDay = jobsPerDay
            self.days = days
            self.monthRedisCommands = monthRedisCommands
        }
    }

    /// The traffic recorded in `tick_runs`, in one statement (bounded by indexed windows on `started_at`).
    /// - Parameter connection: an open connection to a database at the current schema.
    /// - Returns: the jobs a day over the last 7 days (0 without runs) and this month's Redis commands.
    public static func traffic(on connection: PostgresConnection) throws(PostgresError) -> Traffic {
        let row = try connection.query(
            """
            SELECT coalesce(sum(claimed), 0) AS claimed,
              greatest(extract(epoch FROM now() - min(started_at)) / 86400, 1.0 / 24)::float8 AS days,
              (SELECT coalesce(sum(redis_commands), 0) FROM tick_runs WHERE started_at >= date_trunc('month', now())) AS month_commands
            FROM tick_runs WHERE started_at > now() - interval '7 days'
            """
        ).first
        let days = min(7, Double(try row?.string("days") ?? "1") ?? 1)
        let claimed = Double(try row?.int("claimed") ?? 0)
        return Traffic(jobsPerDay: claimed / days, days: days, monthRedisCommands: try row?.int("month_commands") ?? 0)
    }
}
