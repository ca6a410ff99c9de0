/// One schedule's candidate slots, as a claim request carries them: the claim script enqueues the job of each
/// slot after the schedule's last enqueued slot, once (docs/schedules.md). Built by ``Schedule/slots(now:)``.
public struct ScheduleSlots: Sendable, Hashable {
    /// The schedule's name: part of each slot's job id (`sched:<name>:<slot>`).
    public var name: String
    /// `true`: enqueue every missed slot offered; `false`: only the latest.
    public var catchUpAll: Bool
    /// The job's JSON with ``idPlaceholder`` for its id.
    public var jobTemplate: String
    /// The job's queue, handler, priority and attempts (stored beside its spec).
    public var queue: String
    public var handler: String
    public var priority: Int
    public var maxAttempts: Int
    /// Candidate slots, Unix seconds, ascending.
    public var slots: [Int64]
    /// What a slot does while the previous job is still waiting or running.
    public var overlap: ScheduleOverlap = .allow
    /// The job's flow keys (docs/flow-control.md), stored beside its spec.
    public var concurrencyKey: String?
    public var rateKey: String?

    /// Stands for the job id in ``jobTemplate``; the claim script puts each slot's id there.
    public static let idPlaceholder = "@TICK_SCHEDULE_ID@"
    /// A schedule seen for the first time fires only a slot this recent (the current minute's, for a run
    /// started late in its minute), not every past slot.
    public static let firstSightingWindow: Duration = .seconds(60)

    /// Makes the slots of one schedule.
    public init(name: String, catchUpAll: Bool, jobTemplate: String, queue: String, handler: String, priority: Int, maxAttempts: Int, slots: [Int64]) {
        self.handler = handler
        self.name = name
        self.catchUpAll = catchUpAll
        self.jobTemplate = jobTemplate
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.slots = slots
    }
}
