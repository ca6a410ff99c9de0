/// A recurring job: a cron expression on a time zone's wall clock, and the job to enqueue at each slot.
///
/// Every run acts as the scheduler: it sends each schedule's recent slots (``candidates(now:)``) inside its
/// claim request, and the claim script enqueues each slot's job exactly once (a deterministic job id per
/// schedule and slot, and a "last slot enqueued" per schedule in Redis), so schedules cost no extra request
/// and any number of concurrent or duplicated runs enqueue a slot once. See docs/schedules.md.
public struct Schedule: Sendable, Hashable {
    /// What to do with slots missed while no run happened (downtime).
    public enum CatchUp: Sendable, Hashable {
        /// Enqueue only the latest missed slot.
        case skip
        /// Enqueue every missed slot, the latest `limit` at most.
        case all(limit: Int)
    }

    /// The schedule's name (its key in the config): part of each slot's job id.
    public let name: String
    /// When it fires.
    public let expression: CronExpression
    /// The zone whose wall clock the expression describes.
    public let zone: TimeZoneRules
    /// Missed slots.
    public let catchUp: CatchUp
    /// The job each slot enqueues; its id is replaced by ``jobID(slot:)``.
    public let job: JobSpec
    /// What a slot does while the previous slot's job is still waiting or running; ``ScheduleOverlap/allow`` by default.
    public var overlap: ScheduleOverlap = .allow

    /// Largest `max_catch_up`.
    public static let maximumCatchUp = 1000
    /// `max_catch_up` when `catch_up` is `all` and none is given.
    public static let defaultCatchUp = 24
    /// A schedule seen for the first time fires only a slot this recent (see ``ScheduleSlots/firstSightingWindow``).
    public static let firstSightingWindow: Duration = ScheduleSlots.firstSightingWindow

    /// Makes a schedule.
    /// - Parameters:
    ///   - name: the schedule's name.
    ///   - expression: five-field cron expression.
    ///   - zone: the zone of its wall clock; UTC by default.
    ///   - catchUp: missed slots; `skip` by default.
    ///   - job: the job to enqueue (its id is ignored).
    public init(name: String, expression: CronExpression, zone: TimeZoneRules = .utc, catchUp: CatchUp = .skip, job: JobSpec) {
        self.name = name
        self.expression = expression
        self.zone = zone
        self.catchUp = catchUp
        self.job = job
    }

    /// The id of the job enqueued for the slot at `slot` (Unix seconds): `sched:<name>:<slot>`.
    public func jobID(slot: Int64) -> String { "sched:\(name):\(slot)" }

    /// The job's JSON with ``ScheduleSlots/idPlaceholder`` as its id.
    var jobTemplate: String {
        var template = job
        template.id = ScheduleSlots.idPlaceholder
        return template.json
    }

    /// What a claim at `now` (Unix milliseconds) carries for this schedule: its candidate slots and its job.
    public func slots(nowMilliseconds: Int64) -> ScheduleSlots {
        let all: Bool
        switch catchUp {
        case .skip: all = false
        case .all: all = true
        }
        var slots = ScheduleSlots(
            name: name, catchUpAll: all, jobTemplate: jobTemplate, queue: job.queue, handler: job.handler, priority: job.priority, maxAttempts: job.maxAttempts,
            slots: candidates(now: nowMilliseconds / 1000))
        slots.overlap = overlap
        slots.concurrencyKey = job.flow.concurrencyKey
        slots.rateKey = job.flow.rateKey
        return slots
    }

    /// The slots (Unix seconds, ascending) a run at `now` offers the claim script: the latest slot at or
    /// before `now` for `skip`, the latest `limit` for `all`. The script enqueues those after the last slot
    /// it enqueued for this schedule.
    /// - Parameter now: Unix seconds.
    public func candidates(now: Int64) -> [Int64] {
        let wanted: Int
        switch catchUp {
        case .skip: wanted = 1
        case .all(let limit): wanted = max(1, limit)
        }
        // Look back over growing windows until enough slots are found (or a year and more).
        var window: Int64 = 3600
        while true {
            var slots: [Int64] = []
            var cursor = now - window
            while let next = expression.next(after: cursor, in: zone), next <= now {
                slots.append(next)
                if slots.count > wanted { slots.removeFirst(slots.count - wanted) }
                cursor = next
            }
            if slots.count >= wanted || window > 400 * 86_400 { return slots }
            window *= 8
        }
    }

    /// The next `count` fire times after `instant` (Unix seconds).
    public func upcoming(_ count: Int, after instant: Int64) -> [Int64] {
        expression.next(count, after: instant, in: zone)
    }
}
