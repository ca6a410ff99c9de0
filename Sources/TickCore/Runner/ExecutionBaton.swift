import Synchronization

/// Lets one run of a drain work its items at a time: the runs in flight take turns with it, so while one works, the
/// next claims and starts and the one before commits and acknowledges, and the process never runs more than
/// `--concurrency` items (nor a handler more than its own limit) at once (``TickRunner/Chain/baton``).
public final class ExecutionBaton: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var held = false
        var waiters: [Waiter] = []
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A baton nobody holds.
    public init() {}

    /// Waits for the baton, first come first served; `false` when the task was cancelled first (it then does not
    /// hold the baton and must not ``pass()`` it).
    public func take() async -> Bool {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now: Bool? = state.withLock { state in
                    if Task.isCancelled { return false }
                    if !state.held {
                        state.held = true
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Hands the baton to the run waiting longest, or puts it down.
    public func pass() {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }
}
