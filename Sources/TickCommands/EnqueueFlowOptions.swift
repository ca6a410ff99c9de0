import ArgumentParser
import TickCLI
import TickCore

/// `tick enqueue`'s flow-control flags: the keys of the job built from flags (docs/flow-control.md).
///
/// Like `--queue` and `--priority` they shape the one job built from flags; jobs read with `--file` carry their
/// own fields (`concurrency_key`, `rate_key`, `unique_key`, `unique_policy`, `debounce_ms`, `debounce_max_ms`).
struct EnqueueFlowOptions: ParsableArguments {
    /// The unique policies a producer chooses (`queue_one` is a schedule's overlap, not a flag).
    enum Policy: String, ExpressibleByArgument, CaseIterable {
        case reject, replace, debounce

        var uniquePolicy: UniquePolicy {
            switch self {
            case .reject: .reject
            case .replace: .replace
            case .debounce: .debounce
            }
        }
    }

    @Option(name: .long, help: ArgumentHelp("Concurrency key: jobs with the same key share its limit and take turns with other keys.", valueName: "key"))
    var concurrencyKey: String?
    @Option(name: .long, help: ArgumentHelp("Key of the per-key rate limit (default: the concurrency key).", valueName: "key"))
    var rateKey: String?
    @Option(name: .long, help: ArgumentHelp("At most one job with this key waits, per --unique-policy.", valueName: "key"))
    var uniqueKey: String?
    @Option(name: .long, help: ArgumentHelp("What a second job with the unique key does (default: reject).", valueName: "policy"))
    var uniquePolicy: Policy?
    @Option(name: .long, help: ArgumentHelp("Start once the unique key is quiet this long (implies --unique-policy debounce).", valueName: "ms"))
    var debounce: Int?
    @Option(name: .long, help: ArgumentHelp("With --debounce: the longest a burst can push the start back.", valueName: "ms"))
    var debounceMax: Int?

    func validate() throws {
        try FlagRange.check(debounce, 1...86_400_000, flag: "--debounce")
        try FlagRange.check(debounceMax, 1...(7 * 86_400_000), flag: "--debounce-max")
    }

    /// Whether any flow flag was given.
    var isEmpty: Bool {
        concurrencyKey == nil && rateKey == nil && uniqueKey == nil && uniquePolicy == nil && debounce == nil && debounceMax == nil
    }

    /// The flags as a job's keys, or the one combination that cannot work, said in flag names (the rules of
    /// ``JobSpec``'s `unique_policy` / `debounce_ms` validation).
    func flow() throws(UsageError) -> JobSpec.Flow {
        if uniqueKey == nil, uniquePolicy != nil || debounce != nil || debounceMax != nil {
            throw UsageError("--unique-policy, --debounce and --debounce-max need --unique-key: the key whose jobs are deduplicated")
        }
        let policy = uniquePolicy?.uniquePolicy ?? (debounce == nil ? .reject : .debounce)
        if policy == .debounce, debounce == nil {
            throw UsageError("--unique-policy debounce needs --debounce MS: how long the key must be quiet before the job starts")
        }
        if debounce != nil, policy != .debounce {
            throw UsageError("--debounce goes with --unique-policy debounce (or leave --unique-policy out), not \(policy.rawValue)")
        }
        if debounceMax != nil, debounce == nil {
            throw UsageError("--debounce-max goes with --debounce MS: the longest a burst can push the start back")
        }
        if let most = debounceMax, let quiet = debounce, most < quiet {
            throw UsageError("--debounce-max (\(most)) must be at least --debounce (\(quiet))")
        }
        return JobSpec.Flow(
            concurrencyKey: concurrencyKey, rateKey: rateKey, uniqueKey: uniqueKey, uniquePolicy: policy,
            debounceMilliseconds: debounce, debounceMaxMilliseconds: debounceMax)
    }
}
