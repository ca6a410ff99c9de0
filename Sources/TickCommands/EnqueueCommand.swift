import ArgumentParser
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// `tick enqueue`: one job from flags, or many as JSON lines from stdin or a file, in batched requests.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Add jobs: one from flags, or JSON lines from --file (or - for stdin).",
        discussion: "Duplicate ids are reported and not enqueued twice. Prints one JSON summary line."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions

    @Option(name: .long, help: "The job's handler (one job from flags).")
    var handler: String?
    @Option(name: .long, help: "The job's id (default: generated).")
    var id: String?
    @Option(name: .long, help: "The job's queue.")
    var queue: String = JobSpec.defaultQueue
    @Option(name: .long, help: "An item's JSON; repeat for several items.")
    var item: [String] = []
    @Option(name: .long, help: "Make N items {\"n\": i} (for trials and benchmarks).")
    var items: Int?
    @Option(name: .long, help: "Start a cursor job at this cursor (\"\" for the beginning).")
    var cursor: String?
    @Option(name: .long, help: "Priority 0-100; higher runs sooner.")
    var priority: Int = 0
    @Option(name: .long, help: "Delay in seconds before the job may run.")
    var delay: Double?
    @Option(name: .long, help: "Claims in all before the job is dead-lettered.")
    var maxAttempts: Int = JobSpec.defaultMaxAttempts
    @Option(name: .long, help: "JSON lines file of jobs, or - for stdin (each line sets its own queue, priority and keys; the job flags do not apply).")
    var file: String?
    @Option(name: .long, help: "Jobs per request when reading JSON lines.")
    var chunk: Int = 500
    @OptionGroup var flowOptions: EnqueueFlowOptions

    func validate() throws {
        try FlagRange.check(items, 0...100_000, flag: "--items")
        try FlagRange.check(priority, 0...100, flag: "--priority")
        try FlagRange.check(delay, 0...31_536_000, flag: "--delay", unit: "seconds")
        try FlagRange.check(maxAttempts, 1...1000, flag: "--max-attempts")
        try FlagRange.check(chunk, 1...10_000, flag: "--chunk")
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let flow = try flowOptions.flow()
            let services = TickEnvironment()
            let jobQueue = try services.queue(prefix: queueOptions.resolvedPrefix(services.variables))
            var jobs: [JobSpec] = []
            var invalid = 0
            if let file {
                var lineNumber = 0
                for line in try Self.lines(file) {
                    lineNumber += 1
                    guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { continue }
                    do { jobs.append(try JobSpec(json: line, generatedID: JobIDs.generate)) } catch {
                        invalid += 1
                        printError("line \(lineNumber): \(error)")
                    }
                }
            } else {
                guard let handler else { throw Self.missingInput() }
                let work: JobSpec.Work
                if let cursor {
                    work = .cursor(cursor.isEmpty ? nil : cursor)
                } else if let items {
                    work = .items((0..<items).map { .object(["n": .integer(Int64($0))]) })
                } else {
                    work = .items(try item.map { text in
                        do { return try JSONValue(parsing: Array(text.utf8)) } catch { throw ValidationError("--item is not JSON: \(text)") }
                    })
                }
                var spec = JobSpec(id: id ?? JobIDs.generate(), handler: handler, queue: queue, work: work, priority: priority, maxAttempts: maxAttempts)
                spec.flow = flow
                if let delay { spec.runAt = UnixTime.nowMilliseconds() + Int64(delay * 1000) }
                let checked = try JobSpec(json: Array(spec.json.utf8))  // the same validation as a producer's JSON
                jobs.append(checked)
            }
            if !global.quiet { Self.warnAboutLargeJobs(jobs) }  // -q: errors only
            var enqueued: [String] = []
            var duplicates: [String] = []
            var start = 0
            while start < jobs.count {
                let slice = Array(jobs[start..<min(jobs.count, start + max(1, chunk))])
                let results = try await jobQueue.enqueue(slice, nowMilliseconds: UnixTime.nowMilliseconds())
                for (job, ok) in zip(slice, results) {
                    if ok { enqueued.append(job.id) } else { duplicates.append(job.id) }
                }
                start += slice.count
            }
            if !global.quiet { Self.reportDuplicates(duplicates) }  // -q: errors only (the summary still lists them)
            let usage = jobQueue.client.usage
            let summary: JSONValue = .object([
                "enqueued": .integer(Int64(enqueued.count)), "duplicates": .integer(Int64(duplicates.count)), "invalid": .integer(Int64(invalid)),
                "ids": .array(enqueued.map { .string($0) }),
                "duplicate_ids": .array(duplicates.map { .string($0) }), "redis_requests": .integer(Int64(usage.requests)),
                "redis_commands": .integer(Int64(usage.commands)),
            ])
            print(summary.serialized)
            if invalid > 0 { throw ExitCode(TickExitCode.dataError.rawValue) }
        }
    }

    /// Neither `--handler` nor `--file`: when jobs are being piped in, says to read them with `--file -`.
    static func missingInput() -> UsageError {
        if isatty(STDIN_FILENO) == 0 {
            return UsageError("tick enqueue reads standard input only with --file -: tick enqueue --file - < jobs.jsonl (or give --handler for one job)")
        }
        return UsageError("give --handler (one job from flags) or --file FILE (JSON lines; --file - reads standard input)")
    }

    /// Jobs larger than this get one warning: every claim's reply carries them whole, and Upstash meters the bytes.
    static let largeJobBytes = 100 * 1024

    /// One warning for the jobs over ``largeJobBytes`` (the limit itself, 1 MiB, is refused per job).
    static func warnAboutLargeJobs(_ jobs: [JobSpec]) {
        let large = jobs.filter { $0.json.utf8.count > largeJobBytes }
        guard let biggest = large.map({ $0.json.utf8.count }).max() else { return }
        printWarning(
            "\(large.count) job\(large.count == 1 ? " is" : "s are") over \(largeJobBytes / 1024) KB (the largest \(biggest / 1024) KB): each claim carries it whole "
                + "and Upstash meters storage and bandwidth; store large inputs elsewhere (object storage, a PostgreSQL row) and enqueue a reference (docs/producers.md)")
    }

    /// Says which ids were duplicates (a warning, not an error: the jobs exist): the first 20 by name, then
    /// how many more; every one is in the summary's `duplicate_ids`.
    static func reportDuplicates(_ duplicates: [String]) {
        for id in duplicates.prefix(20) { printWarning("duplicate id, not enqueued again: \(id)") }
        if duplicates.count > 20 {
            printWarning("and \(duplicates.count - 20) more duplicate ids, not enqueued again (all in the summary's duplicate_ids)")
        }
    }

    /// The lines of a file or stdin, as bytes, blank ones included (so error messages give true line numbers).
    static func lines(_ path: String) throws -> [[UInt8]] {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { throw InputError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[..<n])
        }
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }
}

/// Input that cannot be read.
struct InputError: TickError {
    let description: String
    init(_ description: String) { self.description = description }
    var exitCode: TickExitCode { .dataError }
}

/// Generated job ids: time-ordered and random (`j` + 12 hex digits of milliseconds + 10 random hex digits).
enum JobIDs {
    static func generate() -> String {
        let ms = String(UInt64(UnixTime.nowMilliseconds()), radix: 16)
        let random = String(UInt64.random(in: 0..<(1 << 40)), radix: 16)
        return "j" + String(repeating: "0", count: max(0, 12 - ms.count)) + ms + String(repeating: "0", count: max(0, 10 - random.count)) + random
    }
}
