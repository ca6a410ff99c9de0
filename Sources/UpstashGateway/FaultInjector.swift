import Synchronization

/// Decides, request by request, whether and which fault to inject, from a seeded generator, and counts
/// what it injected.
///
/// The first ``FaultPlan/skip`` requests are served normally and draw nothing. After them, deterministic:
/// the n-th request that draws gets the n-th decision of the seed's sequence (SplitMix64,
/// two numbers per request: one against the rate, one for the kind). With one client sending one request
/// at a time, as `tick` does, the same seed gives the same faults to the same requests; with concurrent
/// clients the decisions are the same but which request gets which depends on arrival order.
public final class FaultInjector: Sendable {
    /// The path of the counters endpoint (`GET`, authenticated like every request, never faulted).
    public static let statsPath = "/_tick-gateway/faults"

    /// What the injector did so far.
    public struct Counts: Sendable, Hashable {
        /// Requests seen: every request but the counters endpoint, the skipped ones included.
        public var requests = 0
        /// Faults injected, per kind name (`503`, `drop-before`, `drop-after`, `slow`).
        public var byKind: [String: Int] = [:]
        /// Faults injected in all.
        public var faults: Int { byKind.values.reduce(0, +) }

        /// `{"requests":N,"faults":N,"kinds":{"500":N,…}}`, every kind of the plan listed (0 when never drawn).
        func json(kinds: [FaultPlan.Kind]) -> [UInt8] {
            let entries = kinds.map { "\"\($0.description)\":\(byKind[$0.description] ?? 0)" }.joined(separator: ",")
            return Array("{\"requests\":\(requests),\"faults\":\(faults),\"kinds\":{\(entries)}}".utf8)
        }
    }

    private struct State {
        var generator: UInt64
        var counts = Counts()
    }

    /// The plan it follows.
    public let plan: FaultPlan
    private let state: Mutex<State>

    /// Makes an injector at the start of the plan's sequence.
    public init(plan: FaultPlan) {
        self.plan = plan
        self.state = Mutex(State(generator: plan.seed))
    }

    /// The decision for the next request: a fault to inject, or `nil` to serve it normally.
    public func next() -> FaultPlan.Kind? {
        state.withLock { state in
            guard state.counts.requests >= plan.skip else {
                state.counts.requests += 1
                return nil
            }
            let roll = Self.unitInterval(Self.splitMix(&state.generator))
            let pick = Self.splitMix(&state.generator)
            state.counts.requests += 1
            guard roll < plan.rate else { return nil }
            let kind = plan.kinds[Int(pick % UInt64(plan.kinds.count))]
            state.counts.byKind[kind.description, default: 0] += 1
            return kind
        }
    }

    /// The counts so far.
    public var counts: Counts { state.withLock { $0.counts } }

    /// SplitMix64 (Steele, Lea, Flood 2014): advances the state and returns the next 64 random bits.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The top 53 bits as a double in [0, 1).
    static func unitInterval(_ bits: UInt64) -> Double { Double(bits >> 11) * 0x1p-53 }
}
