import Foundation
import Logging
import Testing
import TickCore  // NOT @testable: the public API only

#if canImport(Glibc)
import Glibc
#endif

/// ExecHandler against real child processes (`/bin/sh -c` scripts). Serialized: several tests assert
/// elapsed times, which a 50 MB output test running alongside on 2 cores would skew.
@Suite(.serialized)
struct ExecHandlerTests {
    static let inherited = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "UPSTASH_REDIS_REST_TOKEN": "not-for-children", "CRON_SECRET": "cron"]

    func shell(_ script: String, env: [String: String] = [:], grace: Duration = .seconds(2)) -> ExecHandler {
        ExecHandler(
            .init(command: ["/bin/sh", "-c", script], environment: env, killGrace: grace),
            inheritedEnvironment: Self.inherited
        )
    }

    func context(timeout: Duration = .seconds(20), key: String = "job-1:3") -> HandlerContext {
        let deadlineMilliseconds = Int64(Date().timeIntervalSince1970 * 1000) + Int64(timeout.components.seconds * 1000)
        return HandlerContext(
            jobID: "job-1", queue: "media", handlerName: "resize", attempt: 2, idempotencyKey: key,
            deadline: .now + timeout, deadlineUnixMilliseconds: deadlineMilliseconds, logger: Logger(label: "test")
        )
    }

    func item(_ payload: JSONValue = .null, index: Int = 3) -> HandlerInput { .item(index: index, payload: payload) }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exec-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Whether `pid` is gone (or a zombie waiting for init): polls for up to 2 s.
    func processIsGone(_ pid: Int32) async throws -> Bool {
        for _ in 0..<100 {
            if kill(pid, 0) != 0 { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "Z" {
                return true
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func readPID(_ url: URL) async throws -> Int32 {
        for _ in 0..<200 {
            if let text = try? String(contentsOf: url, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("no pid file at \(url.path)")
        return -1
    }

    // MARK: - Results

    @Test func jsonStdoutIsTheResult() async {
        let outcome = await shell(#"printf '{"ok": true, "n": 3}\n'"#).handle(item(), context: context())
        #expect(outcome == .done(result: .object(["ok": .bool(true), "n": .integer(3)])))
    }

    @Test func textStdoutIsAStringResult() async {
        let outcome = await shell("echo 'resized 3 images'").handle(item(), context: context())
        #expect(outcome == .done(result: .string("resized 3 images")))
    }

    @Test func blankStdoutIsNoResult() async {
        #expect(await shell("true").handle(item(), context: context()) == .done(result: nil))
        #expect(await shell("printf '  \\n\\n'").handle(item(), context: context()) == .done(result: nil))
    }

    @Test func stdinIsThePayload() async {
        let payload = JSONValue.object(["url": .string("https://example.com/a.png"), "sizes": .array([.integer(64), .integer(128)])])
        let outcome = await shell("cat").handle(item(payload), context: context())
        #expect(outcome == .done(result: payload))
    }

    @Test func bigStdinDoesNotDeadlock() async {
        // Far beyond a pipe's 64 KiB buffer.
        let payload = JSONValue.string(String(repeating: "x", count: 1_000_000))
        // The child reads everything and answers with the count: stdin is written while output is read.
        let outcome = await shell("wc -c | tr -d ' '").handle(item(payload), context: context())
        #expect(outcome == .done(result: .integer(1_000_002)))
        // A child that never reads its big input still ends cleanly (no SIGPIPE for tick).
        #expect(await shell("exit 0").handle(item(payload), context: context()) == .done(result: nil))
    }

    @Test func environmentHasItemVariablesAndNoSecrets() async {
        let script = #"""
            printf '{"job":"%s","queue":"%s","index":"%s","key":"%s","attempt":"%s","deadline":"%s","handler":"%s","mode":"%s","home":"%s","token":"%s","cron":"%s"}' \
              "$TICK_JOB_ID" "$TICK_QUEUE" "$TICK_ITEM_INDEX" "$TICK_IDEMPOTENCY_KEY" "$TICK_ATTEMPT" "$TICK_DEADLINE" \
              "$TICK_HANDLER" "$MODE" "$HOME" "${UPSTASH_REDIS_REST_TOKEN-absent}" "${CRON_SECRET-absent}"
            """#
        let context = context(key: "job-1:7")
        let outcome = await shell(script, env: ["MODE": "fast"]).handle(item(index: 7), context: context)
        guard case .done(let result?) = outcome else {
            Issue.record("unexpected outcome \(outcome)")
            return
        }
        #expect(result["job"] == .string("job-1"))
        #expect(result["queue"] == .string("media"))
        #expect(result["index"] == .string("7"))
        #expect(result["key"] == .string("job-1:7"))
        #expect(result["attempt"] == .string("2"))
        #expect(result["deadline"] == .string(String(context.deadlineUnixMilliseconds)))
        #expect(result["handler"] == .string("resize"))
        #expect(result["mode"] == .string("fast"))
        #expect(result["home"] == .string("/tmp"))
        #expect(result["token"] == .string("absent"))
        #expect(result["cron"] == .string("absent"))
    }

    @Test func childStartsWithDefaultSignalsAndNoneBlocked() async {
        // tick ignores SIGTERM/SIGINT (it turns them into cancellation) and blocks SIGPIPE on the thread
        // that spawns; a child must inherit neither. SIGUSR2 stands in for SIGTERM here.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let handler = ExecHandler(.init(command: ["/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]), inheritedEnvironment: Self.inherited)
        let outcome = await handler.handle(item(), context: context())
        guard case .done(.string(let status)?) = outcome else {
            Issue.record("unexpected outcome \(outcome)")
            return
        }
        var masks: [String: UInt64] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1], radix: 16) }
        }
        #expect(masks["SigBlk:"] == 0)
        // Standard signals 1–31 only: glibc's posix_spawn ignores its own internal real-time signals (32, 33).
        #expect(masks["SigIgn:"].map { $0 & 0x7FFF_FFFF } == 0, "\(status)")
    }

    // MARK: - Cursor pages

    @Test func cursorPageReadsNextAndResult() async {
        let outcome = await shell(#"printf '{"next":"p2"}'"#).handle(.page(number: 1, cursor: nil), context: context())
        #expect(outcome == .page(next: "p2", result: nil))

        let echo = #"read -r line; printf '{"next":null,"result":{"input":%s,"page":"%s"}}' "$line" "$TICK_PAGE""#
        let last = await shell(echo).handle(.page(number: 2, cursor: "p2"), context: context())
        let input = JSONValue.object(["cursor": .string("p2"), "page": .integer(2)])
        #expect(last == .page(next: nil, result: .object(["input": input, "page": .string("2")])))
    }

    @Test func cursorPageWithoutTheObjectFails() async {
        for script in ["echo hello", "true", #"echo '{"result": 1}'"#, #"echo '{"next": 5}'"#] {
            let outcome = await shell(script).handle(.page(number: 1, cursor: nil), context: context())
            guard case .failed(let reason) = outcome else {
                Issue.record("\(script): unexpected outcome \(outcome)")
                continue
            }
            #expect(reason.contains(#"stdout of a cursor page must be a JSON object {"next""#), "\(reason)")
        }
    }

    // MARK: - Failures

    @Test func exit75RetriesLater() async {
        let outcome = await shell("echo 'rate limited, try again' >&2; exit 75").handle(item(), context: context())
        #expect(outcome == .retryLater(reason: "exit 75: rate limited, try again", after: nil))
    }

    @Test func otherExitRetriesLaterWithTheStderrTail() async {
        // 100 KB of noise, then the line that matters: the reason keeps the last KiB only.
        let script = "i=0; while [ $i -lt 2000 ]; do echo 'noise noise noise noise noise noise noise' >&2; i=$((i+1)); done; echo 'boom: disk full' >&2; exit 3"
        let outcome = await shell(script).handle(item(), context: context())
        guard case .retryLater(let reason, nil) = outcome else {
            Issue.record("unexpected outcome \(outcome)")
            return
        }
        #expect(reason.hasPrefix("exit 3: "))
        #expect(reason.hasSuffix("boom: disk full"))
        #expect(reason.utf8.count <= 1024 + 8)
        #expect(await shell("exit 3").handle(item(), context: context()) == .retryLater(reason: "exit 3", after: nil))
    }

    @Test func exit1IsACrashAndRetriesLater() async {
        let outcome = await shell("echo 'Traceback: KeyError' >&2; exit 1").handle(item(), context: context())
        #expect(outcome == .retryLater(reason: "exit 1: Traceback: KeyError", after: nil))
    }

    @Test func exit65FailsForGood() async {
        let outcome = await shell("echo 'bad input: no id' >&2; exit 65").handle(item(), context: context())
        #expect(outcome == .failed(reason: "exit 65: bad input: no id"))
    }

    @Test func configuredPermanentCodeFailsForGood() async {
        let configuration = ExecHandler.Configuration(command: ["/bin/sh", "-c", "echo 'usage' >&2; exit 2"], permanentExitCodes: [65, 2])
        let handler = ExecHandler(configuration, inheritedEnvironment: Self.inherited)
        #expect(await handler.handle(item(), context: context()) == .failed(reason: "exit 2: usage"))
        #expect(await shell("exit 2").handle(item(), context: context()) == .retryLater(reason: "exit 2", after: nil), "not permanent by default")
    }

    @Test func exit75RetriesEvenWhenListedAsPermanent() async {
        let configuration = ExecHandler.Configuration(command: ["/bin/sh", "-c", "exit 75"], permanentExitCodes: [65, 75])
        #expect(!configuration.isPermanent(75) && configuration.isPermanent(65) && !configuration.isPermanent(1))
        let handler = ExecHandler(configuration, inheritedEnvironment: Self.inherited)
        #expect(await handler.handle(item(), context: context()) == .retryLater(reason: "exit 75", after: nil))
    }

    @Test func deathBySignalRetriesLater() async {
        let outcome = await shell("echo 'about to crash' >&2; kill -SEGV $$").handle(item(), context: context())
        #expect(outcome == .retryLater(reason: "killed by signal 11: about to crash", after: nil))
    }

    @Test func missingExecutableFails() async throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("missing").path
        let handler = ExecHandler(.init(command: [path, "--flag"]), inheritedEnvironment: Self.inherited)
        let outcome = await handler.handle(item(), context: context())
        #expect(outcome == .failed(reason: "cannot start \(path): No such file or directory"))
    }

    /// The command's supervisor (its parent) passes the status on: an exit status and a signal stay apart
    /// (both are retried: neither is the permanent exit 65).
    @Test func exit137AndSIGKILLAreToldApart() async {
        #expect(await shell("exit 137").handle(item(), context: context()) == .retryLater(reason: "exit 137", after: nil))
        #expect(await shell("kill -KILL $$").handle(item(), context: context()) == .retryLater(reason: "killed by signal 9", after: nil))
    }

    /// A name without `/` is looked up in the worker's `PATH` (as `posix_spawnp` did); a file that is not
    /// executable fails for good with the system's reason.
    @Test func commandNameIsFoundInPATHAndANonExecutableFileFails() async throws {
        let found = ExecHandler(.init(command: ["printf", "found"]), inheritedEnvironment: Self.inherited)
        #expect(await found.handle(item(), context: context()) == .done(result: .string("found")))
        let path = try temporaryDirectory().appendingPathComponent("not-executable").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o644]))
        let denied = ExecHandler(.init(command: [path]), inheritedEnvironment: Self.inherited)
        #expect(await denied.handle(item(), context: context()) == .failed(reason: "cannot start \(path): Permission denied"))
    }

    // MARK: - Deadlines and cancellation

    @Test func timeoutStopsTheChildAndRetries() async {
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await shell("sleep 30").handle(item(), context: context(timeout: .milliseconds(300)))
        let elapsed = clock.now - started
        guard case .retryLater(let reason, nil) = outcome else {
            Issue.record("unexpected outcome \(outcome)")
            return
        }
        #expect(reason.hasPrefix("timed out after "))
        #expect(reason.hasSuffix(" ms"))
        #expect(elapsed >= .milliseconds(280))
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func childIgnoringSIGTERMIsKilledAfterTheGrace() async {
        let clock = ContinuousClock()
        let started = clock.now
        let handler = shell("trap '' TERM; sleep 30", grace: .milliseconds(200))
        let outcome = await handler.handle(item(), context: context(timeout: .milliseconds(300)))
        let elapsed = clock.now - started
        #expect(outcome.isTimedOut, "\(outcome)")
        #expect(elapsed >= .milliseconds(480), "took \(elapsed): the grace was skipped")
        #expect(elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test func timeoutKillsGrandchildren() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let handler = shell("sleep 30 & echo $! > '\(pidFile.path)'; wait")
        let outcome = await handler.handle(item(), context: context(timeout: .milliseconds(300)))
        #expect(outcome.isTimedOut, "\(outcome)")
        let grandchild = try await readPID(pidFile)
        #expect(try await processIsGone(grandchild))
    }

    @Test func leftoverProcessesAreKilledWhenTheCommandExits() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let clock = ContinuousClock()
        let started = clock.now
        // The background sleep keeps stdout open: the handler must not wait 30 s for its EOF.
        let outcome = await shell("sleep 30 & echo $! > '\(pidFile.path)'; echo done").handle(item(), context: context())
        #expect(outcome == .done(result: .string("done")))
        #expect(clock.now - started < .seconds(2))
        #expect(try await processIsGone(try await readPID(pidFile)))
    }

    @Test func cancellationKillsTheChild() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let handler = shell("echo $$ > '\(pidFile.path)'; exec sleep 30")
        let context = context()
        let clock = ContinuousClock()
        let started = clock.now
        let task = Task { await handler.handle(item(), context: context) }
        let child = try await readPID(pidFile)
        task.cancel()
        let outcome = await task.value
        #expect(outcome == .retryLater(reason: "cancelled at the run's deadline", after: nil))
        #expect(clock.now - started < .seconds(3))
        #expect(try await processIsGone(child))
    }

    @Test func cancelledBeforeStartDoesNotRun() async throws {
        let marker = try temporaryDirectory().appendingPathComponent("ran")
        let handler = shell("touch '\(marker.path)'")
        let context = context()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await handler.handle(item(), context: context)
        }
        #expect(await task.value == .retryLater(reason: "cancelled at the run's deadline", after: nil))
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    // MARK: - Bounded output and concurrency

    @Test func hugeStdoutFailsWithBoundedMemory() async {
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await shell("head -c 50000000 /dev/zero").handle(item(), context: context())
        #expect(outcome == .failed(reason: "stdout exceeded 1 MiB"))
        #expect(clock.now - started < .seconds(10))
    }

    @Test func concurrentItemsDoNotBlockEachOther() async {
        let handler = shell("sleep 0.5; echo $TICK_ITEM_INDEX")
        let context = context()
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await withTaskGroup(of: (Int, HandlerOutcome).self) { group in
            for index in 0..<8 {
                group.addTask { (index, await handler.handle(.item(index: index, payload: .null), context: context)) }
            }
            var outcomes: [Int: HandlerOutcome] = [:]
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        let elapsed = clock.now - started
        for index in 0..<8 {
            #expect(outcomes[index] == .done(result: .integer(Int64(index))))
        }
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }
}

extension HandlerOutcome {
    fileprivate var isTimedOut: Bool {
        if case .retryLater(let reason, nil) = self { reason.hasPrefix("timed out after ") } else { false }
    }
}
