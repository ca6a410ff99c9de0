/// Which faults the gateway injects, how often, and from which seed (`--fault-rate`, `--fault-kinds`,
/// `--fault-seed`, `--fault-slow-ms`). Off unless the rate is above 0. For tests: never in production.
///
/// ```swift
/// let plan = try FaultPlan(rate: 0.2, seed: 42, kinds: FaultPlan.parseKinds("500,drop-after,slow"), slowMilliseconds: 5000)
/// ```
public struct FaultPlan: Sendable, Hashable {
    /// One kind of fault.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// Answer this HTTP status (500-599) with `{"error": "…"}` without running the command.
        case status(Int)
        /// Close the connection without running the command and without a reply.
        case dropBefore
        /// Run the command on Redis, then close the connection without a reply: the reply is lost after
        /// Redis executed the command.
        case dropAfter
        /// Run the command, then hold the reply for ``FaultPlan/slowMilliseconds`` before sending it.
        case slow

        /// The name used on the command line and in the counters: `503`, `drop-before`, `drop-after`, `slow`.
        public var description: String {
            switch self {
            case .status(let code): String(code)
            case .dropBefore: "drop-before"
            case .dropAfter: "drop-after"
            case .slow: "slow"
            }
        }

        /// Parses one name as printed by ``description``; `nil` for anything else.
        public init?(_ name: String) {
            switch name {
            case "drop-before": self = .dropBefore
            case "drop-after": self = .dropAfter
            case "slow": self = .slow
            default:
                guard let code = Int(name), (500...599).contains(code) else { return nil }
                self = .status(code)
            }
        }
    }

    /// The kinds the fault run uses: 500, 502, 503, drop-before, drop-after, slow.
    public static let allKindsText = "500,502,503,drop-before,drop-after,slow"
    /// Default delay of a `slow` fault: 5 s, past a typical client timeout.
    public static let defaultSlowMilliseconds = 5_000

    /// Share of requests that get a fault, from 0 (off) to 1.
    public let rate: Double
    /// Seed of the generator: the same seed and the same sequence of requests give the same faults.
    public let seed: UInt64
    /// The kinds to choose from, uniformly; each appears once.
    public let kinds: [Kind]
    /// How long a `slow` fault holds the reply.
    public let slowMilliseconds: Int
    /// Requests served normally before faults start (`--fault-skip`): with rate 1, "the first N requests
    /// succeed, every later one fails", for a test that needs one exact request to fail.
    public let skip: Int

    /// Makes a plan.
    /// - Parameters:
    ///   - rate: share of requests that get a fault, 0 to 1.
    ///   - seed: the generator's seed.
    ///   - kinds: the kinds to choose from (at least one, no repeats).
    ///   - slowMilliseconds: how long a `slow` fault holds the reply, 1 ms to 10 minutes.
    ///   - skip: requests served normally before faults start, 0 or more.
    /// - Throws: ``GatewayError`` (`.invalidConfiguration`) naming the bad value.
    public init(rate: Double, seed: UInt64, kinds: [Kind], slowMilliseconds: Int = Self.defaultSlowMilliseconds, skip: Int = 0) throws(GatewayError) {
        guard rate.isFinite, (0...1).contains(rate) else {
            throw GatewayError(.invalidConfiguration, "--fault-rate must be from 0 to 1 (a share of requests, such as 0.2), got \(rate)")
        }
        guard !kinds.isEmpty else {
            throw GatewayError(.invalidConfiguration, "--fault-kinds names no fault: use some of \(Self.allKindsText)")
        }
        guard Set(kinds).count == kinds.count else {
            throw GatewayError(.invalidConfiguration, "--fault-kinds names a fault twice: name each once")
        }
        guard (1...600_000).contains(slowMilliseconds) else {
            throw GatewayError(.invalidConfiguration, "--fault-slow-ms must be from 1 to 600000, got \(slowMilliseconds)")
        }
        guard skip >= 0 else { throw GatewayError(.invalidConfiguration, "--fault-skip must be 0 or more, got \(skip)") }
        self.rate = rate
        self.seed = seed
        self.kinds = kinds
        self.slowMilliseconds = slowMilliseconds
        self.skip = skip
    }

    /// Parses a comma-separated list such as `500,502,503,drop-before,drop-after,slow`.
    /// - Throws: ``GatewayError`` (`.invalidConfiguration`) naming the first unknown entry.
    public static func parseKinds(_ text: String) throws(GatewayError) -> [Kind] {
        var kinds: [Kind] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(part.filter { $0 != " " })
            guard let kind = Kind(name) else {
                throw GatewayError(
                    .invalidConfiguration, "--fault-kinds: unknown fault \"\(name)\": use a status 500-599, drop-before, drop-after or slow")
            }
            kinds.append(kind)
        }
        return kinds
    }

    /// `rate 0.2, seed 42, kinds 500,drop-after, slow 5000 ms, skip 0`, for the start-up log.
    public var summary: String {
        "rate \(rate), seed \(seed), kinds \(kinds.map(\.description).joined(separator: ",")), slow \(slowMilliseconds) ms, skip \(skip)"
    }
}
