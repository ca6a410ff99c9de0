#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One thread of its own for a connection's blocking calls (libcurl's `curl_easy_perform`, libpq's
/// `PQexecParams`), so that waiting on the network never holds a thread of Swift's cooperative pool.
///
/// The pool has one thread per core: on a one- or two-core function, a Redis request or a PostgreSQL commit
/// that waits for its timeout on a pool thread would stop every item's task, timer and deadline with it.
///
/// It is a ``SerialExecutor`` (an actor that sets it as its `unownedExecutor` runs all its code here) and runs
/// closures with ``run(_:)``. Work runs in the order it arrives, one piece at a time. The thread starts on
/// first use and ends after ``close()`` once the queued work is done, or after 5 s without work.
public final class IOThread: SerialExecutor, Sendable {
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private struct State {
        var queue: [Work] = []
        var head = 0
        var started = false
        var closing = false
    }

    /// What the thread does next.
    private enum Step {
        case perform(Work)
        case wait
        case end
    }

    /// A thread with no work for this long ends (the next work starts a new one), so an owner that never calls
    /// ``close()`` leaves no thread behind for long.
    static let idleSeconds = 5

    private let state = Mutex(State())
    private let signal: Semaphore

    /// A thread for blocking calls, started on first use.
    public init() {
        signal = Semaphore()
    }

    deinit { signal.destroy() }

    /// Takes a job of an actor whose executor this is.
    public func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `body` on this thread and returns its result; the caller's task waits without holding a thread.
    public func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            submit(.closure { continuation.resume(returning: Result { () throws(E) -> T in try body() }) })
        }
        return try result.get()
    }

    /// Runs `body` on a new thread of its own (a one-off blocking call, such as connecting) and returns its result.
    public static func detached<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let thread = IOThread()
        defer { thread.close() }
        return try await thread.run(body)
    }

    /// Lets the thread end once the work already queued is done. Work submitted later runs on a new thread.
    public func close() {
        let wake = state.withLock { state -> Bool in
            guard state.started, !state.closing else { return false }
            state.closing = true
            return true
        }
        if wake { signal.post() }
    }

    private func submit(_ work: Work) {
        let start = state.withLock { state -> Bool in
            state.queue.append(work)
            // A closing thread that has not ended yet takes the work; one that ended is replaced.
            state.closing = false
            defer { state.started = true }
            return !state.started
        }
        if start, DetachedThread.start({ self.loop() }) != nil {
            // No thread to be had (the process is out of threads): the loop runs on the cooperative pool instead,
            // blocking one of its threads as every call did before IOThread, rather than never running the work.
            Task.detached { self.loop() }
        }
        signal.post()
    }

    private func loop() {
        while true {
            let woken = signal.wait(seconds: Self.idleSeconds)
            let step = state.withLock { state -> Step in
                guard state.head < state.queue.count else {
                    guard state.closing || !woken else { return .wait }
                    // Closed, or idle: the decision is taken under the lock, so a submit after it starts a new loop.
                    state.started = false
                    state.closing = false
                    return .end
                }
                let work = state.queue[state.head]
                state.head += 1
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return .perform(work)
            }
            switch step {
            case .perform(let work): perform(work)
            case .wait: continue
            case .end: return
            }
        }
    }

    private func perform(_ work: Work) {
        switch work {
        case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
        case .closure(let body): body()
        }
    }
}

/// A POSIX counting semaphore at a fixed address.
private struct Semaphore: @unchecked Sendable {
    private let pointer: UnsafeMutablePointer<sem_t>

    init() {
        pointer = .allocate(capacity: 1)
        sem_init(pointer, 0, 0)
    }

    func post() { sem_post(pointer) }

    /// Waits for a post, at most `seconds`; `false` when the time ran out.
    func wait(seconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_sec += seconds
        while sem_timedwait(pointer, &deadline) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }

    func destroy() {
        sem_destroy(pointer)
        pointer.deallocate()
    }
}
