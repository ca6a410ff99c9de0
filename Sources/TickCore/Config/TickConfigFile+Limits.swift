/// tick.json's flow limits: `"limits"` on a handler, and `"queues": {"NAME": {"limits": {...}}}` (docs/flow-control.md).
extension TickConfigFile {
    static let limitKeys: Set<String> = ["per_key_concurrency", "per_key_rate", "keys"]
    static let overrideKeys: Set<String> = ["per_key_concurrency", "per_key_rate"]
    static let queueKeys: Set<String> = ["limits"]
    /// The highest per-key concurrency accepted.
    public static let maximumPerKeyConcurrency = 10_000

    /// `"queues"`: settings per queue name; today only `"limits"`.
    static func parseQueues(_ value: JSONValue, path: String) throws(ConfigFileError) -> [String: FlowLimit] {
        guard case .object(let entries) = value else {
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): "queues" must be an object from queue name to settings, like {"mail": {"limits": {"per_key_concurrency": 1}}}"#)
        }
        var limits: [String: FlowLimit] = [:]
        for name in entries.keys.sorted() {
            let context = "queue \(quoted(name))"
            guard case .object(let members)? = entries[name] else {
                throw ConfigFileError(.invalidValue, path: path, #"\#(path): \#(context) must be an object, like {"limits": {"per_key_concurrency": 1}}"#)
            }
            if let unknown = members.keys.sorted().first(where: { !queueKeys.contains($0) }) {
                throw ConfigFileError(.unknownKey, path: path, "\(path): \(context) has an unknown key \(quoted(unknown)) (it takes \"limits\")")
            }
            if let value = members["limits"] { limits[name] = try parseLimit(value, path: path, context: context) }
        }
        return limits
    }

    /// One `"limits"` object.
    static func parseLimit(_ value: JSONValue, path: String, context: String) throws(ConfigFileError) -> FlowLimit {
        let example = #"{"per_key_concurrency": 2, "per_key_rate": {"jobs": 10, "period_ms": 60000}, "keys": {"tenant-big": {"per_key_concurrency": 5}}}"#
        guard case .object(let members) = value else {
            throw ConfigFileError(.invalidValue, path: path, "\(path): \(context) \"limits\" must be an object, like \(example)")
        }
        var limit = FlowLimit()
        let defaults = try parseOverride(members, allowed: limitKeys, path: path, context: "\(context) \"limits\"")
        limit.perKeyConcurrency = defaults.perKeyConcurrency
        limit.perKeyRate = defaults.perKeyRate
        switch members["keys"] {
        case nil: break
        case .object(let keys)?:
            for key in keys.keys.sorted() {
                let where_ = "\(context) \"limits\" key \(quoted(key))"
                guard case .object(let settings)? = keys[key] else {
                    throw ConfigFileError(.invalidValue, path: path, #"\#(path): \#(where_) must be an object, like {"per_key_concurrency": 5}"#)
                }
                limit.keys[key] = try parseOverride(settings, allowed: overrideKeys, path: path, context: where_)
            }
        case _?:
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): \#(context) "limits" "keys" must be an object from key to limits, like {"tenant-big": {"per_key_concurrency": 5}}"#)
        }
        return limit
    }

    private static func parseOverride(
        _ members: [String: JSONValue], allowed: Set<String>, path: String, context: String
    ) throws(ConfigFileError) -> FlowLimit.Override {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            let suggestion = closest(to: unknown, among: allowed.sorted()).map { ": did you mean \(quoted($0))?" } ?? ""
            throw ConfigFileError(
                .unknownKey, path: path, "\(path): \(context) has an unknown key \(quoted(unknown))\(suggestion) (it takes \(allowed.sorted().map(quoted).joined(separator: ", ")))")
        }
        func failure(_ message: String) -> ConfigFileError { ConfigFileError(.invalidValue, path: path, "\(path): \(context) \(message)") }
        var override = FlowLimit.Override()
        if let value = members["per_key_concurrency"] {
            guard let number = value.intValue, (0...maximumPerKeyConcurrency).contains(number) else {
                throw failure("\"per_key_concurrency\" must be a whole number from 0 (the key waits) to \(maximumPerKeyConcurrency)")
            }
            override.perKeyConcurrency = number
        }
        if let value = members["per_key_rate"] {
            guard case .object(let rate) = value, Set(rate.keys) == ["jobs", "period_ms"], let jobs = rate["jobs"]?.intValue, let period = rate["period_ms"]?.intValue,
                (0...1_000_000).contains(jobs), (1...86_400_000).contains(period)
            else {
                throw failure(#""per_key_rate" must be {"jobs": 0 to 1000000, "period_ms": 1 to 86400000}, like {"jobs": 10, "period_ms": 60000}"#)
            }
            override.perKeyRate = FlowLimit.Rate(jobs: jobs, period: .milliseconds(period))
        }
        return override
    }
}
