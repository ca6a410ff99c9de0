/// Durations as tick reports them.
extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }

    /// The duration in milliseconds, as a `Double`.
    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }

    /// `12.34 ms` under 10 ms, else whole milliseconds: how `tick ping` and `tick doctor` print round trips.
    public var shortMilliseconds: String {
        let ms = milliseconds
        return ms < 10 ? "\(Double(Int(ms * 100)) / 100) ms" : "\(Int(ms)) ms"
    }
}
