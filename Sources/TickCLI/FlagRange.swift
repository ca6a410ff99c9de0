import ArgumentParser

/// Range checks of numeric flags: one message naming the flag, the range and the value given (exit 64).
public enum FlagRange {
    /// Checks an integer flag.
    public static func check(_ value: Int?, _ range: ClosedRange<Int>, flag: String) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }

    /// Checks a number flag: finite and within `range`.
    public static func check(_ value: Double?, _ range: ClosedRange<Double>, flag: String, unit: String = "") throws {
        guard let value else { return }
        guard value.isFinite, range.contains(value) else {
            let suffix = unit.isEmpty ? "" : " \(unit)"
            throw ValidationError("\(flag) must be a number from \(format(range.lowerBound)) to \(format(range.upperBound))\(suffix) (got \(value))")
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
