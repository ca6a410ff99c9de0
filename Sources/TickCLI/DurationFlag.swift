import ArgumentParser

/// Durations given as a whole number and a unit (`30s`, `15m`, `1h`, `7d`), as `tick runs --since` takes them.
public enum DurationFlag: Sendable {
    /// Seconds in each unit a duration flag accepts.
    static let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]

    /// Parses a duration flag and checks its range.
    /// - Parameters:
    ///   - text: the flag's value, such as `15m`.
    ///   - flag: the flag's name, for the message (`--since`).
    ///   - range: the seconds allowed.
    /// - Returns: the duration in seconds.
    /// - Throws: `ValidationError` (exit 64) naming the flag, the form and the range.
    public static func seconds(_ text: String, flag: String, range: ClosedRange<Int>) throws -> Int {
        let form = "\(flag) must be a whole number followed by s, m, h or d (30s, 15m, 1h, 7d)"
        let bounds = "from \(spelled(range.lowerBound)) to \(spelled(range.upperBound))"
        guard let unit = text.last, let scale = units[unit], let count = Int(text.dropLast()) else {
            throw ValidationError("\(form), \(bounds) (got \"\(text)\")")
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow, range.contains(seconds) else {
            throw ValidationError("\(flag) must be \(bounds) (got \(text))")
        }
        return seconds
    }

    /// Seconds in the largest unit that divides them (`400d`, `1s`).
    static func spelled(_ seconds: Int) -> String {
        for (unit, scale) in [("d", 86_400), ("h", 3_600), ("m", 60)] where seconds % scale == 0 && seconds > 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }
}
