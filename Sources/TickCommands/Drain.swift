import Logging
import Synchronization
import TickCore

/// `tick drain`'s runs: chains of runs, each run's acknowledgement claiming the chain's next batch (one round trip
/// per run), each run's end recorded while the next starts (``TickRunner/link(_:chain:)``), batches that grow while the
/// backlog is deep (``BatchGrowth``).
///
/// With more than one run in flight (`--runs-in-flight`, 2 by default), a second chain starts once the backlog is
/// deep (a full batch claimed for the next run) and the chains take turns working their items (``ExecutionBaton``):
/// while one run works, the next claims and starts and the previous commits and acknowledges, so round trips to
/// Redis and PostgreSQL overlap the work instead of adding to it. A batch claimed for a run that does not happen (a
/// limit reached, a signal, another chain's failure) is handed back at once, its attempts not counted.
struct Drain: Sendable {
    let runner: TickRunner
    let options: RunOptions
    let maxRuns: Int?
    let maxSeconds: Double?
    let maxBatch: Int
    let runsInFlight: Int

    /// What the chains share: the totals, runs begun against `--max-runs`, the batch size, and whether the drain is
    /// stopping.
    private final class Board: Sendable {
        private struct State {
            var totals = DrainCommand.Totals()
            var begun = 0
            var stopping = false
            var growth: BatchGrowth
        }

        private let state: Mutex<State>
        let start = ContinuousClock.now

        init(growth: BatchGrowth) { state = Mutex(State(growth: growth)) }

        /// The batch the next claim asks for.
        var batch: Int { state.withLock { $0.growth.batch } }

        /// Learns from a run and the claim made for the next (``BatchGrowth/learn(asked:claimed:reason:duration:budget:bytesPerJob:readyLeft:)``).
        func learn(asked: Int, from report: RunReport, next: JobQueue.Claim, budget: Duration) {
            let bytes = next.jobs.reduce(0) { $0 + $1.json.count } / max(1, next.jobs.count)
            state.withLock { state in
                state.growth.learn(
                    asked: asked, claimed: report.claimed, reason: report.exitReason, duration: .milliseconds(report.durationMilliseconds),
                    budget: budget, bytesPerJob: bytes, readyLeft: next.readyLeft)
            }
        }

        var totals: DrainCommand.Totals { state.withLock { $0.totals } }

        /// Whether another run may begin, and if so whether it is the last `--max-runs` allows; `nil`: stop.
        func begin(maxRuns: Int?, maxSeconds: Double?) -> Bool? {
            state.withLock { state in
                guard !state.stopping else { return nil }
                if let maxRuns, state.begun >= maxRuns {
                    state.totals.stopReason = "max_runs"
                    return nil
                }
                if let maxSeconds, start.duration(to: .now) >= .milliseconds(Int64(maxSeconds * 1000)) {
                    state.totals.stopReason = "max_seconds"
                    return nil
                }
                state.begun += 1
                return maxRuns.map { state.begun >= $0 } ?? false
            }
        }

        /// Adds a run's figures; whether its chain goes on (it claimed work, and nothing failed).
        func record(_ report: RunReport, next: Result<JobQueue.Claim, UpstashError>?, logger: Logger) -> Bool {
            state.withLock { state in
                state.totals.seconds = start.duration(to: .now).milliseconds / 1000
                if report.claimed > 0 || report.exitCode != 0 {
                    state.totals.add(report)
                } else {  // an idle run, the chain's last: not a run of work, but its request (if any) counts
                    state.begun -= 1
                    state.totals.redisRequests += report.redisRequests
                    state.totals.redisCommands += report.redisCommands
                }
                if report.exitCode != 0 {
                    stop(&state, exitCode: report.exitCode, reason: report.exitReason.rawValue)
                } else if case .failure(let error)? = next {
                    let reason = RunExitReason(redisFailure: error)
                    logger.error("run stopped", metadata: ["reason": "\(reason.rawValue)", "error": "\(error.description)"])
                    stop(&state, exitCode: Int(error.exitCode.rawValue), reason: reason.rawValue)
                }
                return !state.stopping && report.claimed > 0
            }
        }

        /// The first failure decides the exit code and reason.
        private func stop(_ state: inout State, exitCode: Int, reason: String) {
            if !state.stopping || state.totals.exitCode == 0 {
                state.totals.exitCode = exitCode
                state.totals.stopReason = reason
            }
            state.stopping = true
        }
    }

    /// Drains; the totals of every run.
    func run() async -> DrainCommand.Totals {
        let board = Board(growth: BatchGrowth(floor: options.batch, ceiling: maxBatch))
        let baton = runsInFlight > 1 ? ExecutionBaton() : nil
        let (deep, deepening) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { chains in
            chains.addTask {
                await chain(runner, board: board, baton: baton, deepening: baton == nil ? nil : deepening)
                deepening.finish()
            }
            // The other chains start once the first has found the backlog deep: a short drain costs no more requests.
            // Each has a Redis connection of its own, so one chain's claim never waits behind another's.
            for await _ in deep {
                for _ in 1..<runsInFlight {
                    var own = runner
                    own.queue = runner.queue.overOwnConnection()
                    chains.addTask { [own] in await chain(own, board: board, baton: baton, deepening: nil) }
                }
                break
            }
        }
        return board.totals
    }

    /// One chain of runs, until the queue is empty for it, a limit, a failure or a signal; `deepening` is told when
    /// a run claimed a full batch for the next one.
    private func chain(_ runner: TickRunner, board: Board, baton: ExecutionBaton?, deepening: AsyncStream<Void>.Continuation?) async {
        var held: JobQueue.Claim?
        var asked = options.batch  // what the claim of the run about to start asked for
        await withTaskGroup(of: Void.self) { endings in
            while let last = board.begin(maxRuns: maxRuns, maxSeconds: maxSeconds) {
                var runOptions = options
                let nextAsk = board.batch
                runOptions.batch = nextAsk
                if held == nil { asked = nextAsk }
                let link = await runner.link(runOptions, chain: .init(claimed: held, nextBatch: last ? nil : nextAsk, baton: baton))
                // Whatever stops the chain below, a batch claimed for the next run is held, and handed back after the loop.
                held = try? link.next?.get()
                // The previous run's end was recorded while this run went on; this run's is recorded while the next does.
                await endings.next()
                if let ending = link.ending { endings.addTask { await ending.run() } }
                guard board.record(link.report, next: link.next, logger: runner.logger), !Task.isCancelled else { break }
                guard let held else { continue }
                board.learn(asked: asked, from: link.report, next: held, budget: options.budget)
                if held.jobs.count >= nextAsk, (held.readyLeft ?? 1) > 0 { deepening?.yield() }
                asked = nextAsk
            }
        }
        if let held, !held.jobs.isEmpty { await handBack(held, runner: runner) }
    }

    /// Hands back a batch claimed for a run that did not happen (attempts not counted), in one request.
    private func handBack(_ claim: JobQueue.Claim, runner: TickRunner) async {
        let releases = claim.jobs.map { JobQueue.Acknowledgement(job: $0, outcome: .release) }
        do {
            _ = try await runner.queue.acknowledge(
                releases, tally: JobQueue.RunTally(), nowMilliseconds: runner.clock.unixMilliseconds, deadline: ContinuousClock.now.advanced(by: .seconds(10)))
            runner.logger.debug("handed back the batch claimed for a run that did not happen", metadata: ["jobs": "\(releases.count)"])
        } catch {
            runner.logger.warning(
                "could not hand back the batch claimed for the next run: its leases expire and a later run takes the jobs",
                metadata: ["jobs": "\(releases.count)", "error": "\(error.description)"])
        }
    }
}
