/// A built-in handler that waits `ms` milliseconds (from the item's payload, default 50) and succeeds:
/// simulated work for demos and budget trials. Honours cancellation, as every handler should.
public struct SleepHandler: JobHandler {
    /// The wait when the payload names none.
    public let defaultMilliseconds: Int

    public init(defaultMilliseconds: Int = 50) { self.defaultMilliseconds = defaultMilliseconds }

    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        let ms: Int =
            switch input {
            case .item(_, let payload): payload["ms"]?.intValue ?? defaultMilliseconds
            case .page: defaultMilliseconds
            }
        do { try await Task.sleep(until: min(ContinuousClock.now.advanced(by: .milliseconds(ms)), context.deadline), clock: .continuous) } catch {
            return .retryLater(reason: "cancelled", after: nil)
        }
        if ContinuousClock.now >= context.deadline, ms > 0 { return .retryLater(reason: "timed out", after: nil) }
        switch input {
        case .item(let index, _): return .done(result: .object(["slept_ms": .integer(Int64(ms)), "item": .integer(Int64(index))]))
        case .page: return .page(next: nil, result: nil)
        }
    }
}
