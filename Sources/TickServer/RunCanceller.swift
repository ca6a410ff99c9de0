import Logging
import ServiceLifecycle
import TickCore

/// A service that, on graceful shutdown (SIGTERM, SIGINT), cancels the ticks in flight and waits for them.
///
/// Hummingbird's own graceful shutdown stops accepting connections and then waits for in-flight requests to
/// finish: it does not cancel them. A tick can take its whole budget (50 s by default), longer than a
/// supervisor waits after SIGTERM. So this service is shut down first (it comes after the application in the
/// service group, and a group shuts its services down in reverse order): it refuses new ticks (503), cancels
/// the running ones (each commits what it finished, hands its jobs back and answers its request with the
/// `interrupted` summary), waits for them, and then lets the HTTP server drain.
struct RunCanceller: Service {
    let slots: TickSlots
    let logger: Logger

    func run() async throws {
        // Returns on graceful shutdown; throws when the group is cancelled (the server failed): either way, stop.
        try? await gracefulShutdown()
        let tasks = slots.close()
        if !tasks.isEmpty {
            logger.notice("shutting down: cancelling in-flight ticks; they hand their jobs back", metadata: ["ticks": "\(tasks.count)"])
        }
        for task in tasks { _ = await task.value }
    }
}
