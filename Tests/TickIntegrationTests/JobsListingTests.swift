import Foundation
import Testing
import TickCore

/// `tick jobs`: pages of a queue's jobs, soonest first, with a keyset cursor, against the real services.
@Suite("job listing", .serialized)
struct JobsListingTests {
    let harness: RunnerHarness

    init() throws { harness = try RunnerHarness() }

    @Test("1,000 ready jobs (batches sharing one enqueue time) page through without a duplicate or a gap while runs claim")
    func pagesWhileRunsClaim() async throws {
        let queue = try harness.queue()
        let p = harness.prefix
        // Half for a handler the runs have (claimed while we page), half for one they lack (never claimed, so
        // every one of them must be listed exactly once). Chunks of 250 share their enqueue time: ties.
        let specs = (0..<1000).map { JobSpec.items("\(p)-\(String(format: "%04d", $0))", count: 1, handler: $0 % 2 == 0 ? "h" : "elsewhere") }
        for start in stride(from: 0, to: 1000, by: 250) {
            _ = try await queue.enqueue(Array(specs[start..<(start + 250)]), nowMilliseconds: UnixTime.nowMilliseconds())
        }
        var registry = HandlerRegistry()
        registry.register("h", NoopHandler())
        let runner = try harness.runner(registry)
        var options = RunOptions()
        options.batch = 40
        let claiming = Task { for _ in 0..<10 { _ = await runner.run(options) } }

        var listed: [String] = []
        var cursor: String?
        var previous: Int64 = 0
        repeat {
            let page = try await queue.jobs(queue: "default", state: .ready, handler: nil, limit: 137, after: cursor)
            listed += page.jobs.map(\.id)
            for job in page.jobs {
                #expect(job.at >= previous, "soonest first")
                previous = job.at
            }
            cursor = page.next
        } while cursor != nil
        await claiming.value

        #expect(Set(listed).count == listed.count, "no job listed twice")
        let never = Set(specs.filter { $0.handler == "elsewhere" }.map(\.id))
        #expect(never.isSubset(of: Set(listed)), "every job that stayed ready was listed: \(never.subtracting(listed).count) missing")
        let byHandler = try await queue.jobs(queue: "default", state: .ready, handler: "elsewhere", limit: 1000, after: nil)
        #expect(byHandler.jobs.count == 500 && byHandler.jobs.allSatisfy { $0.handler == "elsewhere" } && byHandler.next == nil)
    }

    @Test("the terminal form and --json, dead newest first, and a bad cursor refused")
    func commandForms() async throws {
        let queue = try harness.queue()
        let p = harness.prefix
        let now = UnixTime.nowMilliseconds()
        _ = try await queue.enqueue([.items("\(p)-a", count: 2, handler: "noop"), .items("\(p)-b", count: 1, handler: "noop")], nowMilliseconds: now)
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        environment["TICK_PREFIX"] = p
        let text = try await runProcess(RunnerHarness.tickBinary, ["jobs", "--limit", "1"], environment: environment)
        #expect(text.status == 0 && text.stdout.contains("\(p)-a") && text.stdout.contains("next page: --after '"), "\(text.stdout)")
        let json = try await runProcess(RunnerHarness.tickBinary, ["jobs", "--json"], environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let jobs = try #require(object["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == ["\(p)-a", "\(p)-b"] && object["next"] is NSNull, "\(json.stdout)")
        #expect(jobs.first?["items_done"] is NSNull, "no run has started it")
        let bad = try await runProcess(RunnerHarness.tickBinary, ["jobs", "--after", "nonsense"], environment: environment)
        #expect(bad.status == 64)
    }
}
