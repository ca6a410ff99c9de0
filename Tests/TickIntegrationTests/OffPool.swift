import Foundation

/// Runs blocking work (a child process, a socket read, a sleep loop) on a thread of its own and waits for it
/// without holding a worker of Swift's cooperative pool.
///
/// The pool has one thread per core: on a 2-core CI machine two tests blocked in `waitUntilExit` or `recv`
/// would stall every other test of the process, and a run under test would reach its budget while waiting.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

extension Process {
    /// Waits for the process to exit without holding a worker of the cooperative pool.
    func exited() async throws {
        let process = self
        _ = try await offPool { process.waitUntilExit() }
    }
}
