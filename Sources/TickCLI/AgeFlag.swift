import ArgumentParser

/// Ages given on the command line: a whole number and a unit, `30s`, `15m`, `12h`, `7d`.
public enum AgeFlag {
    /// The age `text` names, from 1 s to 400 days; anything else is a usage error naming the flag and the form.
    public static func parse(_ text: String, flag: String) throws -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = text.last, let seconds = units[unit], let count = Int64(text.dropLast()), count > 0,
            count * seconds <= 400 * 86_400
        else {
            throw ValidationError("\(flag) must be a whole number and a unit, like 30s, 15m, 12h or 7d, from 1 s to 400 d (got \(text))")
        }
        return .seconds(count * seconds)
    }
}
