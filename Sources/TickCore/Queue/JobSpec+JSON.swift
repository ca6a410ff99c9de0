/// Reading and writing ``JobSpec`` as the JSON stored in Redis.
extension JobSpec {
    /// Largest job JSON accepted, in bytes (Upstash's single-record limit is far above; this bounds memory).
    public static let maximumEncodedSize = 1 << 20

    /// Parses and validates a job from JSON.
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - generatedID: the id to use when the JSON has none (enqueue generates one; a claimed job always has one).
    /// - Throws: ``JobSpecError`` naming the field and what is wrong.
    public init(json bytes: [UInt8], generatedID: (() -> String)? = nil) throws(JobSpecError) {
        guard bytes.count <= Self.maximumEncodedSize else {
            throw JobSpecError("the job is \(bytes.count) bytes, over the limit of \(Self.maximumEncodedSize): store large payloads elsewhere and pass a reference")
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw JobSpecError("the job is not valid JSON")
        }
        guard case .object(let fields) = value else { throw JobSpecError("the job must be a JSON object") }

        let id: String
        switch fields["id"] {
        case .string(let text)?: id = text
        case nil, .null?:
            guard let generatedID else { throw JobSpecError("the job has no \"id\"") }
            id = generatedID()
        default: throw JobSpecError("\"id\" must be a string")
        }
        try Self.checkName(id, field: "id", maxLength: 200, allowed: { $0 > 0x20 && $0 < 0x7F })
        guard let handler = fields["handler"]?.stringValue else {
            throw JobSpecError(id: id, "\"handler\" is missing or not a string: name a handler from the worker's config")
        }
        try Self.checkName(handler, field: "handler", maxLength: 64, id: id)
        let queue = try fields["queue"].map { value throws(JobSpecError) in
            guard let text = value.stringValue else { throw JobSpecError(id: id, "\"queue\" must be a string") }
            return text
        } ?? Self.defaultQueue
        try Self.checkName(queue, field: "queue", maxLength: 64, id: id)

        let work: Work
        switch (fields["items"], fields.keys.contains("cursor")) {
        case (.array(let items)?, false): work = .items(items)
        case (nil, true):
            switch fields["cursor"] {
            case .string(let start)?: work = .cursor(start)
            case .null?, nil: work = .cursor(nil)
            default: throw JobSpecError(id: id, "\"cursor\" must be a string or null")
            }
        case (_?, true): throw JobSpecError(id: id, "a job has either \"items\" or \"cursor\", not both")
        case (_?, false): throw JobSpecError(id: id, "\"items\" must be an array")
        case (nil, false): throw JobSpecError(id: id, "the job has neither \"items\" (an array) nor \"cursor\"")
        }

        func int(_ key: String, in range: ClosedRange<Int>) throws(JobSpecError) -> Int? {
            guard let value = fields[key], value != .null else { return nil }
            guard let number = value.intValue, range.contains(number) else {
                throw JobSpecError(id: id, "\"\(key)\" must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        var backoff = Backoff()
        if let object = fields["backoff"], object != .null {
            guard case .object = object else { throw JobSpecError(id: id, "\"backoff\" must be an object with base_ms and max_ms") }
            if let base = object["base_ms"]?.intValue, base >= 0 { backoff.baseMilliseconds = base }
            if let max = object["max_ms"]?.intValue, max >= 0 { backoff.maxMilliseconds = max }
        }
        self.init(
            id: id, handler: handler, queue: queue, work: work,
            priority: try int("priority", in: 0...100) ?? 0,
            runAt: try int("run_at", in: 0...Int(Int64(1) << 50)).map(Int64.init),
            maxAttempts: try int("max_attempts", in: 1...1000) ?? Self.defaultMaxAttempts,
            backoff: backoff,
            itemTimeoutMilliseconds: try int("item_timeout_ms", in: 1...86_400_000),
            itemConcurrency: try int("item_concurrency", in: 1...1000) ?? 1)
        flow = try Self.flow(fields, id: id, int: int)
    }

    /// The job as JSON, in the wire format (keys sorted; defaults written out).
    public var json: String {
        var fields: [String: JSONValue] = [
            "id": .string(id), "handler": .string(handler), "queue": .string(queue),
            "priority": .integer(Int64(priority)), "max_attempts": .integer(Int64(maxAttempts)),
            "item_concurrency": .integer(Int64(itemConcurrency)),
            "backoff": .object(["base_ms": .integer(Int64(backoff.baseMilliseconds)), "max_ms": .integer(Int64(backoff.maxMilliseconds))]),
        ]
        switch work {
        case .items(let items): fields["items"] = .array(items)
        case .cursor(let start): fields["cursor"] = start.map(JSONValue.string) ?? .null
        }
        if let runAt { fields["run_at"] = .integer(runAt) }
        if let itemTimeoutMilliseconds { fields["item_timeout_ms"] = .integer(Int64(itemTimeoutMilliseconds)) }
        flow.write(into: &fields)
        return JSONValue.object(fields).serialized
    }

    static func checkName(_ name: String, field: String, maxLength: Int, id: String? = nil, allowed: (UInt8) -> Bool = Self.isNameByte) throws(JobSpecError) {
        guard !name.isEmpty, name.utf8.count <= maxLength, name.utf8.allSatisfy(allowed) else {
            throw JobSpecError(id: id, "\"\(field)\" must be 1 to \(maxLength) characters of \(field == "id" || field.hasSuffix("_key") ? "printable ASCII without spaces" : "letters, digits, '.', '_', '-' or ':'")")
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"):
            true
        default: false
        }
    }
}

/// Why a job's JSON was rejected.
public struct JobSpecError: TickError, Equatable {
    /// The job's id, when it could be read.
    public let id: String?
    /// What is wrong, and what to do.
    public let reason: String

    init(id: String? = nil, _ reason: String) {
        self.id = id
        self.reason = reason
    }

    public var description: String { id.map { "job \($0): \(reason)" } ?? "invalid job: \(reason)" }
    public var exitCode: TickExitCode { .dataError }
}
