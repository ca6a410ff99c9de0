import Synchronization
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// The live progress line of `tick drain` and `tick run` on a terminal: one line on stderr, redrawn in place
/// at most four times a second (and only when its text changed), then replaced by the final summary.
///
/// Its counts come from the runs' own ``RunEvent``s (claims, finished items, acknowledged jobs): no request
/// and no statement of its own. Made only when stderr is a terminal, so cron, CI and pipes never see it.
final class ProgressLine: Sendable {
    /// What the line shows, updated by the runs' events.
    struct Counts: Sendable {
        var jobsDone = 0, jobsRetried = 0, jobsDead = 0, jobsReleased = 0, jobsCancelled = 0
        var itemsDone = 0, itemsFailed = 0
        /// Ready jobs the last claim left behind, and jobs it leased that have not finished yet.
        var readyLeft: Int?
        var inFlight = 0
    }

    private let label: String
    private let start = ContinuousClock.now
    /// The counts, the text on screen, and whether the summary replaced it. Lines are written under this lock,
    /// so a redraw never lands after the summary.
    private let state = Mutex<(counts: Counts, drawn: String, finished: Bool)>((Counts(), "", false))
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// A progress line when stderr is a terminal, else `nil`.
    static func onTerminal(label: String) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(label: label) : nil
    }

    private init(label: String) {
        self.label = label
        let task = Task.detached { [weak self] in
            while true {
                do { try await Task.sleep(for: .milliseconds(250)) } catch { return }  // cancelled by finish()
                self?.draw()
            }
        }
        ticker.withLock { $0 = task }
    }

    /// The observer to hand the runner: records each event (drawing is the ticker's job).
    var observer: RunObserver {
        { [weak self] event in self?.record(event) }
    }

    func record(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .claimed(let jobs, let readyLeft):
                state.counts.inFlight = jobs
                state.counts.readyLeft = readyLeft
            case .itemFinished(let failed):
                if failed { state.counts.itemsFailed += 1 } else { state.counts.itemsDone += 1 }
            case .jobFinished(let kind):
                state.counts.inFlight = max(0, state.counts.inFlight - 1)
                switch kind {
                case .done: state.counts.jobsDone += 1
                case .retry: state.counts.jobsRetried += 1
                case .dead: state.counts.jobsDead += 1
                case .release: state.counts.jobsReleased += 1
                case .cancel: state.counts.jobsCancelled += 1
                }
            }
        }
    }

    /// Redraws the line if its text changed.
    func draw() {
        let seconds = start.duration(to: .now).milliseconds / 1000
        state.withLock { state in
            let line = Self.line(label: label, state.counts, seconds: seconds)
            guard !state.finished, line != state.drawn else { return }
            state.drawn = line
            writeStderr("\r\u{1B}[K" + line)
        }
    }

    /// Stops redrawing and replaces the line with `summary`.
    func finish(_ summary: String) {
        state.withLock { state in
            state.finished = true
            writeStderr("\r\u{1B}[K" + summary + "\n")
        }
        ticker.withLock { $0?.cancel() }
    }

    /// `drain 12s · 40 jobs done, 2 retried, 1 dead · 200 items, 3 failed · 35.2 items/s · 58 jobs left · ETA 17s`.
    static func line(label: String, _ counts: Counts, seconds: Double) -> String {
        var parts = ["\(label) \(elapsed(Int(seconds)))"]
        var jobs = "\(counts.jobsDone) job\(counts.jobsDone == 1 ? "" : "s") done"
        if counts.jobsRetried > 0 { jobs += ", \(counts.jobsRetried) retried" }
        if counts.jobsDead > 0 { jobs += ", \(counts.jobsDead) dead" }
        if counts.jobsReleased > 0 { jobs += ", \(counts.jobsReleased) released" }
        if counts.jobsCancelled > 0 { jobs += ", \(counts.jobsCancelled) cancelled" }
        parts.append(jobs)
        parts.append("\(counts.itemsDone) item\(counts.itemsDone == 1 ? "" : "s")\(counts.itemsFailed > 0 ? ", \(counts.itemsFailed) failed" : "")")
        let finished = counts.jobsDone + counts.jobsRetried + counts.jobsDead + counts.jobsCancelled
        if seconds >= 1 { parts.append("\(Self.rate(Double(counts.itemsDone + counts.itemsFailed) / seconds)) items/s") }
        if let ready = counts.readyLeft {
            let left = ready + counts.inFlight
            parts.append("\(left) job\(left == 1 ? "" : "s") left")
            if finished > 0, seconds >= 1, left > 0 {
                let eta = Double(left) / (Double(finished) / seconds)
                parts.append("ETA \(elapsed(Int(eta.rounded(.up))))")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// `7s`, `2m05s`, `1h02m`.
    static func elapsed(_ seconds: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if seconds < 60 { return "\(max(0, seconds))s" }
        if seconds < 3600 { return "\(seconds / 60)m\(two(seconds % 60))s" }
        return "\(seconds / 3600)h\(two(seconds % 3600 / 60))m"
    }

    /// `35.2` below 100, `1,234` above.
    static func rate(_ value: Double) -> String {
        if value < 100 { return String(Double(Int(value * 10)) / 10) }
        return String(Int(value))
    }
}
