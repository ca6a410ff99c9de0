import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issues the `upstash-sync-token` header values: opaque, strictly increasing decimal numbers.
///
/// Real Upstash uses the token to let a read replica catch up with the client's last write. The gateway
/// has no replicas, so it only issues increasing values (seeded from the wall clock in microseconds, so
/// they also increase across restarts) and ignores the tokens clients send back.
final class SyncTokenClock: Sendable {
    private let counter: Atomic<UInt64>

    /// Creates a clock seeded from the current time.
    init() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        self.counter = Atomic(UInt64(now.tv_sec) &* 1_000_000 &+ UInt64(now.tv_nsec / 1000))
    }

    /// The next token.
    func next() -> String {
        String(self.counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }
}
