import TickCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `greet`: one greeting per item.
///
/// An item is `{"name": "Ada"}` (or just `"Ada"`); `"work_ms"` makes the greeting take that long, to show
/// what happens at a deadline; `"fail_attempts": N` fails its first N attempts with a retryable error, to
/// show a retry (the same idempotency key, the next attempt). The result stored with the item is
/// `{"greeting": "Hello, Ada!", "idempotency_key": …, "attempt": …, "pid": …}`.
///
/// With an outbox directory, each greeting is also "sent": written to `<outbox>/<idempotency key>.txt`
/// exactly once. An item runs at least once, so a run killed after sending but before recording runs it
/// again: the key makes the second send a no-op. Every call is also appended to `<outbox>/attempts.log`
/// (`key attempt pid outcome elapsed_ms deadline_ms`), which shows resumes, deadlines and cancellations.
public struct GreetHandler: JobHandler {
    /// Where greetings are sent; `nil` sends nothing (the result alone records them).
    public var outbox: String?

    /// Makes the handler.
    /// - Parameter outbox: a directory to write each greeting to, once per idempotency key; `nil` for none.
    public init(outbox: String? = nil) { self.outbox = outbox }

    /// Greets one item; a page is a permanent failure (greet jobs are item jobs).
    /// - Parameters:
    ///   - input: the item.
    ///   - context: its idempotency key, deadline and attempt.
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        guard case .item(let index, let payload) = input else {
            return .failed(reason: "greet takes items, not a cursor: enqueue with --item '{\"name\":\"Ada\"}'")
        }
        guard let name = payload.stringValue ?? payload["name"]?.stringValue, !name.isEmpty else {
            return .failed(reason: "item \(index) has no name: give {\"name\": \"…\"} or a string")
        }
        let started = ContinuousClock.now
        let deadlineMilliseconds = Int64(started.duration(to: context.deadline).milliseconds)
        context.progress.report(completed: 0, total: 1, message: "greeting \(name)")
        if let work = payload["work_ms"]?.intValue, work > 0 {
            do {
                try await Task.sleep(for: .milliseconds(work))
            } catch {
                // Cancelled: the item's timeout or the run's budget. tick hands the job back; this item runs again.
                log(context, "cancelled", since: started, deadlineMilliseconds: deadlineMilliseconds)
                return .retryLater(reason: "cancelled after \(Int64(started.duration(to: .now).milliseconds)) ms", after: nil)
            }
        }
        if let failures = payload["fail_attempts"]?.intValue, context.attempt <= failures {
            log(context, "retry", since: started, deadlineMilliseconds: deadlineMilliseconds)
            return .retryLater(reason: "attempt \(context.attempt) of \(name) fails on purpose (fail_attempts \(failures))", after: .milliseconds(1))
        }
        let greeting = "Hello, \(name)!"
        if let outbox, !send(greeting, to: outbox, key: context.idempotencyKey) {
            log(context, "send-failed", since: started, deadlineMilliseconds: deadlineMilliseconds)
            return .retryLater(reason: "could not write to the outbox \(outbox)", after: .seconds(5))
        }
        context.progress.report(completed: 1, total: 1)
        log(context, "done", since: started, deadlineMilliseconds: deadlineMilliseconds)
        return .done(
            result: .object([
                "greeting": .string(greeting), "idempotency_key": .string(context.idempotencyKey),
                "attempt": .integer(Int64(context.attempt)), "pid": .integer(Int64(getpid())),
            ]))
    }

    /// Writes `greeting` to `<outbox>/<key>.txt` unless a file of that key exists: true when it is there now.
    func send(_ greeting: String, to outbox: String, key: String) -> Bool {
        let path = "\(outbox)/\(key.replacingColons()).txt"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd < 0 { return errno == EEXIST }  // already sent by an earlier attempt: idempotent
        defer { close(fd) }
        let bytes = Array((greeting + "\n").utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// Appends one line to `<outbox>/attempts.log` (one `write` with O_APPEND: lines never interleave).
    func log(_ context: HandlerContext, _ outcome: String, since started: ContinuousClock.Instant, deadlineMilliseconds: Int64) {
        guard let outbox else { return }
        let elapsed = Int64(started.duration(to: .now).milliseconds)
        let line = Array("\(context.idempotencyKey) \(context.attempt) \(getpid()) \(outcome) \(elapsed) \(deadlineMilliseconds)\n".utf8)
        let fd = open("\(outbox)/attempts.log", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

extension String {
    /// `job:3` → `job-3`: a file name.
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}
