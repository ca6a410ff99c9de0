import ServiceLifecycle
import TickCore

/// Runs the ``TickCore/AlertMonitor`` beside the server until graceful shutdown.
struct AlertMonitorService: Service {
    let monitor: AlertMonitor

    func run() async throws {
        await cancelWhenGracefulShutdown { await monitor.run() }
    }
}
