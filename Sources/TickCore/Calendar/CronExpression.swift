/// A five-field cron expression (minute hour day-of-month month day-of-week) with Vixie cron's semantics.
///
/// Each field is `*`, a value, a range `a-b`, any of those with a step (`*/5`, `1-30/10`), or a comma list of
/// them. Day-of-week runs 0-7, where 0 and 7 are both Sunday. Month and day names (`JAN`, `MON-FRI`) are
/// accepted only with ``Options/names``, since Vercel rejects them. When both day-of-month and day-of-week are
/// restricted (neither starts with `*`), a day matches if *either* matches; otherwise both must match
/// (so `0 0 */2 * 1` means odd days that are Mondays, as in Vixie cron).
///
/// ``next(after:in:)`` finds the next fire instant in a time zone (docs/cron.md describes the DST rules).
///
/// ```swift
/// let report = try CronExpression("0 9 * * 1-5")
/// let tokyo = try TimeZoneRules(identifier: "Asia/Tokyo")
/// let next = report.next(after: now, in: tokyo)   // Unix seconds of the next weekday 09:00 in Tokyo
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// Parser options.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        /// Makes options from their raw bits.
        /// - Parameter rawValue: the bits.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Accept three-letter month (`JAN`-`DEC`) and day (`SUN`-`SAT`) names, in any case. Off by default:
        /// Vercel rejects names.
        public static let names = Options(rawValue: 1 << 0)
    }

    /// The expression as given, without leading and trailing whitespace.
    public let text: String
    /// Each field's text, in ``CronField`` order.
    public let fieldTexts: [String]
    /// Whether day-of-month restricts days: false when the field starts with `*` (Vixie's rule), so `*/2`
    /// counts as unrestricted for the either-matches rule.
    public let isDayOfMonthRestricted: Bool
    /// Whether day-of-week restricts days: false when the field starts with `*`.
    public let isDayOfWeekRestricted: Bool

    let minutes: CronValues
    let hours: CronValues
    let daysOfMonth: CronValues
    let months: CronValues
    /// Days of the week 0-6 (7 is folded into 0).
    let daysOfWeek: CronValues

    /// Parses an expression.
    /// - Parameters:
    ///   - text: five fields separated by spaces or tabs, such as `*/5 * * * *`.
    ///   - options: parser options; names are off by default.
    /// - Throws: ``CronError`` naming the field and the problem.
    public init(_ text: String, options: Options = []) throws(CronError) {
        let parsed = try CronParser.parse(text, options: options)
        self.text = parsed.text
        self.fieldTexts = parsed.fieldTexts
        self.minutes = parsed.values[0]
        self.hours = parsed.values[1]
        self.daysOfMonth = parsed.values[2]
        self.months = parsed.values[3]
        self.daysOfWeek = parsed.values[4]
        self.isDayOfMonthRestricted = !parsed.fieldTexts[2].hasPrefix("*")
        self.isDayOfWeekRestricted = !parsed.fieldTexts[4].hasPrefix("*")
        try checkSomeDayExists()
    }

    /// The expression's text.
    public var description: String { text }

    /// The values a field selects, ascending (day-of-week as 0-6, Sunday 0).
    /// - Parameter field: the field.
    /// - Returns: the selected values.
    public func values(of field: CronField) -> [Int] {
        switch field {
        case .minute: minutes.sorted
        case .hour: hours.sorted
        case .dayOfMonth: daysOfMonth.sorted
        case .month: months.sorted
        case .dayOfWeek: daysOfWeek.sorted
        }
    }

    /// The text of one field as written.
    /// - Parameter field: the field.
    /// - Returns: its text, such as `*/5`.
    public func text(of field: CronField) -> String { fieldTexts[field.rawValue] }

    /// Whether the expression fires at a wall-clock minute (seconds are ignored).
    /// - Parameter time: the wall-clock time.
    /// - Returns: whether every field matches (with the either-matches rule for the two day fields).
    public func matches(_ time: CivilDateTime) -> Bool {
        minutes.contains(time.minute) && hours.contains(time.hour) && months.contains(time.month)
            && dayMatches(day: time.day, weekday: time.weekday)
    }

    /// Vixie cron's day rule: either day field matches when both are restricted, else both must.
    func dayMatches(day: Int, weekday: Int) -> Bool {
        if isDayOfMonthRestricted && isDayOfWeekRestricted {
            return daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        }
        return daysOfMonth.contains(day) && daysOfWeek.contains(weekday)
    }

    /// Rejects expressions that can never fire, such as `0 0 30 2 *`, which Vixie cron accepts silently.
    private func checkSomeDayExists() throws(CronError) {
        if isDayOfMonthRestricted && isDayOfWeekRestricted { return }  // any matching weekday will do
        for month in months.sorted {
            let longest = month == 2 ? 29 : CivilDateTime.daysInMonth(year: 2001, month: month)
            if let first = daysOfMonth.sorted.first, first <= longest { return }
        }
        throw CronError(
            .neverFires, field: .dayOfMonth, text: fieldTexts[2],
            problem: "no selected day occurs in the selected months (month field \(JSONText.quoted(fieldTexts[3]))), so the expression never fires")
    }
}

/// A set of small non-negative integers (0-63) as a bit mask.
struct CronValues: Sendable, Hashable {
    var bits: UInt64 = 0

    func contains(_ value: Int) -> Bool { value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0 }

    mutating func insert(_ value: Int) { bits |= 1 << UInt64(value) }

    mutating func remove(_ value: Int) { bits &= ~(1 << UInt64(value)) }

    /// The members, ascending.
    var sorted: [Int] { (0..<64).filter { contains($0) } }

    /// The smallest member that is at least `value`, if any.
    func first(atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (value <= 0 ? ~0 : ~((1 << UInt64(value)) - 1))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }
}
