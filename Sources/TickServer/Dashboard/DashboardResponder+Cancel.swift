import Hummingbird
import Logging
import TickCore

/// `POST <path>/job/cancel`: the same cancel as `tick cancel ID` (1 Redis request, then 1 PostgreSQL statement),
/// then the job's page again with what happened.
extension DashboardResponder {
    func cancel(_ form: DashboardForm, log: DashboardLogFields) async -> Response {
        guard let id = form["id"], !id.isEmpty else {
            return DashboardHTML.message(.badRequest, base: base, title: "No job id", "The cancel form names no job.")
        }
        do throws(DashboardError) {
            let (results, _) = try await redis.withQueue { jobs throws(DashboardError) in
                do throws(UpstashError) { return try await jobs.cancel([id], nowMilliseconds: UnixTime.nowMilliseconds()) } catch { throw .redis(error) }
            }
            let notice: String
            switch results.first {
            case .cancelled(let job)?:
                await record(cancelled: [job], requested: [])
                notice = "cancelled"
            case .requested(let job)?:
                await record(cancelled: [], requested: [job])
                notice = "requested"
            case .finished?, .unknown?, nil:
                notice = "finished"
            }
            log["dashboard.cancel"] = "\(notice)"
            logger.notice("dashboard: cancel", metadata: ["job.id": "\(id)", "result": "\(notice)"])
            return DashboardHTML.seeOther("\(base)/job?id=\(DashboardForm.encode(id))&notice=\(notice)")
        } catch {
            return DashboardHTML.message(.serviceUnavailable, base: base, title: "Unavailable", error.description)
        }
    }

    /// Records the cancel in PostgreSQL; a failure is logged, not shown: Redis decided, the cancel holds (a
    /// running job then stops at the end of its run instead of its next item).
    private func record(cancelled: [JobQueue.CancelledJob], requested: [JobQueue.CancelledJob]) async {
        do throws(DashboardError) {
            try await store.with { connection throws(PostgresError) in
                try CheckpointStore(connection: connection).recordCancels(cancelled: cancelled, requested: requested)
            }
        } catch {
            logger.warning("dashboard: cancel not recorded in PostgreSQL; it holds in Redis", metadata: ["error": "\(error.description)"])
        }
    }

    /// The message the cancel left for the job's page (from a fixed set).
    static func cancelNotice(_ notice: String?) -> String? {
        switch notice {
        case "cancelled": "Cancelled: the job left its queue and will not run. 1 Redis request."
        case "requested": "Cancel requested: its run starts none of its remaining items and ends it cancelled. 1 Redis request."
        case "finished": "Not cancelled: the job had already finished (or is unknown)."
        default: nil
        }
    }
}
