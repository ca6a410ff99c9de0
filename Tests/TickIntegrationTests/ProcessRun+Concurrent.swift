import Foundation

/// Runs `count` processes at the same time, each on a thread of its own (so none waits for a free worker
/// of a small pool), and returns what each gave, in order: `body(i)` starts and waits for the i-th.
func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> ProcessOutput) async -> [Result<ProcessOutput, any Error>] {
    final class Results: @unchecked Sendable {  // every access holds `lock`
        let lock = NSLock()
        var values: [Int: Result<ProcessOutput, any Error>] = [:]
    }
    let results = Results()
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            let result = Result { try body(index) }
            results.lock.withLock { results.values[index] = result }
            group.leave()
        }
    }
    await withCheckedContinuation { continuation in group.notify(queue: .global()) { continuation.resume() } }
    return results.lock.withLock { (0..<count).map { results.values[$0] ?? .failure(CancellationError()) } }
}
