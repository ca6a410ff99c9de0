/// The `Retry-After` response header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.
enum RetryAfter {
    /// The delay the header asks for, capped at `cap`; `nil` when the header is absent or malformed.
    /// - Parameters:
    ///   - value: the header's value.
    ///   - now: the current Unix time in seconds (for an HTTP date).
    ///   - cap: the longest delay honoured.
    static func delay(_ value: String?, now: Int64, cap: Duration) -> Duration? {
        guard let value = value?.trimmingCharacters(in: " \t"), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Int64(value) else { return cap }  // more digits than fit: a very long delay
            return min(.seconds(seconds), cap)
        }
        guard let date = httpDate(value) else { return nil }
        return min(.seconds(max(0, date - now)), cap)
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP senders must use, as Unix seconds.
    static func httpDate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), parts[1].count == 2,
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            let civil = CivilDateTime(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: min(second, 59))
        else { return nil }
        return civil.localSeconds
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
