import Testing

@testable import TickCore

/// `tick drain`'s further runs in flight each claim through a connection of their own.
@Suite("a queue over its own connection")
struct JobQueueConnectionTests {
    @Test("keeps the prefix, the retention and the endpoint, with a client of its own")
    func ownClient() throws {
        let configuration = try UpstashConfiguration(environment: [
            "UPSTASH_REDIS_REST_URL": "https://example.upstash.io", "UPSTASH_REDIS_REST_TOKEN": "token",
        ])
        var queue = JobQueue(client: try UpstashClient(configuration: configuration), prefix: "app1", doneRetentionSeconds: 600)
        queue.retention.deadLetters = .seconds(3_600)
        let own = try #require(queue.overOwnConnection() as? JobQueue)
        #expect(own.client !== queue.client)
        #expect(own.client.configuration.host == queue.client.configuration.host)
        #expect(own.prefix == "app1")
        #expect(own.retention == queue.retention)
    }
}
