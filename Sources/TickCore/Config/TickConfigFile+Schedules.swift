extension TickConfigFile {
    static let scheduleKeys: Set<String> = ["cron", "timezone", "catch_up", "max_catch_up", "job", "overlap"]

    /// Parses `schedules`: each entry checked, with one message per mistake naming the schedule and key.
    static func parseSchedules(_ value: JSONValue, path: String) throws(ConfigFileError) -> [Schedule] {
        guard case .object(let entries) = value else {
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): "schedules" must be an object from schedule name to settings, like {"nightly": {"cron": "0 2 * * *", "job": {"handler": "cleanup", "items": [{}]}}}"#)
        }
        var schedules: [Schedule] = []
        for name in entries.keys.sorted() {
            guard let settings = entries[name] else { continue }
            schedules.append(try parseSchedule(name: name, settings, path: path))
        }
        return schedules
    }

    private static func parseSchedule(name: String, _ settings: JSONValue, path: String) throws(ConfigFileError) -> Schedule {
        guard isValidHandlerName(name) else {
            throw ConfigFileError(.invalidName, path: path, #"\#(path): schedule name \#(quoted(name)) is invalid: use 1–\#(maximumHandlerNameLength) letters, digits, ".", "_", "-" or ":""#)
        }
        func failure(_ message: String) -> ConfigFileError {
            ConfigFileError(.invalidValue, path: path, "\(path): schedule \(quoted(name)): \(message)")
        }
        guard case .object(let members) = settings else {
            throw failure(#"must be an object, like {"cron": "0 2 * * *", "job": {"handler": "cleanup", "items": [{}]}}"#)
        }
        if let unknown = members.keys.sorted().first(where: { !scheduleKeys.contains($0) }) {
            let keys = scheduleKeys.sorted().map(quoted).joined(separator: ", ")
            throw ConfigFileError(.unknownKey, path: path, "\(path): schedule \(quoted(name)): unknown key \(quoted(unknown)) (a schedule takes \(keys))")
        }

        guard case .string(let cronText)? = members["cron"] else {
            throw failure(#""cron" is required: five fields, minute hour day-of-month month day-of-week, like "0 9 * * 1-5""#)
        }
        let expression: CronExpression
        do {
            expression = try CronExpression(cronText, options: .names)
        } catch {
            throw failure(#""cron" \#(quoted(cronText)): \#(error.description)"#)
        }

        var zone = TimeZoneRules.utc
        if let value = members["timezone"] {
            guard case .string(let identifier) = value else { throw failure(#""timezone" must be an IANA name, like "Europe/Berlin""#) }
            do {
                zone = try TimeZoneRules(identifier: identifier)
            } catch {
                throw failure(#""timezone": \#(error.description)"#)
            }
        }

        var catchUp = Schedule.CatchUp.skip
        switch members["catch_up"] {
        case nil, .string("skip")?:
            if members["max_catch_up"] != nil { throw failure(#""max_catch_up" needs "catch_up": "all""#) }
        case .string("all")?:
            var limit = Schedule.defaultCatchUp
            if let value = members["max_catch_up"] {
                guard let number = value.intValue, (1...Schedule.maximumCatchUp).contains(number) else {
                    throw failure(#""max_catch_up" must be a whole number from 1 to \#(Schedule.maximumCatchUp)"#)
                }
                limit = number
            }
            catchUp = .all(limit: limit)
        case _?:
            throw failure(#""catch_up" must be "skip" (enqueue only the latest missed slot) or "all" (every missed slot, up to "max_catch_up")"#)
        }

        guard case .object(let fields)? = members["job"] else {
            throw failure(#""job" is required: the job to enqueue at each slot, like {"handler": "report", "items": [{"day": "today"}]}"#)
        }
        if fields["id"] != nil {
            throw failure(#""job" must not set "id": each slot's job gets the id sched:\#(name):<slot's Unix time>, so a slot is enqueued once"#)
        }
        if fields["run_at"] != nil { throw failure(#""job" must not set "run_at": the schedule decides when it runs"#) }
        if fields["unique_key"] != nil || fields["unique_policy"] != nil || fields["debounce_ms"] != nil {
            throw failure(#""job" must not set "unique_key": a schedule's slots are kept apart with the schedule's "overlap" ("skip" or "queue_one")"#)
        }
        let job: JobSpec
        do {
            job = try JobSpec(json: Array(JSONValue.object(fields).serialized.utf8), generatedID: { ScheduleSlots.idPlaceholder })
        } catch {
            throw failure(#""job": \#(error.reason)"#)
        }
        var schedule = Schedule(name: name, expression: expression, zone: zone, catchUp: catchUp, job: job)
        schedule.overlap = try parseOverlap(members["overlap"], failure: failure)
        // The claim script puts each slot's id where the placeholder is: it must be there once, as the id.
        guard schedule.jobTemplate.components(of: ScheduleSlots.idPlaceholder) == 1 else {
            throw failure(#""job" must not contain the text \#(ScheduleSlots.idPlaceholder)"#)
        }
        return schedule
    }
}

extension TickConfigFile {
    /// A schedule's `"overlap"`: `allow` when absent.
    static func parseOverlap(_ value: JSONValue?, failure: (String) -> ConfigFileError) throws(ConfigFileError) -> ScheduleOverlap {
        guard let value else { return .allow }
        guard let text = value.stringValue, let overlap = ScheduleOverlap(rawValue: text) else {
            throw failure(#""overlap" must be "allow" (every slot runs, the default), "skip" (not while the previous job waits or runs) or "queue_one" (one waits behind the running one)"#)
        }
        return overlap
    }
}

extension String {
    /// How many times `part` occurs in the string, without overlaps.
    func components(of part: String) -> Int {
        var count = 0
        var rest = Substring(self)
        while let range = rest.firstRange(of: part) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
