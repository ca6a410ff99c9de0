import Testing

@testable import TickCore

/// The `retention` section of tick.json.
@Suite struct RetentionConfigTests {
    func parse(_ text: String) throws -> TickConfigFile {
        try TickConfigFile.parse(bytes: Array(text.utf8), path: "tick.json")
    }

    @Test func defaultsWithoutTheSection() throws {
        #expect(try parse("{}").retention == Retention(finishedJobs: .seconds(7 * 86_400), runs: .seconds(30 * 86_400), deadLetters: .seconds(30 * 86_400)))
    }

    @Test func eachKeyOverridesItsDefault() throws {
        let retention = try parse(#"{"retention": {"finished_jobs_days": 2, "dead_letters_days": 90}}"#).retention
        #expect(retention.finishedJobs == .seconds(2 * 86_400) && retention.deadLetters == .seconds(90 * 86_400))
        #expect(retention.runs == Retention.defaultRuns)
        #expect(try parse(#"{"retention": {}}"#).warnings.isEmpty, "retention is a known top-level key")
    }

    @Test(arguments: [
        (#"{"retention": {"runs_days": 0}}"#, #""runs_days" must be a whole number of days from 1 to 3650"#),
        (#"{"retention": {"runs_days": 1.5}}"#, #""runs_days" must be a whole number of days"#),
        (#"{"retention": {"run_days": 3}}"#, #"unknown key "run_days""#),
        (#"{"retention": 7}"#, #""retention" must be an object"#),
    ])
    func mistakesAreNamed(text: String, message: String) throws {
        let error = try #require(throws: ConfigFileError.self) { try parse(text) }
        #expect(error.description.contains(message), "\(error.description)")
        #expect(error.exitCode == .config)
    }
}
