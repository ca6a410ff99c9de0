#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time as Unix milliseconds: what Redis scores and leases use (passed to scripts in ARGV).
public enum UnixTime: Sendable {
    /// Now, in milliseconds since the Unix epoch.
    public static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// `2026-12-01T02:57:11Z`: a Unix time in milliseconds as ISO 8601 in UTC, to the second, or with
    /// `fraction` to the millisecond (`…:11.042Z`, as log lines show it).
    public static func iso8601(milliseconds: Int64, fraction: Bool = false) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let ms = Int(milliseconds % 1000)
        let tail = fraction ? "." + (ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)") : ""
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))\(tail)Z"
    }
}
