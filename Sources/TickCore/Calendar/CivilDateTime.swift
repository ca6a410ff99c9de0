/// A date and time of day on the proleptic Gregorian calendar, with no time zone: a wall-clock reading.
///
/// Converts to and from *local seconds*: seconds since 1970-01-01T00:00:00 on the same wall clock (for UTC
/// these are Unix seconds). ``TimeZoneRules`` maps local seconds to instants and back.
public struct CivilDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, such as 2026.
    public var year: Int
    /// The month, 1-12.
    public var month: Int
    /// The day of the month, 1-31.
    public var day: Int
    /// The hour, 0-23.
    public var hour: Int
    /// The minute, 0-59.
    public var minute: Int
    /// The second, 0-59.
    public var second: Int

    /// Makes a date and time, checking each part's range (the day against the month's length).
    /// - Parameters:
    ///   - year: the year, -9999 to 99999.
    ///   - month: 1-12.
    ///   - day: 1 to the month's length.
    ///   - hour: 0-23.
    ///   - minute: 0-59.
    ///   - second: 0-59.
    /// - Returns: nil when a part is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (-9999...99999).contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The wall-clock reading `localSeconds` seconds after 1970-01-01T00:00:00.
    /// - Parameter localSeconds: seconds since the epoch on the wall clock (Unix seconds for UTC).
    public init(localSeconds: Int64) {
        let days = Self.floorDivide(localSeconds, 86_400)
        let secondOfDay = Int(localSeconds - days * 86_400)
        let date = Self.civil(fromDays: days)
        self.year = date.year
        self.month = date.month
        self.day = date.day
        self.hour = secondOfDay / 3600
        self.minute = secondOfDay / 60 % 60
        self.second = secondOfDay % 60
    }

    /// Seconds since 1970-01-01T00:00:00 on the same wall clock.
    public var localSeconds: Int64 {
        Self.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The day of the week: 0 Sunday, 1 Monday, … 6 Saturday.
    public var weekday: Int { Self.weekday(days: Self.days(year: year, month: month, day: day)) }

    /// ISO 8601 without a zone, such as `2026-03-29T02:30:00`.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let digits = String(year)
        let yearText = (0...999).contains(year) ? String(repeating: "0", count: 4 - digits.count) + digits : digits
        return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }

    public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool { lhs.localSeconds < rhs.localSeconds }

    // MARK: Calendar arithmetic (Howard Hinnant's days-from-civil algorithms)

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// The number of days in `month` of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a date (the month and day may be outside their ranges only by a little;
    /// callers pass valid dates).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days after 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// The weekday (0 Sunday … 6 Saturday) of the day `days` days after 1970-01-01 (a Thursday).
    static func weekday(days: Int64) -> Int { Int(floorModulo(days + 4, 7)) }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }
}
