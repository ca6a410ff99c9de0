import Foundation
import Testing
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// tick killed with SIGKILL while an `exec` item runs (the OOM killer, a platform timeout, `kill -9`): the
/// item's child and the grandchild it started die with tick, through the child's supervisor and its
/// lifeline (docs/guarantees.md), so the item's side effect cannot happen after the run that started it
/// is gone, while the next run does the item again.
@Suite("Children die with their run", .serialized)
struct ChildLifelineTests {
    /// How long the child and the grandchild sleep before each appends its marker line.
    /// Long enough that a loaded test process (the whole suite runs in parallel on 2 cores) still finds the
    /// item's processes running when it kills tick; the test then waits this long for late side effects.
    static let itemSleepSeconds = 12

    /// One item's files: its config, its two pid files and the marker file.
    struct ItemFiles {
        let directory: URL
        var config: String { directory.appendingPathComponent("tick.json").path }
        var childPID: URL { directory.appendingPathComponent("child.pid") }
        var grandchildPID: URL { directory.appendingPathComponent("grandchild.pid") }
        var markers: String { directory.appendingPathComponent("markers").path }

        /// An `exec` handler `work` whose item writes its pid, starts a grandchild in its process group (which
        /// writes its own pid), and then both sleep and append a line to the marker file.
        init(tag: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-lifeline-\(tag)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let sleep = ChildLifelineTests.itemSleepSeconds
            let script = """
                echo $$ > "$D/child.pid.tmp" && mv "$D/child.pid.tmp" "$D/child.pid"; \
                sh -c 'echo $$ > "$D/grandchild.pid.tmp" && mv "$D/grandchild.pid.tmp" "$D/grandchild.pid"; \
                sleep \(sleep); echo grandchild >> "$D/markers"' & \
                sleep \(sleep); echo child >> "$D/markers"
                """
            let handler: [String: Any] = ["kind": "exec", "command": ["/bin/sh", "-c", script], "env": ["D": directory.path]]
            let data = try JSONSerialization.data(withJSONObject: ["handlers": ["work": handler]])
            try data.write(to: URL(fileURLWithPath: config))
        }
    }

    // MARK: - Tests

    @Test("`tick run` and `tick drain` killed with SIGKILL mid-item: child and grandchild dead 100 ms later, no marker after", arguments: ["run", "drain"])
    func killedCommand(_ command: String) async throws {
        let harness = try RunnerHarness()
        let files = try ItemFiles(tag: harness.prefix)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try await enqueueOneItem(harness)
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunnerHarness.tickBinary)
        process.arguments = [command, "--prefix", harness.prefix, "--config", files.config, "--budget", "30", "--log-level", "critical"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await expectChildrenDieWithTick(files) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test("`tick-serve` killed with SIGKILL during a request's run: child and grandchild dead 100 ms later, no marker after")
    func killedServer() async throws {
        let serve = try ServeTests()
        let files = try ItemFiles(tag: serve.harness.prefix)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        try await enqueueOneItem(serve.harness)
        let server = try serve.startServer(["--config", files.config, "--budget", "30", "--max-budget", "30"])
        let request = Task { try? await serve.send(server) }  // fails when the server dies: expected
        defer { request.cancel() }
        try await expectChildrenDieWithTick(files) { kill(server.process.processIdentifier, SIGKILL) }
        server.process.waitUntilExit()
    }

    // MARK: - Helpers

    func enqueueOneItem(_ harness: RunnerHarness) async throws {
        let added = try await harness.queue().enqueue(
            [.items("\(harness.prefix)-lifeline", count: 1, handler: "work")], nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(added == [true])
    }

    /// Waits for the item's child and grandchild to run, kills tick with `killTick` (SIGKILL: it is gone
    /// at once, though reaping it may take `Process` longer), then checks both are dead 100 ms later and that
    /// neither appends its marker once their sleep is over.
    func expectChildrenDieWithTick(_ files: ItemFiles, killTick: () -> Void) async throws {
        let child = try await readPID(files.childPID)
        let grandchild = try await readPID(files.grandchildPID)
        let started = ContinuousClock.now
        defer {
            // Whatever the outcome, leave nothing running (the grandchild is in the child's group).
            kill(-child, SIGKILL)
            kill(grandchild, SIGKILL)
        }
        #expect(isAlive(child) && isAlive(grandchild), "the item's processes run before tick is killed")
        killTick()
        try await Task.sleep(for: .milliseconds(100))
        #expect(!isAlive(child), "the item's child (pid \(child)) outlived tick by 100 ms")
        #expect(!isAlive(grandchild), "the item's grandchild (pid \(grandchild)) outlived tick by 100 ms")
        try await Task.sleep(until: started + .seconds(Self.itemSleepSeconds) + .milliseconds(700))
        let markers = (try? String(contentsOfFile: files.markers, encoding: .utf8)) ?? ""
        #expect(markers.isEmpty, "a killed run's item still wrote its side effect: \(markers.debugDescription)")
    }

    /// Whether `pid` runs (a zombie waiting to be reaped does not).
    func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return true
        }
        return stat[close...].dropFirst(2).first != "Z"
    }

    /// The pid in `url`, once the item wrote it (within 20 s: tick starts, claims, and spawns the item).
    func readPID(_ url: URL) async throws -> Int32 {
        for _ in 0..<1000 {
            if let text = try? String(contentsOf: url, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the item did not start within 20 s: no pid in \(url.path)")
        throw ItemDidNotStart()
    }

    struct ItemDidNotStart: Error {}
}
