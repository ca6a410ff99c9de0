import ArgumentParser
import TickCLI
import TickCore

/// `tick schedules`: the config's recurring jobs, their next fire times and the last slot enqueued.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List the config's schedules: next fire times in their zone and in UTC, and the last slot enqueued (one Redis request).",
        discussion: """
            Validates every schedule (cron expression, time zone, job) as a run would. With --offline, Redis \
            is not asked for the last slot enqueued. Schedules are enqueued by `tick run` itself, inside its \
            claim request: see docs/schedules.md.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Option(name: .long, help: "The config file (default: TICK_CONFIG, else ./tick.json).")
    var config: String?
    @Option(name: .long, help: "Next fire times to show per schedule.")
    var count: Int = 3
    @Flag(name: .long, help: "Do not ask Redis for the last slot enqueued.")
    var offline = false
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors(global.color) {
            let services = TickEnvironment()
            guard (1...100).contains(count) else { throw ValidationError("--count must be from 1 to 100") }
            let schedules = try TickConfigFile.standard(configPath: config, environment: services.variables)?.schedules ?? []
            var last: [String: Int64] = [:]
            if !offline, !schedules.isEmpty {
                last = try await services.queue(prefix: queueOptions.resolvedPrefix(services.variables)).lastScheduledSlots()
            }
            let now = UnixTime.nowMilliseconds() / 1000
            if json {
                print(JSONValue.array(schedules.map { schedule in
                    let upcoming = schedule.upcoming(count, after: now)
                    return .object([
                        "name": .string(schedule.name), "cron": .string(schedule.expression.text), "timezone": .string(schedule.zone.identifier),
                        "catch_up": .string(Self.catchUpMode(schedule.catchUp)), "max_catch_up": Self.catchUpLimit(schedule.catchUp).map { .integer(Int64($0)) } ?? .null,
                        "handler": .string(schedule.job.handler), "queue": .string(schedule.job.queue),
                        "next_utc": .array(upcoming.map { .string(Self.utc($0)) }),
                        "next_local": .array(upcoming.map { .string(Self.local($0, schedule.zone)) }),
                        "last_slot_utc": last[schedule.name].map { .string(Self.utc($0 / 1000)) } ?? .null,
                        "last_job_id": last[schedule.name].map { .string(schedule.jobID(slot: $0 / 1000)) } ?? .null,
                    ])
                }).serialized)
                return
            }
            if schedules.isEmpty {
                print("(no schedules in the config)")
                return
            }
            for schedule in schedules {
                print("\(schedule.name): \"\(schedule.expression.text)\" in \(schedule.zone.identifier), catch-up \(Self.catchUp(schedule.catchUp)) → \(schedule.job.handler) on queue \(schedule.job.queue)")
                for instant in schedule.upcoming(count, after: now) {
                    print("  next  \(Self.local(instant, schedule.zone))   \(Self.utc(instant))")
                }
                if offline {
                    print("  last  (not asked: --offline)")
                } else if let slot = last[schedule.name] {
                    print("  last  \(Self.local(slot / 1000, schedule.zone))   \(Self.utc(slot / 1000))   job \(schedule.jobID(slot: slot / 1000))")
                } else {
                    print("  last  none yet (the first run after a slot enqueues it)")
                }
            }
        }
    }

    static func catchUpMode(_ value: Schedule.CatchUp) -> String {
        switch value {
        case .skip: "skip"
        case .all: "all"
        }
    }

    static func catchUpLimit(_ value: Schedule.CatchUp) -> Int? {
        if case .all(let limit) = value { limit } else { nil }
    }

    static func catchUp(_ value: Schedule.CatchUp) -> String {
        switch value {
        case .skip: "skip"
        case .all(let limit): "all (up to \(limit))"
        }
    }

    /// `2026-11-24T00:00:00Z`.
    static func utc(_ instant: Int64) -> String { CivilDateTime(localSeconds: instant).description + "Z" }

    /// `2026-11-24T09:00:00+09:00 JST`.
    static func local(_ instant: Int64, _ zone: TimeZoneRules) -> String {
        let type = zone.localTimeType(at: instant)
        let offset = type.offset
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(zone.localTime(at: instant).description)\(sign)\(two(minutes / 60)):\(two(minutes % 60)) \(type.abbreviation)"
    }
}
