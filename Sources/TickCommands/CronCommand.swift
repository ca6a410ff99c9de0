import ArgumentParser
import Logging
import TickCLI
import TickCore

/// `tick cron`: a local Vercel Cron. Reads `vercel.json`, validates it as Vercel would, and on each schedule
/// (UTC) sends each cron job's request exactly as Vercel does, so the production topology runs on a laptop.
struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Imitate Vercel Cron: call the crons of vercel.json on their schedules (UTC), as Vercel would.",
        discussion: """
            Each invocation is `GET <base-url><path>` with `User-Agent: vercel-cron/1.0`, \
            `x-vercel-cron-schedule: <schedule>` and, when CRON_SECRET is set, `Authorization: Bearer $CRON_SECRET`. \
            Redirects are not followed and failures are not retried, as on Vercel. Each invocation is logged to \
            stderr with its status and time; the secret is never printed.

            vercel.json is rejected (exit 78) when Vercel would reject it: each problem names the rule. \
            With --once, every cron job is called once now, one after another; the exit code is 0 when all \
            answered 2xx, 69 when one gave no response, 77 when one refused CRON_SECRET (401/403), and 82 \
            when one answered another status outside 2xx. Without it, tick cron sleeps until each next minute a schedule names and \
            runs until interrupted. docs/cron.md has the details.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The vercel.json to read.")
    var file: String = "vercel.json"

    @Option(name: .customLong("base-url"), help: "Where the deployment listens (Vercel uses the production domain).")
    var baseURL: String = "http://127.0.0.1:3000"

    @Flag(name: .long, help: "Call every cron job once now and exit: 0 if all answered 2xx, else 69, 77 or 82 (docs/cron.md).")
    var once: Bool = false

    @Option(name: .long, help: "Seconds to wait for each response (a Vercel function's default limit is 300).")
    var timeout: Int = 300

    func validate() throws {
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw ValidationError("--base-url must start with http:// or https:// (got \(baseURL))")
        }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let logger = global.makeLogger("tick.cron")
            let config = try VercelConfig.load(path: file)
            guard !config.crons.isEmpty else {
                throw VercelConfigError(file: file, problems: ["no \"crons\" entries: nothing to call"])
            }
            let secret = ProcessEnvironment.variables["CRON_SECRET"].map(Secret.init)
            let requests = config.crons.map { VercelCronRequest(cron: $0, baseURL: baseURL, secret: secret) }
            let invoker = CronInvoker(timeout: .seconds(timeout), logger: logger)
            if once {
                try invoker.fireOnce(requests)
            } else {
                await invoker.serve(requests)
            }
        }
    }
}

/// Sends the invocations and logs each one.
struct CronInvoker: Sendable {
    let timeout: Duration
    let logger: Logger

    /// Calls every cron job once, in file order.
    /// - Throws: ``CronInvocationError`` naming those that did not answer 2xx (exit 69, 77 or 82).
    func fireOnce(_ requests: [VercelCronRequest]) throws(CronInvocationError) {
        var failures: [CronInvocationError.Failure] = []
        for request in requests {
            if let failure = invoke(request, slot: nil) { failures.append(failure) }
        }
        guard failures.isEmpty else { throw CronInvocationError(failures: failures, invocations: requests.count) }
    }

    /// Runs forever: sleeps until the next minute any schedule names (UTC), then calls the due cron jobs
    /// concurrently, without waiting for them before sleeping again (Vercel lets invocations overlap).
    func serve(_ requests: [VercelCronRequest]) async {
        var cursor = UnixTime.nowMilliseconds() / 1000
        for request in requests {
            let next = request.cron.expression.next(after: cursor).map(Self.iso) ?? "never"
            logger.info(
                "cron job scheduled",
                metadata: ["cron.path": "\(request.cron.path)", "cron.schedule": "\(request.cron.schedule)", "cron.next": "\(next)", "http.url": "\(request.url)"])
        }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let nexts = requests.map { $0.cron.expression.next(after: cursor) }
                guard let slot = nexts.compactMap({ $0 }).min() else { return }
                guard await Self.sleep(until: slot) else { return }
                for (request, next) in zip(requests, nexts) where next == slot {
                    group.addTask { _ = invoke(request, slot: slot) }
                }
                cursor = slot
            }
        }
    }

    /// Sleeps until the wall clock reaches `instant` (Unix seconds), in steps of at most a minute so a clock
    /// change or a suspended laptop is noticed. Returns false when cancelled.
    static func sleep(until instant: Int64) async -> Bool {
        while true {
            let remaining = instant * 1000 - UnixTime.nowMilliseconds()
            if remaining <= 0 { return true }
            do {
                try await Task.sleep(for: .milliseconds(min(remaining, 60_000)))
            } catch {
                return false
            }
        }
    }

    /// Sends one invocation and logs it. Returns nil on a 2xx, else why it failed.
    func invoke(_ request: VercelCronRequest, slot: Int64?) -> CronInvocationError.Failure? {
        let startedMs = UnixTime.nowMilliseconds()
        var metadata: Logger.Metadata = [
            "cron.path": "\(request.cron.path)",
            "cron.schedule": "\(request.cron.schedule)",
            "cron.time": "\(Self.iso(startedMs / 1000))",
        ]
        if let slot { metadata["cron.slot"] = "\(Self.iso(slot))" }
        do {
            let response = try request.send(timeout: timeout)
            metadata["http.status"] = "\(response.status)"
            metadata["cron.duration_ms"] = "\(UnixTime.nowMilliseconds() - startedMs)"
            if (300..<400).contains(response.status), let location = response.headers["location"] {
                metadata["http.location"] = "\(location)"  // Vercel does not follow redirects either
            }
            let ok = (200..<300).contains(response.status)
            logger.log(level: ok ? .info : .warning, "cron invocation", metadata: metadata)
            return ok ? nil : .status(path: request.cron.path, code: response.status)
        } catch {
            metadata["cron.duration_ms"] = "\(UnixTime.nowMilliseconds() - startedMs)"
            metadata["error"] = "\(error.description)"
            logger.error("cron invocation failed", metadata: metadata)
            return .noResponse(path: request.cron.path, detail: error.description)
        }
    }

    /// `2026-03-29T01:00:00Z`.
    static func iso(_ seconds: Int64) -> String { CivilDateTime(localSeconds: seconds).description + "Z" }
}
