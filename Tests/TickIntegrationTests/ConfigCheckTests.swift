import Foundation
import Testing
import TickCore

/// The config file as `tick run` and `tick doctor` read it: commands checked before anything is claimed, an
/// unknown top-level key found by doctor, and a crashed command retried rather than dead-lettered.
/// Needs the local services (see docs/operations.md): without their variables every test fails.
@Suite("tick config checks", .serialized)
struct ConfigCheckTests {
    let harness: RunnerHarness
    let environment: [String: String]
    let directory: URL

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment(removing: ["DATABASE_URL_DIRECT", "CRON_SECRET"])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in this test's folder (mode 755 when `executable`) and returns its path.
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        return url.path
    }

    /// Runs the built `tick` in a fresh working directory (not the config's folder), JSON logs.
    func tick(_ arguments: [String], stdin: String? = nil) async throws -> ProcessOutput {
        let working = FileManager.default.temporaryDirectory.appendingPathComponent("config-check-cwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: working) }
        return try await runProcess(RunnerHarness.tickBinary, arguments, environment: environment, directory: working, stdin: stdin)
    }

    @Test("a missing exec command: tick run exits 78 naming the handler, before any Redis request; the job stays ready at attempt 0")
    func missingCommandTouchesNothing() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try write("tick.json", #"{"handlers": {"resize": {"kind": "exec", "command": ["./bin/missing", "--fast"]}}}"#)
        let id = "\(harness.prefix)-untouched"
        let enqueued = try await tick(["enqueue", "--handler", "resize", "--items", "2", "--id", id, "--log-format", "json"])
        #expect(enqueued.status == 0, "\(enqueued.stderr)")

        for command in [["run"], ["drain"]] {
            let run = try await tick(command + ["--config", config, "--log-format", "json"])
            #expect(run.status == 78, "\(command): \(run.stdout)\n\(run.stderr)")
            #expect(run.stderr.contains(#"handler "resize""#), "\(run.stderr)")
            #expect(run.stderr.contains("\(directory.path)/bin/missing") && run.stderr.contains("does not exist"), "\(run.stderr)")
        }
        let record = try await harness.queue().record(of: id)
        #expect(record["state"] == "ready", "\(record)")
        #expect(record["attempt"] == "0", "\(record)")

        let doctor = try await tick(["doctor", "--config", config, "--jobs-per-day", "100"])
        #expect(doctor.status == TickExitCode.checksFailed.rawValue)
        #expect(doctor.stdout.contains("error   config.handler.resize"), "\(doctor.stdout)")
    }

    @Test("tick doctor: a top-level typo is an error line naming the key and the suggestion, exit 83; tick run warns and runs")
    func topLevelTypo() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try write("tick.json", #"{"handler": {"resize": {"kind": "noop"}}}"#)
        let doctor = try await tick(["doctor", "--config", config, "--jobs-per-day", "100"])
        #expect(doctor.status == TickExitCode.checksFailed.rawValue, "\(doctor.stdout)\n\(doctor.stderr)")
        let line = doctor.stdout.split(separator: "\n").first { $0.contains("config.key.handler") }.map(String.init) ?? ""
        #expect(line.hasPrefix("error"), "\(doctor.stdout)")
        #expect(line.contains(#"unknown top-level key "handler""#) && line.contains(#"did you mean "handlers"?"#), "\(line)")

        let run = try await tick(["run", "--config", config, "--log-format", "json"])
        #expect(run.status == 0, "a newer config (rolling deploy) still runs: \(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains(#"unknown top-level key \"handler\""#) }
        #expect(warnings.count == 1, "one warning per run: \(run.stderr)")
        #expect(run.stderr.contains("config file read") && run.stderr.contains(config), "\(run.stderr)")
    }

    @Test("a command that exits 1 is retried with backoff (delayed, not dead), and its next attempt finishes the job")
    func crashIsRetried() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Relative to the config file's folder, not the working directory tick runs in.
        _ = try write(
            "bin/flaky",
            """
            #!/bin/sh
            marker="$(dirname "$0")/attempted"
            if [ -e "$marker" ]; then exit 0; fi
            touch "$marker"
            echo 'first attempt crashes' >&2
            exit 1
            """, executable: true)
        let config = try write("tick.json", #"{"handlers": {"flaky": {"kind": "exec", "command": ["bin/flaky"]}}}"#)
        let id = "\(harness.prefix)-flaky"
        let job = #"{"id": "\#(id)", "handler": "flaky", "items": [{}], "backoff": {"base_ms": 1000, "max_ms": 1000}}"#
        let enqueued = try await tick(["enqueue", "--file", "-", "--log-format", "json"], stdin: job + "\n")
        #expect(enqueued.status == 0, "\(enqueued.stderr)")

        let first = try await tick(["run", "--config", config, "--log-format", "json"])
        #expect(first.status == 0, "\(first.stderr)")
        var record = try await harness.queue().record(of: id)
        #expect(record["state"] == "delayed", "\(record)")
        #expect(record["attempt"] == "1", "\(record)")
        #expect(record["error"]?.contains("exit 1: first attempt crashes") == true, "\(record)")

        try await Task.sleep(for: .milliseconds(1200))
        let second = try await tick(["run", "--config", config, "--log-format", "json"])
        #expect(second.status == 0, "\(second.stderr)")
        record = try await harness.queue().record(of: id)
        #expect(record["state"] == "done", "\(record)")
    }

    @Test("an exec command crashing on item 1 of 4: items 0, 2 and 3 finish in the same run; item 1 finishes on the next attempt")
    func crashedItemDoesNotStopTheOthers() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(
            "bin/work",
            """
            #!/bin/sh
            d="$(dirname "$0")"
            echo "$TICK_ITEM_INDEX" >> "$d/runs"
            if [ "$TICK_ITEM_INDEX" = 1 ] && [ ! -e "$d/crashed" ]; then touch "$d/crashed"; echo 'item 1 crashes' >&2; exit 1; fi
            exit 0
            """, executable: true)
        let config = try write("tick.json", #"{"handlers": {"work": {"kind": "exec", "command": ["bin/work"]}}}"#)
        let id = "\(harness.prefix)-four"
        let job = #"{"id": "\#(id)", "handler": "work", "items": [0, 1, 2, 3], "backoff": {"base_ms": 1000, "max_ms": 1000}}"#
        await #expect(try tick(["enqueue", "--file", "-", "--log-format", "json"], stdin: job + "\n").status == 0)

        let first = try await tick(["run", "--config", config, "--log-format", "json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try harness.items()[id].map { $0.filter { $0.value.state == "done" }.keys.sorted() } == [0, 2, 3])
        let record = try await harness.queue().record(of: id)
        #expect(record["state"] == "delayed" && record["error"]?.contains("item 1: exit 1: item 1 crashes") == true, "\(record)")

        try await Task.sleep(for: .milliseconds(1200))
        let second = try await tick(["run", "--config", config, "--log-format", "json"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try await harness.queue().record(of: id)["state"] == "done")
        let runs = try String(contentsOf: directory.appendingPathComponent("bin/runs"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(runs.sorted() == ["0", "1", "1", "2", "3"], "each item once, item 1 twice: \(runs)")
    }
}
