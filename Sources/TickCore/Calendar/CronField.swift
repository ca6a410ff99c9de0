/// One of the five fields of a cron expression, in order: minute hour day-of-month month day-of-week.
public enum CronField: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 0-59.
    case minute
    /// 0-23.
    case hour
    /// 1-31.
    case dayOfMonth
    /// 1-12 (JAN-DEC when names are enabled).
    case month
    /// 0-7, where 0 and 7 are both Sunday (SUN-SAT when names are enabled).
    case dayOfWeek

    /// The name used in error messages: `minute`, `hour`, `day-of-month`, `month`, `day-of-week`.
    public var description: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts as written (day-of-week accepts 7 for Sunday).
    public var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// The three-letter names the field accepts when names are enabled, upper-case, index = value
    /// (months start at 1, so index 0 is empty).
    var names: [String] {
        switch self {
        case .month: ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The value of a three-letter month or day name in any field that has names, for error messages.
    static func anyName(_ text: String) -> (field: CronField, value: Int)? {
        let upper = text.uppercased()
        for field in [CronField.month, .dayOfWeek] {
            if let index = field.names.firstIndex(of: upper), !upper.isEmpty { return (field, index) }
        }
        return nil
    }
}
