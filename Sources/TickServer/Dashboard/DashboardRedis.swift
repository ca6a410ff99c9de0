import Synchronization
import TickCore

/// The dashboard's Redis clients, kept apart from the ticks' client so each page's Redis usage is its own.
///
/// A page borrows a client (one libcurl handle and connection, reused), runs its requests on it, and gives it
/// back; the client's ``TickCore/UpstashClient/usage`` before and after is what the page footer states.
/// Concurrent pages borrow different clients, so their counts never mix. At most ``maximumIdle`` are kept.
final class DashboardRedis: Sendable {
    /// Clients kept between pages.
    static let maximumIdle = 4

    private let configuration: UpstashConfiguration
    private let prefix: String
    private let idle = Mutex<[UpstashClient]>([])

    /// - Parameters:
    ///   - configuration: the Upstash endpoint and token (the same as the ticks').
    ///   - prefix: the key prefix.
    init(configuration: UpstashConfiguration, prefix: String) {
        self.configuration = configuration
        self.prefix = prefix
    }

    /// Runs `body` with a queue on a borrowed client; returns its result and the Redis usage it caused.
    func withQueue<T: Sendable>(_ body: (JobQueue) async throws(DashboardError) -> T) async throws(DashboardError) -> (T, RedisUsage) {
        let client: UpstashClient
        if let kept = idle.withLock({ $0.popLast() }) {
            client = kept
        } else {
            do { client = try UpstashClient(configuration: configuration) } catch { throw .redis(error) }
        }
        let before = client.usage
        let result: T
        do {
            result = try await body(JobQueue(client: client, prefix: prefix))
        } catch {
            giveBack(client)
            throw error
        }
        let usage = client.usage.since(before)
        giveBack(client)
        return (result, usage)
    }

    private func giveBack(_ client: UpstashClient) {
        idle.withLock { clients in
            if clients.count < Self.maximumIdle { clients.append(client) }
        }
    }
}
