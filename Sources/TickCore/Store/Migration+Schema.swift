extension Migration {
    /// Version 1: the job checkpoints, the finished items and the run log.
    ///
    /// - `tick_jobs`: one row per job, the checkpoint a resumed run starts from. Writes are fenced: a
    ///   writer's `fence` (the epoch of the Redis lease it holds) must be at least the stored one, so a slow
    ///   former owner cannot overwrite the progress of the current one.
    /// - `tick_items`: one row per finished item of a job, so a killed run's successor skips them.
    /// - `tick_runs`: one row per `tick` run, for operators and reports.
    public static let createTickTables = Migration(
        version: 1,
        name: "create tick_jobs, tick_items and tick_runs",
        statements: [
            """
            -- The per-job checkpoint. A job's owner holds a lease in Redis; every write here carries the
            -- lease epoch (fence) of its writer and is conditional on that fence being >= the stored one
            -- (UPDATE ... WHERE fence <= $fence), so a slow former owner cannot overwrite the progress of
            -- the owner that replaced it.
            CREATE TABLE tick_jobs (
                job_id      text PRIMARY KEY,                  -- the job's id, as in Redis
                queue       text NOT NULL,                     -- the queue it was claimed from
                handler     text NOT NULL,                     -- the name of the handler that runs it
                fence       bigint NOT NULL,                   -- lease epoch of the owner that last wrote this row
                cursor      text,                              -- the handler's opaque resume point; NULL before the first checkpoint
                items_total int,                               -- number of items, once known
                attempt     int NOT NULL DEFAULT 0,            -- which attempt wrote the row (0 = first)
                state       text NOT NULL DEFAULT 'running',   -- lifecycle state of the job as last recorded
                updated_at  timestamptz NOT NULL DEFAULT now() -- when the row was last written
            )
            """,
            """
            -- One row per finished item: recorded as it finishes, so a run killed mid-job is resumed by the
            -- next run without redoing finished items. The key makes recording an item idempotent.
            CREATE TABLE tick_items (
                job_id      text NOT NULL,                     -- the job the item belongs to (tick_jobs.job_id)
                item_index  int NOT NULL,                      -- the item's position in the job, from 0
                state       text NOT NULL CHECK (state IN ('done', 'failed')), -- how the item finished
                result      jsonb,                             -- the handler's result for a done item
                error       text,                              -- the error message for a failed item
                fence       bigint NOT NULL,                   -- lease epoch of the owner that recorded it
                attempt     int NOT NULL,                      -- the job attempt that recorded it
                run_id      bigint,                            -- the run that recorded it (tick_runs.run_id)
                finished_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (job_id, item_index)
            )
            """,
            """
            -- One row per tick run: what woke it, its budget and what it did, for operators and reports.
            CREATE TABLE tick_runs (
                run_id         bigserial PRIMARY KEY,
                trigger        text NOT NULL,                  -- what started the run (cron, http, manual, ...)
                schedule       text,                           -- the cron expression, when known
                started_at     timestamptz NOT NULL,
                finished_at    timestamptz,                    -- NULL while running, or if the run was killed
                budget_ms      int NOT NULL,                   -- the run's time budget in milliseconds
                claimed        int NOT NULL DEFAULT 0,         -- jobs claimed from Redis
                items_done     int NOT NULL DEFAULT 0,
                items_failed   int NOT NULL DEFAULT 0,
                jobs_completed int NOT NULL DEFAULT 0,
                jobs_retried   int NOT NULL DEFAULT 0,
                jobs_dead      int NOT NULL DEFAULT 0,         -- jobs moved to the dead-letter list
                jobs_released  int NOT NULL DEFAULT 0,         -- jobs handed back unfinished when the budget ran out
                redis_requests int NOT NULL DEFAULT 0,         -- HTTP requests to the Upstash REST API
                redis_commands int NOT NULL DEFAULT 0,         -- Redis commands in them (what Upstash bills)
                exit_reason    text,                           -- why the run ended
                exit_code      int                             -- the process exit code
            )
            """,
            """
            -- Recent runs first, for reports and retention.
            CREATE INDEX tick_runs_started_at_idx ON tick_runs (started_at)
            """,
        ])

    /// Version 2: cancellation, and an index for retention.
    ///
    /// - `tick_jobs.cancel_requested_at`: set by `tick cancel` while a run holds the job; the run's next
    ///   checkpoint commit reads it back and the run starts nothing more of the job.
    /// - `tick_runs.jobs_cancelled`: jobs a run ended cancelled.
    /// - `tick_jobs_finished_idx`, `tick_jobs_orphan_idx`: finished jobs, and dead or cancel-requested ones, by
    ///   age, so automatic retention finds its batch without reading the table.
    public static let cancellation = Migration(
        version: 2,
        name: "cancel requests, cancelled runs' jobs, finished jobs by age",
        statements: [
            """
            ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS cancel_requested_at timestamptz -- tick cancel, while a run held it
            """,
            """
            ALTER TABLE tick_runs ADD COLUMN IF NOT EXISTS jobs_cancelled int NOT NULL DEFAULT 0 -- jobs the run ended cancelled
            """,
            """
            CREATE INDEX IF NOT EXISTS tick_jobs_finished_idx ON tick_jobs (updated_at)
              WHERE state IN ('\(CheckpointState.done.rawValue)', '\(CheckpointState.cancelled.rawValue)')
            """,
            """
            CREATE INDEX IF NOT EXISTS tick_jobs_orphan_idx ON tick_jobs (updated_at)
              WHERE state = '\(CheckpointState.dead.rawValue)' OR cancel_requested_at IS NOT NULL
            """,
        ])

    /// Version 3: progress and results an app can read.
    ///
    /// - `tick_jobs`: `progress` (0 to 1, from the handlers' reports within items, and the items done),
    ///   `progress_message`, `progress_at`; `result` (the job's: the result of its last item or page);
    ///   `created_at` and `finished_at`.
    /// - `tick_job_status`: the view apps read (docs/producers.md, "Tracking a job from your app"), version 1 of
    ///   its columns: add columns at the end only, never rename or drop one.
    public static let progress = Migration(
        version: 3,
        name: "job progress, results and the tick_job_status view",
        statements: [
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS progress real",
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS progress_message text",
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS progress_at timestamptz",
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS result jsonb",
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now()",
            "ALTER TABLE tick_jobs ADD COLUMN IF NOT EXISTS finished_at timestamptz",
            """
            CREATE OR REPLACE VIEW tick_job_status AS
            SELECT j.job_id AS id, j.queue, j.handler, j.state, j.attempt AS attempts,
              (SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.done.rawValue)') AS items_done,
              (SELECT count(*) FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.failed.rawValue)') AS items_failed,
              j.items_total,
              CASE WHEN j.state = '\(CheckpointState.done.rawValue)' THEN 1 ELSE j.progress END AS progress,
              j.progress_message AS message, j.result,
              (SELECT i.error FROM tick_items i WHERE i.job_id = j.job_id AND i.state = '\(ItemState.failed.rawValue)'
                ORDER BY i.finished_at DESC LIMIT 1) AS error,
              j.created_at, j.updated_at, j.finished_at
            FROM tick_jobs j
            """,
            "COMMENT ON VIEW tick_job_status IS 'tick job status, version 1: columns are only ever added at the end'",
        ])
}
