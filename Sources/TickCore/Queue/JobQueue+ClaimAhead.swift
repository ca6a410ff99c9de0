/// The acknowledgement of one run and the claim of the next in one round trip (`tick drain`).
extension JobQueue {
    /// What a claim asks for (the arguments of ``claim(queues:handlers:batch:lease:nowMilliseconds:schedules:signals:deadline:)``).
    public struct ClaimRequest: Sendable {
        public var queues: [String]
        public var handlers: [String]
        public var batch: Int
        public var lease: Duration
        public var nowMilliseconds: Int64
        public var schedules: [ScheduleSlots]
        public var signals: RunSignals

        /// A claim request.
        public init(
            queues: [String], handlers: [String], batch: Int, lease: Duration, nowMilliseconds: Int64, schedules: [ScheduleSlots] = [],
            signals: RunSignals = RunSignals(trigger: .manual)
        ) {
            self.queues = queues
            self.handlers = handlers
            self.batch = batch
            self.lease = lease
            self.nowMilliseconds = nowMilliseconds
            self.schedules = schedules
            self.signals = signals
        }
    }

    /// Acknowledges a batch and claims the next in one `/pipeline` request: one round trip, the same two billable
    /// commands as two requests. The acknowledgement runs first, so the claim sees the jobs it ended (a retry is due
    /// again, a released job is ready again).
    ///
    /// The request is retried like any idempotent one (a lost reply, a timeout, a 5xx): a repeated acknowledgement
    /// changes nothing and reports what the first applied, and the claim's token makes a repeated claim answer the
    /// jobs the first leased instead of leasing more (libcurl itself resends a request whose reused connection died
    /// before any reply). The acknowledgement's answer comes back even when the claim fails (a refused claim is the
    /// `Result`'s failure).
    /// - Throws: ``UpstashError`` when the request fails or Redis refuses the acknowledgement.
    public func acknowledgeAndClaim(
        _ acknowledgements: [Acknowledgement], tally: RunTally, nowMilliseconds: Int64, next: ClaimRequest, deadline: ContinuousClock.Instant?
    ) async throws(UpstashError) -> (Acknowledged, Result<Claim, UpstashError>) {
        guard !acknowledgements.isEmpty else {
            do { return (Acknowledged(applied: []), .success(try await claim(next, deadline: deadline))) } catch { return (Acknowledged(applied: []), .failure(error)) }
        }
        let claimCommand = claimCommand(
            queues: next.queues, handlers: next.handlers, batch: next.batch, lease: next.lease, nowMilliseconds: next.nowMilliseconds,
            schedules: next.schedules, signals: next.signals)
        let replies = try await client.pipeline(
            [acknowledgeCommand(acknowledgements, tally: tally, nowMilliseconds: nowMilliseconds), claimCommand], idempotent: true, deadline: deadline)
        let host = client.configuration.host
        guard replies.count == 2 else { throw .protocolError(host: host, detail: "\(replies.count) replies for 2 commands", status: 200) }
        if let message = replies[0].errorMessage { throw .redis(host: host, command: "the acknowledgement", message: message, status: 200) }
        let acknowledged = Self.decodeAcknowledged(replies[0])
        if let message = replies[1].errorMessage {
            return (acknowledged, .failure(.redis(host: host, command: "the claim", message: message, status: 200)))
        }
        do { return (acknowledged, .success(try decodeClaim(replies[1]))) } catch { return (acknowledged, .failure(error)) }
    }
}
