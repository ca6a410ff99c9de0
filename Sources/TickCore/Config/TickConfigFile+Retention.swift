extension TickConfigFile {
    static let retentionKeys: Set<String> = ["finished_jobs_days", "runs_days", "dead_letters_days", "dedup_window_s"]

    /// `"retention": {"finished_jobs_days": 7, "runs_days": 30, "dead_letters_days": 30}`: each a whole number of
    /// days from 1 to 3,650; a key left out keeps its default.
    static func parseRetention(_ value: JSONValue, path: String) throws(ConfigFileError) -> Retention {
        func failure(_ message: String) -> ConfigFileError {
            ConfigFileError(.invalidValue, path: path, "\(path): \"retention\" \(message)")
        }
        guard case .object(let members) = value else {
            throw failure(#"must be an object, like {"finished_jobs_days": 7, "runs_days": 30, "dead_letters_days": 30}"#)
        }
        if let unknown = members.keys.sorted().first(where: { !retentionKeys.contains($0) }) {
            let keys = retentionKeys.sorted().map(quoted).joined(separator: ", ")
            throw ConfigFileError(.unknownKey, path: path, "\(path): \"retention\" has an unknown key \(quoted(unknown)) (it takes \(keys))")
        }
        var retention = Retention()
        func days(_ key: String) throws(ConfigFileError) -> Duration? {
            guard let value = members[key] else { return nil }
            guard let days = value.intValue, (1...Retention.maximumDays).contains(days) else {
                throw failure("\(quoted(key)) must be a whole number of days from 1 to \(Retention.maximumDays)")
            }
            return .seconds(days * 86_400)
        }
        if let value = try days("finished_jobs_days") { retention.finishedJobs = value }
        if let value = try days("runs_days") { retention.runs = value }
        if let value = try days("dead_letters_days") { retention.deadLetters = value }
        if let value = members["dedup_window_s"] {
            guard let seconds = value.intValue, Retention.dedupWindowSeconds.contains(seconds) else {
                throw failure(#""dedup_window_s" must be a whole number of seconds from 60 to 2592000 (30 days)"#)
            }
            retention.dedupWindow = .seconds(seconds)
        }
        return retention
    }
}
