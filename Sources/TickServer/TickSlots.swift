import Synchronization
import TickCore

/// The ticks running in this process: caps how many run at once, and lets shutdown cancel them.
///
/// A request first takes a slot (``admit()``), then hands in the task running its tick (``attach(_:_:)``)
/// and gives the slot back when the tick is over (``release(_:)``). ``close()`` refuses new slots and
/// cancels every attached task: the runs then commit what they finished and hand their jobs back.
final class TickSlots: Sendable {
    /// The answer to a request for a slot.
    enum Admission: Equatable, Sendable {
        /// A slot is taken; give it back with ``TickSlots/release(_:)``.
        case admitted(UInt64)
        /// Every slot is taken (HTTP 429).
        case full
        /// The server is shutting down (HTTP 503).
        case closed
    }

    private struct State {
        var slots: [UInt64: Task<RunReport, Never>?] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    /// Ticks allowed at once.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    /// Ticks running (or about to start) now.
    var count: Int { state.withLock { $0.slots.count } }

    /// Takes a slot if one is free and the server is not shutting down.
    func admit() -> Admission {
        state.withLock { state in
            if state.closed { return .closed }
            guard state.slots.count < capacity else { return .full }
            state.nextID += 1
            state.slots[state.nextID] = .some(nil)
            return .admitted(state.nextID)
        }
    }

    /// Records the task running slot `id`'s tick, so that shutdown can cancel it. If shutdown has begun
    /// meanwhile, the task is cancelled at once.
    func attach(_ id: UInt64, _ task: Task<RunReport, Never>) {
        let cancelNow = state.withLock { state in
            if state.closed { return true }
            if state.slots[id] != nil { state.slots[id] = task }
            return false
        }
        if cancelNow { task.cancel() }
    }

    /// Gives slot `id` back.
    func release(_ id: UInt64) {
        _ = state.withLock { $0.slots.removeValue(forKey: id) }
    }

    /// Refuses further slots and cancels every running tick. Returns their tasks, to wait for.
    @discardableResult
    func close() -> [Task<RunReport, Never>] {
        let tasks = state.withLock { state in
            state.closed = true
            return state.slots.values.compactMap { $0 }
        }
        for task in tasks { task.cancel() }
        return tasks
    }
}
