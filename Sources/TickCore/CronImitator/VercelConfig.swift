/// The `crons` of a `vercel.json`, validated as Vercel's CLI and build would validate them.
///
/// ```json
/// {"crons": [{"path": "/api/cron/tick", "schedule": "* * * * *"}]}
/// ```
///
/// Rules (each rejection names its rule): `crons` is an array of at most 100 entries; each entry is an object
/// with exactly the string properties `path` and `schedule`; `path` is 1-512 characters and starts with `/`;
/// `schedule` is 9-256 characters of exactly five numeric fields, always evaluated in UTC: no month or day
/// names, no macros (`@daily`), no `L`, `W`, `#` or `?`, and not both day-of-month and day-of-week set.
/// Other top-level keys of `vercel.json` are ignored.
public struct VercelConfig: Sendable, Hashable {
    /// One cron job: Vercel requests `path` on the production deployment on each `schedule`.
    public struct Cron: Sendable, Hashable {
        /// The path (and query), starting with `/`.
        public let path: String
        /// The expression exactly as written; Vercel sends it in the `x-vercel-cron-schedule` header.
        public let schedule: String
        /// The parsed schedule (evaluated in UTC).
        public let expression: CronExpression
    }

    /// The most cron jobs Vercel accepts in one project.
    public static let maximumCrons = 100
    /// The longest `path` Vercel accepts.
    public static let maximumPathLength = 512
    /// The shortest and longest `schedule` Vercel's schema accepts.
    public static let scheduleLengths = 9...256

    /// The cron jobs, in file order (empty when the file has no `crons`).
    public let crons: [Cron]

    /// Makes a configuration from entries already validated.
    /// - Parameter crons: the cron jobs.
    public init(crons: [Cron]) { self.crons = crons }

    /// Reads and validates a `vercel.json`.
    /// - Parameter path: the file.
    /// - Throws: ``VercelConfigError`` listing every rule the file breaks.
    public static func load(path: String) throws(VercelConfigError) -> VercelConfig {
        switch readWholeFile(path, limit: 4 << 20) {
        case .success(let bytes): return try parse(bytes: bytes, file: path)
        case .failure(let failure):
            throw VercelConfigError(file: path, problems: ["cannot read the file (\(failure.reason)): pass its path with --file"])
        }
    }

    /// Validates `vercel.json` text.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: the file's name, for messages.
    /// - Throws: ``VercelConfigError`` listing every rule the file breaks.
    public static func parse(bytes: [UInt8], file: String = "vercel.json") throws(VercelConfigError) -> VercelConfig {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            throw VercelConfigError(file: file, problems: ["not valid JSON"])
        }
        guard case .object(let members) = root else {
            throw VercelConfigError(file: file, problems: ["the top level must be a JSON object"])
        }
        guard let cronsValue = members["crons"] else { return VercelConfig(crons: []) }
        guard case .array(let entries) = cronsValue else {
            throw VercelConfigError(file: file, problems: ["\"crons\" must be an array of {\"path\", \"schedule\"} objects"])
        }
        var problems: [String] = []
        if entries.count > maximumCrons {
            problems.append("\"crons\" has \(entries.count) entries: Vercel allows at most \(maximumCrons) cron jobs per project")
        }
        var crons: [Cron] = []
        for (index, entry) in entries.enumerated() {
            switch validate(entry, at: "crons[\(index)]") {
            case .success(let cron): crons.append(cron)
            case .failure(let failure): problems += failure.problems
            }
        }
        guard problems.isEmpty else { throw VercelConfigError(file: file, problems: problems) }
        return VercelConfig(crons: crons)
    }

    private struct EntryProblems: Error { var problems: [String] }

    private static func validate(_ entry: JSONValue, at name: String) -> Result<Cron, EntryProblems> {
        guard case .object(let members) = entry else {
            return .failure(EntryProblems(problems: ["\(name) must be an object with \"path\" and \"schedule\""]))
        }
        var problems: [String] = []
        for key in members.keys.sorted() where key != "path" && key != "schedule" {
            problems.append("\(name) has the property \(JSONText.quoted(key)): Vercel allows only \"path\" and \"schedule\"")
        }
        var path: String?
        switch members["path"] {
        case nil: problems.append("\(name) is missing \"path\"")
        case .string(let text)?:
            let length = text.utf16.count  // JSON Schema counts characters as JavaScript does
            if length < 1 || length > maximumPathLength {
                problems.append("\(name).path is \(length) characters long: Vercel allows 1-\(maximumPathLength)")
            } else if !text.hasPrefix("/") {
                problems.append("\(name).path \(JSONText.quoted(text)): must start with \"/\"")
            } else {
                path = text
            }
        case .some: problems.append("\(name).path must be a string")
        }
        var parsed: (String, CronExpression)?
        switch members["schedule"] {
        case nil: problems.append("\(name) is missing \"schedule\"")
        case .string(let text)?:
            if let problem = scheduleProblem(text) {
                problems.append("\(name).schedule \(JSONText.quoted(text)): \(problem)")
            } else {
                do {
                    parsed = (text, try CronExpression(text))
                } catch {
                    problems.append("\(name).schedule \(JSONText.quoted(text)): \(error.description)")
                }
            }
        case .some: problems.append("\(name).schedule must be a string")
        }
        guard problems.isEmpty, let path, let (schedule, expression) = parsed else { return .failure(EntryProblems(problems: problems)) }
        return .success(Cron(path: path, schedule: schedule, expression: expression))
    }

    /// The Vercel rule a schedule breaks, if any.
    static func scheduleProblem(_ schedule: String) -> String? {
        let expression: CronExpression
        do {
            expression = try CronExpression(schedule)
        } catch {
            return vercelRule(for: error)
        }
        let length = schedule.utf16.count
        if !scheduleLengths.contains(length) {
            return "is \(length) characters long: Vercel allows \(scheduleLengths.lowerBound)-\(scheduleLengths.upperBound)"
        }
        if expression.text(of: .dayOfMonth) != "*" && expression.text(of: .dayOfWeek) != "*" {
            return "Vercel does not allow both day-of-month and day-of-week to be set; set one of them to *"
        }
        return nil
    }

    /// Phrases a parser error as the Vercel rule it breaks.
    private static func vercelRule(for error: CronError) -> String {
        switch error.code {
        case .nameNotAllowed:
            let kind = error.field == .month ? "months" : "days"
            return "named \(kind) are not allowed by Vercel; use \(error.replacement ?? "a number")"
        case .macro:
            if let replacement = error.replacement { return "macros such as @daily are not supported by Vercel; use \(JSONText.quoted(replacement))" }
            return "macros are not supported by Vercel; write five fields"
        case .unsupportedSyntax:
            return "\(error.description): Vercel supports only numbers, *, ranges, steps and lists"
        case .fieldCount:
            return "Vercel requires exactly five fields (minute hour day-of-month month day-of-week): \(error.problem)"
        default:
            return error.description
        }
    }
}
