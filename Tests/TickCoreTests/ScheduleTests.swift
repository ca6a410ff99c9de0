import Testing
import TickCore  // NOT @testable: the public API only

/// Which slots a run offers the claim script, across time zones and DST, and the config's schedules.
struct ScheduleTests {
    func schedule(_ cron: String, _ zone: String = "UTC", catchUp: Schedule.CatchUp = .skip) throws -> Schedule {
        Schedule(
            name: "s", expression: try CronExpression(cron), zone: try CronTime.zone(zone), catchUp: catchUp,
            job: JobSpec(id: "x", handler: "noop", work: .items([.null])))
    }

    func candidates(_ schedule: Schedule, at now: String) -> [String] {
        schedule.candidates(now: CronTime.utc(now)).map(CronTime.iso)
    }

    @Test("0 9 * * * in Asia/Tokyo fires at 00:00 UTC")
    func tokyo() throws {
        let daily = try schedule("0 9 * * *", "Asia/Tokyo")
        #expect(candidates(daily, at: "2026-11-23T00:00:30Z") == ["2026-11-23T00:00Z"])
        #expect(candidates(daily, at: "2026-11-22T23:59:59Z") == ["2026-11-22T00:00Z"], "before 09:00 Tokyo the latest slot is yesterday's")
        #expect(daily.upcoming(2, after: CronTime.utc("2026-11-23T00:00Z")).map(CronTime.iso) == ["2026-11-24T00:00Z", "2026-11-25T00:00Z"])
    }

    @Test("Europe/Berlin: 02:30 on spring-forward day fires once at 03:00 CEST; on fall-back day once, at the first 02:30")
    func berlin() throws {
        let daily = try schedule("30 2 * * *", "Europe/Berlin", catchUp: .all(limit: 3))
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST (01:00Z); 02:30 does not exist.
        #expect(candidates(daily, at: "2026-03-29T06:00Z") == ["2026-03-27T01:30Z", "2026-03-28T01:30Z", "2026-03-29T01:00Z"])
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET (01:00Z); 02:30 happens twice (00:30Z, 01:30Z).
        #expect(candidates(daily, at: "2026-10-25T06:00Z") == ["2026-10-23T00:30Z", "2026-10-24T00:30Z", "2026-10-25T00:30Z"])
        #expect(candidates(daily, at: "2026-10-26T06:00Z").suffix(2) == ["2026-10-25T00:30Z", "2026-10-26T01:30Z"], "the day after: CET, 01:30Z")
    }

    @Test("America/New_York: the skipped 02:30 fires at 03:00 EDT; the repeated 01:30 fires once")
    func newYork() throws {
        let skipped = try schedule("30 2 * * *", "America/New_York", catchUp: .all(limit: 2))
        // 2026-03-08: 02:00 EST → 03:00 EDT (07:00Z).
        #expect(candidates(skipped, at: "2026-03-08T12:00Z") == ["2026-03-07T07:30Z", "2026-03-08T07:00Z"])
        let repeated = try schedule("30 1 * * *", "America/New_York", catchUp: .all(limit: 2))
        // 2026-11-01: 02:00 EDT → 01:00 EST (06:00Z); 01:30 EDT is 05:30Z, 01:30 EST would be 06:30Z.
        #expect(candidates(repeated, at: "2026-11-01T12:00Z") == ["2026-10-31T05:30Z", "2026-11-01T05:30Z"])
    }

    @Test("skip offers the latest slot only; all offers up to its limit, oldest first")
    func catchUp() throws {
        let now = "2026-11-23T13:00:30Z"
        #expect(candidates(try schedule("0 * * * *"), at: now) == ["2026-11-23T13:00Z"])
        #expect(candidates(try schedule("0 * * * *", catchUp: .all(limit: 3)), at: now) == ["2026-11-23T11:00Z", "2026-11-23T12:00Z", "2026-11-23T13:00Z"])
        #expect(candidates(try schedule("0 0 1 1 *"), at: now) == ["2026-01-01T00:00Z"], "a yearly slot is found a year back")
        #expect(candidates(try schedule("*/5 * * * *", catchUp: .all(limit: 1000)), at: now).count == 1000)
    }

    @Test("the config's schedules: defaults, names and the job")
    func config() throws {
        let file = try TickConfigFile.parse(bytes: Array(#"""
            {"schedules": {
              "report": {"cron": "0 9 * * MON-FRI", "timezone": "Asia/Tokyo", "job": {"handler": "report", "queue": "reports", "items": [{"day": "today"}], "priority": 5}},
              "sync": {"cron": "0 * * * *", "catch_up": "all", "job": {"handler": "sync", "cursor": null}}
            }}
            """#.utf8))
        #expect(file.schedules.map(\.name) == ["report", "sync"])
        let report = file.schedules[0]
        #expect(report.zone.identifier == "Asia/Tokyo" && report.catchUp == .skip)
        #expect(report.job.handler == "report" && report.job.queue == "reports" && report.job.priority == 5)
        #expect(report.jobID(slot: 1_795_392_000) == "sched:report:1795392000")
        #expect(file.schedules[1].catchUp == .all(limit: Schedule.defaultCatchUp))
        #expect(file.schedules[1].zone.identifier == "UTC")
    }

    @Test("each mistake in a schedule gets one message naming the schedule and the key", arguments: [
        (#"{"cron": "0 9 * *", "job": {"handler": "h", "items": []}}"#, "\"cron\" \"0 9 * *\""),
        (#"{"cron": "0 25 * * *", "job": {"handler": "h", "items": []}}"#, "hour"),
        (#"{"cron": "0 9 * * *", "timezone": "Mars/Olympus", "job": {"handler": "h", "items": []}}"#, "\"timezone\""),
        (#"{"cron": "0 9 * * *"}"#, "\"job\" is required"),
        (#"{"cron": "0 9 * * *", "job": {"id": "fixed", "handler": "h", "items": []}}"#, "must not set \"id\""),
        (#"{"cron": "0 9 * * *", "job": {"handler": "h", "items": [], "run_at": 1}}"#, "must not set \"run_at\""),
        (#"{"cron": "0 9 * * *", "job": {"items": []}}"#, "\"handler\" is missing"),
        (#"{"cron": "0 9 * * *", "catch_up": "some", "job": {"handler": "h", "items": []}}"#, "\"catch_up\" must be"),
        (#"{"cron": "0 9 * * *", "max_catch_up": 5, "job": {"handler": "h", "items": []}}"#, "needs \"catch_up\": \"all\""),
        (#"{"cron": "0 9 * * *", "catch_up": "all", "max_catch_up": 0, "job": {"handler": "h", "items": []}}"#, "from 1 to 1000"),
        (#"{"cron": "0 9 * * *", "tz": "UTC", "job": {"handler": "h", "items": []}}"#, "unknown key \"tz\""),
    ])
    func mistakes(settings: String, expected: String) {
        do {
            _ = try TickConfigFile.parse(bytes: Array(#"{"schedules": {"nightly": \#(settings)}}"#.utf8))
            Issue.record("accepted: \(settings)")
        } catch {
            #expect(error.description.hasPrefix(#"tick.json: schedule "nightly": "#), "\(error.description)")
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.exitCode == .config)
        }
    }
}
