/// Every Redis key tick uses, derived from one prefix (default `tick`), and the layout's version.
///
/// The only place key names are spelled: Swift callers use the methods, Lua scripts the functions of ``lua``
/// (pasted at the top of every script, whose `ARGV[1]` is the prefix). docs/data-model.md lists the keys.
///
/// | key | type | holds |
/// |---|---|---|
/// | `P:job:ID` | hash | a job: spec, handler, state, attempt, fence, score, ... |
/// | `P:q:QUEUE:ready:HANDLER` | sorted set | the queue's ready jobs for one handler, by priority then enqueue time |
/// | `P:q:QUEUE:handlers` | set | the handlers with ready sets in the queue |
/// | `P:q:QUEUE:delayed` / `:leased` / `:dead` / `:cancelled` | sorted set | the queue's jobs by run-at, lease expiry, death time, cancel time |
/// | `P:queues` | set | every queue name seen |
/// | `P:schedules` | hash | schedule name → last slot enqueued (ms) |
/// | `P:rate:NAME` | hash | an http handler's shared rate window |
/// | `P:layout` | string | the layout version written by `tick migrate` |
/// | `P:paused` | set | paused queues (`*`: every queue) |
/// | `P:heartbeat` | hash | the last run's time (`last`, `last_trigger`) and the last per trigger (`cron`, `http`, `manual`) |
/// | `P:metrics` | hash | monotonic counters the claim and acknowledgement scripts advance (runs, jobs, items, requests, durations) |
/// | `P:alerts` | list | alert events not yet delivered (newest first, at most ``alertOutboxLimit``) |
public struct QueueKeys: Sendable, Hashable {
    /// The layout this binary reads and writes. A prefix without a `P:layout` key is in layout 1 (written
    /// before layouts had versions) when it holds tick's data (`P:queues`), else it is new: the first script
    /// that checks it records this version. Raise it when a change moves or reshapes keys, and add the step that
    /// upgrades the old layout to ``RedisLayout/upgrades``.
    ///
    /// - 1: one ready set per queue (`P:q:QUEUE:ready`).
    /// - 2: one ready set per queue and handler (`P:q:QUEUE:ready:HANDLER`, listed in `P:q:QUEUE:handlers`), so a
    ///   claim reads only the sets of the handlers its run can execute.
    ///
    /// Cancelled jobs (`P:q:QUEUE:cancelled`, a running job's `cancel` field) came without a new layout: only a
    /// tick that knows them cancels, jobs are enqueued the same way (so producers' copies of the enqueue script
    /// keep working), and a worker too old to honour a cancel is refused by the PostgreSQL schema version that
    /// came with them (``Migration/cancellation``) before it runs anything.
    public static let layoutVersion = 2

    /// The sorted sets of one queue besides its ready sets.
    public enum QueueSet: String, Sendable, CaseIterable {
        case delayed, leased, dead, cancelled
    }

    /// Prefix of every key.
    public let prefix: String

    /// Keys under `prefix`.
    public init(prefix: String) { self.prefix = prefix }

    /// `P:job:ID`: the job's hash.
    public func job(_ id: String) -> String { "\(prefix):\(Self.jobSegment):\(id)" }
    /// `P:q:QUEUE:SET`: one of a queue's sorted sets.
    public func queue(_ queue: String, _ set: QueueSet) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(set.rawValue)" }
    /// `P:q:QUEUE:ready:HANDLER`: the queue's ready jobs for one handler.
    public func ready(_ queue: String, handler: String) -> String {
        "\(prefix):\(Self.queueSegment):\(queue):\(Self.readySegment):\(handler)"
    }
    /// `P:q:QUEUE:handlers`: the handlers with ready sets in the queue.
    public func handlers(_ queue: String) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(Self.handlersSegment)" }
    /// `P:queues`: the set of queue names.
    public var queues: String { "\(prefix):\(Self.queuesSegment)" }
    /// `P:schedules`: the last slot enqueued per schedule.
    public var schedules: String { "\(prefix):\(Self.schedulesSegment)" }
    /// `P:rate:NAME`: a shared rate window.
    public func rate(_ name: String) -> String { "\(prefix):\(Self.rateSegment):\(name)" }
    /// `P:layout`: the layout version.
    public var layout: String { "\(prefix):\(Self.layoutSegment)" }
    /// `P:paused`: the paused queues; the member ``allQueues`` pauses every queue.
    public var paused: String { "\(prefix):\(Self.pausedSegment)" }
    /// The member of `P:paused` that pauses every queue, present and future.
    public static let allQueues = "*"
    /// `P:heartbeat`: when runs last happened, written by every claim.
    public var heartbeat: String { "\(prefix):\(Self.heartbeatSegment)" }
    /// `P:metrics`: the counters of `/metrics`.
    public var metrics: String { "\(prefix):\(Self.metricsSegment)" }
    /// `P:alerts`: the alert outbox.
    public var alerts: String { "\(prefix):\(Self.alertsSegment)" }
    /// Events the outbox keeps at most: the oldest go first.
    public static let alertOutboxLimit = 1_000

    private static let jobSegment = "job"
    private static let queueSegment = "q"
    private static let queuesSegment = "queues"
    private static let readySegment = "ready"
    private static let handlersSegment = "handlers"
    private static let schedulesSegment = "schedules"
    private static let rateSegment = "rate"
    private static let layoutSegment = "layout"
    private static let pausedSegment = "paused"
    private static let heartbeatSegment = "heartbeat"
    private static let metricsSegment = "metrics"
    private static let alertsSegment = "alerts"

    /// The first word of the error a script answers when the prefix holds another layout:
    /// `TICKLAYOUT <found> <expected>`.
    public static let layoutErrorCode = "TICKLAYOUT"

    /// Lua defining the same keys from `ARGV[1]`: `p`, `job_key(id)`, `ready_key(q, handler)`,
    /// `handlers_key(q)`, `delayed_key(q)`, `leased_key(q)`, `dead_key(q)`, `cancelled_key(q)`, `queues_key`, `schedules_key`,
    /// `rate_key(name)`, `layout_key`, `paused_key`, `heartbeat_key`, `metrics_key`, `alerts_key`, `alert_outbox_limit`, `legacy_ready_key(q)` (layout 1's ready set, for the upgrade and for
    /// producers still running a copy of the enqueue script from before layouts had versions), and
    /// `layout_error()` (an error reply when the prefix holds another layout version, else `nil`: one `GET`
    /// inside the script, no extra request; on a new prefix it records this layout).
    public static let lua = """
        local p = ARGV[1]
        local function job_key(id) return p .. ':\(jobSegment):' .. id end
        local function ready_key(q, h) return p .. ':\(queueSegment):' .. q .. ':\(readySegment):' .. h end
        local function handlers_key(q) return p .. ':\(queueSegment):' .. q .. ':\(handlersSegment)' end
        local function legacy_ready_key(q) return p .. ':\(queueSegment):' .. q .. ':\(readySegment)' end
        \(QueueSet.allCases.map { "local function \($0.rawValue)_key(q) return p .. ':\(queueSegment):' .. q .. ':\($0.rawValue)' end" }.joined(separator: "\n"))
        local queues_key, schedules_key, layout_key = p .. ':\(queuesSegment)', p .. ':\(schedulesSegment)', p .. ':\(layoutSegment)'
        local function rate_key(name) return p .. ':\(rateSegment):' .. name end
        local paused_key = p .. ':\(pausedSegment)'
        local heartbeat_key, metrics_key, alerts_key = p .. ':\(heartbeatSegment)', p .. ':\(metricsSegment)', p .. ':\(alertsSegment)'
        local alert_outbox_limit = \(alertOutboxLimit)
        local function layout_error()
          local found = redis.call('GET', layout_key)
          if not found then
            if redis.call('EXISTS', queues_key) == 0 then
              redis.call('SET', layout_key, '\(layoutVersion)')
              return nil
            end
            found = '1'
          end
          if found ~= '\(layoutVersion)' then return redis.error_reply('\(layoutErrorCode) ' .. found .. ' \(layoutVersion)') end
          return nil
        end

        """
}
