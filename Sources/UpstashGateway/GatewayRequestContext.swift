import Hummingbird
import NIOCore

/// The gateway's request context: Hummingbird's basic context plus the request's channel, so the fault
/// injector can close a connection without replying (`drop-before`, `drop-after`).
struct GatewayRequestContext: RequestContext {
    /// Hummingbird's per-request storage (allocator, logger, …).
    var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
