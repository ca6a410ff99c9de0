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
/// | `P:q:QUEUE:kready:HANDLER\|KEY` | sorted set | one key's ready jobs for one handler (jobs with a `concurrency_key` or `rate_key`), scored like the ready set |
/// | `P:q:QUEUE:keys:HANDLER` | sorted set | the keys with ready jobs, by their turn (round robin: a key served goes behind the others of its priority) |
/// | `P:q:QUEUE:parked:HANDLER` | sorted set | keys held back by a limit, by when to look again |
/// | `P:q:QUEUE:keyed` | hash | handler → ready jobs in its keys' sets |
/// | `P:q:QUEUE:unique` | hash | unique key → the latest job enqueued with it |
/// | `P:running:SCOPE\|KEY` | sorted set | running jobs of a key under a concurrency limit, by lease expiry (`SCOPE`: `h:HANDLER` or `q:QUEUE`) |
/// | `P:blocked:SCOPE\|KEY` | set | `QUEUE HANDLER` pairs whose key is parked until one of its running jobs ends |
/// | `P:krate:SCOPE\|KEY` | sorted set | a rate key's starts in the current window, by time |
/// | `P:claimed:TOKEN` | string | what one claim request leased (`id fence queue ...`), for the lease's time: a retry of the request answers it again |
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
    ///
    /// Flow control's keys (`kready`, `keys`, `parked`, `keyed`, `unique`, `running`, `blocked`, `krate`) came
    /// without a new layout for the same reason: they only add keys. A producer's copy of the older enqueue script
    /// keeps working (its jobs carry no keys, so no limit applies to them); a worker from before them leases no keyed
    /// job (it never reads those sets) and a keyed job whose lease it takes back becomes an ordinary ready job.
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
    /// `P:q:QUEUE:kready:HANDLER|KEY`: one flow key's ready jobs for a handler.
    public func keyReady(_ queue: String, handler: String, key: String) -> String {
        "\(prefix):\(Self.queueSegment):\(queue):\(Self.keyReadySegment):\(handler)|\(key)"
    }
    /// `P:q:QUEUE:keys:HANDLER`: the flow keys with ready jobs, by turn.
    public func flowKeys(_ queue: String, handler: String) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(Self.keysSegment):\(handler)" }
    /// `P:q:QUEUE:parked:HANDLER`: flow keys held back by a limit, by when to look again.
    public func parked(_ queue: String, handler: String) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(Self.parkedSegment):\(handler)" }
    /// `P:q:QUEUE:keyed`: per handler, ready jobs in its flow keys' sets.
    public func keyed(_ queue: String) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(Self.keyedSegment)" }
    /// `P:q:QUEUE:unique`: unique key → latest job id.
    public func unique(_ queue: String) -> String { "\(prefix):\(Self.queueSegment):\(queue):\(Self.uniqueSegment)" }
    /// `P:running:SCOPE|KEY`: running jobs of a key under a concurrency limit.
    public func running(scope: String, key: String) -> String { "\(prefix):\(Self.runningSegment):\(scope)|\(key)" }
    /// `P:krate:SCOPE|KEY`: a rate key's starts in the window.
    public func keyRate(scope: String, key: String) -> String { "\(prefix):\(Self.keyRateSegment):\(scope)|\(key)" }

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
    private static let keyReadySegment = "kready"
    private static let keysSegment = "keys"
    private static let parkedSegment = "parked"
    private static let keyedSegment = "keyed"
    private static let uniqueSegment = "unique"
    private static let runningSegment = "running"
    private static let blockedSegment = "blocked"
    private static let keyRateSegment = "krate"
    private static let claimedSegment = "claimed"

    /// The first word of the error a script answers when the prefix holds another layout:
    /// `TICKLAYOUT <found> <expected>`.
    public static let layoutErrorCode = "TICKLAYOUT"

    /// Lua defining the same keys from `ARGV[1]`: `p`, `job_key(id)`, `ready_key(q, handler)`,
    /// `handlers_key(q)`, `delayed_key(q)`, `leased_key(q)`, `dead_key(q)`, `cancelled_key(q)`, `queues_key`, `schedules_key`,
    /// `rate_key(name)`, the flow keys (`kready_key(q, h, k)`, `keys_key(q, h)`, `parked_key(q, h)`, `keyed_key(q)`, `uniques_key(q)`, `running_key(s)`, `blocked_key(s)`, `krate_key(s)`), `claimed_key(token)`, `layout_key`, `paused_key`, `heartbeat_key`, `metrics_key`, `alerts_key`, `alert_outbox_limit`, `legacy_ready_key(q)` (layout 1's ready set, for the upgrade and for
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
        local function kready_key(q, h, k) return p .. ':\(queueSegment):' .. q .. ':\(keyReadySegment):' .. h .. '|' .. k end
        local function keys_key(q, h) return p .. ':\(queueSegment):' .. q .. ':\(keysSegment):' .. h end
        local function parked_key(q, h) return p .. ':\(queueSegment):' .. q .. ':\(parkedSegment):' .. h end
        local function keyed_key(q) return p .. ':\(queueSegment):' .. q .. ':\(keyedSegment)' end
        local function uniques_key(q) return p .. ':\(queueSegment):' .. q .. ':\(uniqueSegment)' end
        local function running_key(s) return p .. ':\(runningSegment):' .. s end
        local function blocked_key(s) return p .. ':\(blockedSegment):' .. s end
        local function krate_key(s) return p .. ':\(keyRateSegment):' .. s end
        local function claimed_key(t) return p .. ':\(claimedSegment):' .. t end
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
