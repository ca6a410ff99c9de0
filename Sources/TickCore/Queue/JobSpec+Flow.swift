/// Reading and writing a job's flow keys (``JobSpec/Flow``) in its JSON.
extension JobSpec {
    /// Longest key, in bytes: the same as an id.
    public static let maximumKeyLength = 200

    /// The flow fields of a job's JSON object: `concurrency_key`, `rate_key`, `unique_key`, `unique_policy`,
    /// `debounce_ms`, `debounce_max_ms`.
    static func flow(
        _ fields: [String: JSONValue], id: String, int: (String, ClosedRange<Int>) throws(JobSpecError) -> Int?
    ) throws(JobSpecError) -> Flow {
        func key(_ name: String) throws(JobSpecError) -> String? {
            guard let value = fields[name], value != .null else { return nil }
            guard let text = value.stringValue else { throw JobSpecError(id: id, "\"\(name)\" must be a string") }
            try checkName(text, field: name, maxLength: maximumKeyLength, id: id, allowed: { $0 > 0x20 && $0 < 0x7F })
            return text
        }
        var flow = Flow(concurrencyKey: try key("concurrency_key"), rateKey: try key("rate_key"), uniqueKey: try key("unique_key"))
        flow.debounceMilliseconds = try int("debounce_ms", 1...86_400_000)
        flow.debounceMaxMilliseconds = try int("debounce_max_ms", 1...(7 * 86_400_000))
        switch fields["unique_policy"] {
        case nil, .null?: flow.uniquePolicy = flow.debounceMilliseconds == nil ? .reject : .debounce
        case .string(let name)?:
            guard let policy = UniquePolicy(rawValue: name) else {
                throw JobSpecError(id: id, "\"unique_policy\" must be one of \(UniquePolicy.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            flow.uniquePolicy = policy
        case _?: throw JobSpecError(id: id, "\"unique_policy\" must be a string")
        }
        if flow.uniqueKey == nil, fields["unique_policy"] != nil || flow.debounceMilliseconds != nil {
            throw JobSpecError(id: id, "\"unique_policy\" and \"debounce_ms\" need a \"unique_key\": the key whose jobs are deduplicated")
        }
        if flow.uniquePolicy == .debounce, flow.debounceMilliseconds == nil {
            throw JobSpecError(id: id, "\"unique_policy\": \"debounce\" needs \"debounce_ms\": how long the key must be quiet")
        }
        if flow.debounceMilliseconds != nil, flow.uniquePolicy != .debounce {
            throw JobSpecError(id: id, "\"debounce_ms\" goes with \"unique_policy\": \"debounce\"")
        }
        if flow.debounceMaxMilliseconds != nil, flow.uniquePolicy != .debounce {
            throw JobSpecError(id: id, "\"debounce_max_ms\" goes with \"unique_policy\": \"debounce\"")
        }
        if let most = flow.debounceMaxMilliseconds, let quiet = flow.debounceMilliseconds, most < quiet {
            throw JobSpecError(id: id, "\"debounce_max_ms\" (\(most)) must be at least \"debounce_ms\" (\(quiet))")
        }
        return flow
    }
}

extension JobSpec.Flow {
    /// Writes the fields that are set (the policy only with a unique key).
    func write(into fields: inout [String: JSONValue]) {
        if let concurrencyKey { fields["concurrency_key"] = .string(concurrencyKey) }
        if let rateKey { fields["rate_key"] = .string(rateKey) }
        if let uniqueKey {
            fields["unique_key"] = .string(uniqueKey)
            fields["unique_policy"] = .string(uniquePolicy.rawValue)
        }
        if let debounceMilliseconds { fields["debounce_ms"] = .integer(Int64(debounceMilliseconds)) }
        if let debounceMaxMilliseconds { fields["debounce_max_ms"] = .integer(Int64(debounceMaxMilliseconds)) }
    }
}
