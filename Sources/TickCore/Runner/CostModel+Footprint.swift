/// The two other things Upstash meters, besides commands: bandwidth (bytes in and out of the REST API) and
/// storage (the database's size). Each term is a figure measured on the local gateway (the `redis_bytes_sent` and
/// `redis_bytes_received` of runs, `MEMORY USAGE` of tick's keys; docs/cost.md), scaled by the job size you give.
extension CostModel {
    /// An idle run: the claim's request (its script, 14.0 KB since the claim token, and arguments) and its empty reply.
    /// Measured: 16,332 (`tick run` on an empty prefix, `redis_bytes_sent + redis_bytes_received`).
    public static let idleRunBytes = 16_330.0
    /// What a run that claimed work adds: the acknowledgement's request (its script is 6.5 KB) and reply. Measured:
    /// a run of one small job sends and receives 7,798 bytes more than an idle run, about 310 of them the job's.
    public static let acknowledgementBytes = 7_480.0
    /// Per job claimed and acknowledged, besides its JSON: its arguments in the acknowledgement and its framing.
    public static let perJobBytes = 80.0
    /// A claim's reply carries each job's JSON base64-encoded, with its id, attempt and fence: measured 1.4 times the JSON.
    public static let claimedJSONFactor = 1.4
    /// An enqueue request's script and framing. Measured: the script is 4,967 bytes.
    public static let enqueueRequestBytes = 5_100.0
    /// A queued job in Redis: its hash holding the JSON, and its entry in a sorted set. Measured 21.4 KB for a
    /// 10 KB item (about 2 bytes a byte of JSON, plus 1.4 KB).
    public static func queuedJobBytes(jsonBytes: Double) -> Double { 2 * jsonBytes + 1_400 }
    /// A finished job's tombstone for the dedup window: measured 703 bytes.
    public static let tombstoneBytes = 703.0
    /// Upstash's free tier: 10 GB of bandwidth a month.
    public static let freeTierBandwidthBytes = 10e9
    /// Upstash's free tier: 256 MB of data.
    public static let freeTierStorageBytes = 256e6

    /// Bytes in and out a month: claims, acknowledgements, the jobs through both, and the enqueue requests.
    public var bandwidthBytesPerMonth: Double {
        let runs = runsPerDay * Self.idleRunBytes + claimingRunsPerDay * Self.acknowledgementBytes
        let jobs = jobsPerDay * (jobBytes * Self.claimedJSONFactor + Self.perJobBytes + jobBytes)
        let enqueues = (enqueueRequestsPerDay ?? jobsPerDay) * Self.enqueueRequestBytes
        return (runs + jobs + enqueues) * Self.daysPerMonth
    }

    /// Bytes held at a steady state: the jobs that arrive between two runs, waiting, and a dedup window of
    /// tombstones. Dead letters and a backlog add to it (`tick stats` shows those).
    public var storageBytes: Double {
        let waiting = jobsPerDay * cadenceMinutes / 1440
        let tombstones = jobsPerDay * dedupWindowHours / 24
        return waiting * Self.queuedJobBytes(jsonBytes: jobBytes) + tombstones * Self.tombstoneBytes
    }

    /// Share of the free tier's bandwidth, 1 = all of it.
    public var bandwidthFreeTierShare: Double { bandwidthBytesPerMonth / Self.freeTierBandwidthBytes }
    /// Share of the free tier's storage, 1 = all of it.
    public var storageFreeTierShare: Double { storageBytes / Self.freeTierStorageBytes }
}
