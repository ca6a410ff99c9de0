import Testing
import TickTestSupport

@testable import TickCore

/// Verdicts to lease outcomes: attempts, backoff, Retry-After.
@Suite struct JobCompleterTests {
    func job(attempt: Int, maxAttempts: Int = 3, items: Int = 2, verdict: JobVerdict?, done: Set<Int> = []) -> ActiveJob {
        let spec = JobSpec(
            id: "j", handler: "noop", work: .items((0..<items).map { .integer(Int64($0)) }), maxAttempts: maxAttempts,
            backoff: .init(baseMilliseconds: 1_000, maxMilliseconds: 60_000))
        let active = ActiveJob(
            claimed: .init(id: "j", json: Array(spec.json.utf8), attempt: attempt, fence: 1, queue: "default"), spec: spec, entry: .init(handler: NoopHandler()))
        active.verdict = verdict
        active.done = done
        return active
    }

    func outcome(_ job: ActiveJob) -> JobQueue.Outcome? {
        var random = SystemRandomNumberGenerator()
        return JobCompleter.outcome(of: job, using: &random)
    }

    @Test func noVerdictIsDoneWhenEveryItemIsAndReleasedOtherwise() {
        #expect(outcome(job(attempt: 1, verdict: nil, done: [0, 1])) == .done)
        #expect(outcome(job(attempt: 1, verdict: nil, done: [0])) == .release)
    }

    @Test func retryWaitsTheBackoffWithJitter() throws {
        for attempt in 1...2 {
            guard case .retry(let delay, let error)? = outcome(job(attempt: attempt, verdict: .retry(reason: "busy", after: nil))) else {
                Issue.record("attempt \(attempt) of 3 must retry")
                continue
            }
            let ceiling = 1_000 << (attempt - 1)
            #expect(delay >= 500 && delay <= ceiling, "full jitter within [base/2, base·2^(attempt-1)]: \(delay)")
            #expect(error == "busy")
        }
    }

    @Test func retryAfterIsHonouredAsGiven() {
        #expect(outcome(job(attempt: 1, verdict: .retry(reason: "429", after: .seconds(42)))) == .retry(delayMilliseconds: 42_000, error: "429"))
    }

    @Test func theLastAttemptDies() {
        #expect(outcome(job(attempt: 3, verdict: .retry(reason: "busy", after: nil))) == .dead(reason: "attempts exhausted (3 of 3): busy"))
    }

    @Test func deadReleaseAndLost() {
        #expect(outcome(job(attempt: 1, verdict: .dead(reason: "bad"))) == .dead(reason: "bad"))
        #expect(outcome(job(attempt: 1, verdict: .release, done: [0, 1])) == .release)
        #expect(outcome(job(attempt: 1, verdict: .lost)) == nil, "a lost lease is not acknowledged")
    }

    @Test func finalStatesInPostgres() {
        #expect(JobCompleter.Completion.state(of: .done) == .done)
        #expect(JobCompleter.Completion.state(of: .retry(delayMilliseconds: 1, error: "")) == .retrying)
        #expect(JobCompleter.Completion.state(of: .dead(reason: "")) == .dead)
        #expect(JobCompleter.Completion.state(of: .release) == .released)
    }
}
