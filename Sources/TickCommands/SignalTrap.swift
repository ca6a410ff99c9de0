import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into a call (cancelling the run), so a run interrupted by cron, systemd or
/// Ctrl-C still commits what it finished and hands its jobs back before exiting.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32] = [SIGTERM, SIGINT], onSignal: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { onSignal(number) }
            source.resume()
            return source
        }
    }

    deinit { for source in sources { source.cancel() } }
}
