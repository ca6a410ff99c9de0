import Logging
import Synchronization

/// The dashboard's fields of one request's log line (role, refusals, actions taken), written by its middleware
/// and routes and read by ``CronResponder`` after the response, which logs one line per request.
final class DashboardLogFields: Sendable {
    private let fields = Mutex<Logger.Metadata>([:])

    /// One field, read or set.
    subscript(_ key: String) -> Logger.MetadataValue? {
        get { fields.withLock { $0[key] } }
        set { fields.withLock { $0[key] = newValue } }
    }

    /// Every field set so far.
    var all: Logger.Metadata { fields.withLock { $0 } }
}
