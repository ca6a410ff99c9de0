/// Enforces an item's timeout on a handler that does not watch the clock itself: at
/// ``HandlerContext/deadline``, when it comes before the run's budget ends (``HandlerContext/runDeadline``,
/// where the run itself cancels), the handler's task is cancelled, and an item that then fails or asks to be
/// retried is retried later as timed out (the same outcome an `exec` command killed at its deadline gets).
///
/// The Swift handlers of your own executable (``HandlerRegistry/added``) run inside one, so a handler only
/// has to honour cancellation (`try await Task.sleep`, `Task.isCancelled`) for its item timeout and the run's
/// budget to hold. Cancellation is cooperative: a handler that ignores it runs on, and its result, if a
/// success, is kept.
public struct DeadlineHandler: JobHandler {
    /// The handler whose items are cut off at their deadline.
    public let wrapped: any JobHandler

    /// Wraps a handler.
    /// - Parameter wrapped: the handler.
    public init(_ wrapped: any JobHandler) { self.wrapped = wrapped }

    /// Runs the wrapped handler, cancelling it at the context's deadline.
    /// - Parameters:
    ///   - input: the item or page.
    ///   - context: its deadline among the rest.
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        let wrapped = self.wrapped
        // Cut off by the run's budget, not its own timeout: the run cancels it then and hands the job back.
        // Cancelling it here too would race the run and could turn that hand-back into a counted retry.
        guard context.deadline < context.runDeadline else { return await wrapped.handle(input, context: context) }
        let started = ContinuousClock.now
        return await withTaskGroup(of: HandlerOutcome?.self) { group in
            group.addTask { await wrapped.handle(input, context: context) }
            group.addTask {
                // Ends at the deadline, or early (cancelled) when the handler returns first.
                try? await Task.sleep(until: context.deadline, clock: .continuous)
                return nil
            }
            var timedOut = false
            while let next = await group.next() {
                guard let outcome = next else {
                    // The deadline passed (or the run cancelled us, which cancels the handler too): stop the handler.
                    timedOut = !Task.isCancelled && ContinuousClock.now >= context.deadline
                    group.cancelAll()
                    continue
                }
                group.cancelAll()
                switch outcome {
                case .done, .page: return outcome
                case .failed, .retryLater:
                    guard timedOut else { return outcome }
                    let elapsed = Int(started.duration(to: .now).milliseconds)
                    return .retryLater(reason: "timed out: cancelled at the item's deadline after \(elapsed) ms", after: nil)
                }
            }
            return .retryLater(reason: "the handler did not return", after: nil)
        }
    }
}
