import Foundation
import Synchronization
import Testing

@testable import TickCore

/// The thread that takes blocking calls off Swift's cooperative pool.
@Suite struct IOThreadTests {
    struct Failure: Error, Equatable { let code: Int }

    /// Shared state for closures that run on other threads.
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
    }

    @Test("blocking calls on I/O threads leave the pool free: more of them than cores wait for a pool task's signal")
    func blockingCallsDoNotHoldThePool() async throws {
        // Each call blocks until a task on the pool opens the gate. Had the calls run on the pool (one thread per
        // core), twice as many of them as cores would leave no thread for that task, and the gate would never open.
        let count = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
        let gate = Shared(false)
        let started = Shared(0)
        let threads = (0..<count).map { _ in IOThread() }
        defer { threads.forEach { $0.close() } }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for thread in threads {
                group.addTask {
                    try await thread.run { () throws(Failure) -> Bool in
                        started.withLock { $0 += 1 }
                        let deadline = Date().addingTimeInterval(20)
                        while !gate.withLock({ $0 }) {
                            if Date() > deadline { throw Failure(code: 1) }
                            usleep(1_000)
                        }
                        return true
                    }
                }
            }
            while started.withLock({ $0 }) < count { try await Task.sleep(for: .milliseconds(5)) }
            gate.withLock { $0 = true }
            var opened = 0
            for try await value in group where value { opened += 1 }
            #expect(opened == count)
        }
    }

    @Test("work runs one piece at a time, in the order it was given, and typed errors come back")
    func serialAndOrdered() async throws {
        let thread = IOThread()
        defer { thread.close() }
        let running = Shared(0)
        let overlapped = Shared(false)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    _ = await thread.run { () -> Int in
                        if running.withLock({ $0 += 1; return $0 }) > 1 { overlapped.withLock { $0 = true } }
                        usleep(200)
                        running.withLock { $0 -= 1 }
                        return index
                    }
                }
            }
        }
        #expect(!overlapped.withLock { $0 }, "never two pieces at once")
        await #expect(throws: Failure(code: 7)) {
            try await thread.run { () throws(Failure) -> Int in throw Failure(code: 7) }
        }
        let order = Shared<[Int]>([])
        for index in 0..<20 { try await thread.run { () throws(Failure) in order.withLock { $0.append(index) } } }
        #expect(order.withLock { $0 } == Array(0..<20))
    }

    @Test("work given after close runs (on a new thread), and work given before close is done first")
    func closeThenReuse() async {
        let thread = IOThread()
        let done = Shared(0)
        async let first: Void = thread.run { usleep(20_000); done.withLock { $0 += 1 } }
        try? await Task.sleep(for: .milliseconds(5))
        thread.close()
        await first
        #expect(done.withLock { $0 } == 1)
        try? await Task.sleep(for: .milliseconds(20))
        #expect(await thread.run { 41 + 1 } == 42)
        thread.close()
    }

    actor Counter {
        private nonisolated let thread = IOThread()
        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
        private(set) var value = 0
        func add() -> Int {
            value += 1
            return value
        }
        deinit { thread.close() }
    }

    @Test("an actor on an I/O thread keeps its isolation under concurrent calls")
    func actorExecutor() async {
        let counter = Counter()
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { await counter.add() } }
            var seen = Set<Int>()
            for await value in group { seen.insert(value) }
            #expect(seen == Set(1...200))
        }
        #expect(await counter.value == 200)
    }
}
