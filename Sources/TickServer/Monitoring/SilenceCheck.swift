import HTTPTypes
import Hummingbird
import TickCore

/// `GET /healthz?max_silence=SECONDS`: 200 while the last run (any trigger) is at most that old, 503 when it is
/// older or when no run was ever recorded under the prefix. Needs no secret: any uptime checker can call it, and
/// the heartbeat it answers from is read from Redis at most once per ``MonitorConfiguration/heartbeatLifetime``.
enum SilenceCheck {
    /// Why a `max_silence` value was refused.
    struct BadValue: Error, Sendable {
        let message: String
    }

    /// The `max_silence` query value as seconds.
    /// - Throws: ``BadValue`` for anything but a number from 1 to ``MonitorConfiguration/maximumSilenceSeconds``.
    static func seconds(_ raw: String) throws(BadValue) -> Double {
        let maximum = Int(MonitorConfiguration.maximumSilenceSeconds)
        guard let value = Double(raw), value.isFinite, value >= 1, value <= MonitorConfiguration.maximumSilenceSeconds else {
            throw BadValue(message: "max_silence must be a number of seconds from 1 to \(maximum), e.g. /healthz?max_silence=180 (got \"\(raw.prefix(40))\")")
        }
        return value
    }

    /// The answer for `maxSilence` seconds from a heartbeat reading, at `nowMilliseconds` (Unix).
    static func response(maxSilence: Double, reading: Result<JobQueue.Heartbeat, UpstashError>, nowMilliseconds: Int64) -> Response {
        var body: [String: JSONValue] = ["max_silence_s": .double(maxSilence)]
        let heartbeat: JobQueue.Heartbeat
        switch reading {
        case .success(let value): heartbeat = value
        case .failure(let error):
            body["ok"] = .bool(false)
            body["error"] = .string("cannot read the heartbeat from Redis: \(error.description)")
            return JSONResponse.make(.serviceUnavailable, JSONValue.object(body).serialized)
        }
        guard let age = heartbeat.age(nowMilliseconds: nowMilliseconds), let last = heartbeat.last else {
            body["ok"] = .bool(false)
            body["last_run_age_s"] = .null
            body["error"] = .string("no run was ever recorded under this prefix: is the cron calling tick?")
            return JSONResponse.make(.serviceUnavailable, JSONValue.object(body).serialized)
        }
        let rounded = (age * 10).rounded() / 10
        body["last_run_age_s"] = .double(rounded)
        body["last_run_at"] = .string(UnixTime.iso8601(milliseconds: last))
        body["last_trigger"] = heartbeat.lastTrigger.map { .string($0) } ?? .null
        guard age <= maxSilence else {
            body["ok"] = .bool(false)
            body["error"] = .string("no run for \(rounded) s, more than max_silence \(maxSilence) s: check the cron that calls tick")
            return JSONResponse.make(.serviceUnavailable, JSONValue.object(body).serialized)
        }
        body["ok"] = .bool(true)
        return JSONResponse.make(.ok, JSONValue.object(body).serialized)
    }
}
