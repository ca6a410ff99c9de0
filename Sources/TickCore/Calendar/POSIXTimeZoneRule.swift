/// The POSIX TZ rule at the end of a TZif file (its "footer"), such as `CET-1CEST,M3.5.0,M10.5.0/3`: the
/// rule for instants after the file's last transition. "Slim" TZif files (the tz default since 2020) list
/// transitions only until the rule takes over, so future years depend on it.
///
/// Grammar (POSIX, with RFC 8536's extensions): `std offset [dst [offset] [,start[/time],end[/time]]]`.
/// Offsets are hours west of UTC (`-1` is UTC+1); dates are `Jn` (1-365, February 29 never counted), `n`
/// (0-365) or `Mm.w.d` (day `d` of week `w` of month `m`, week 5 = last); times are `[+-]hh[:mm[:ss]]` with
/// hours up to 167, default `02:00`. Start times are in standard time, end times in daylight time.
struct POSIXTimeZoneRule: Sendable, Hashable {
    /// A rule's date within a year.
    enum DateRule: Sendable, Hashable {
        /// `Jn`: day n of 1-365, February 29 never counted.
        case julian(Int)
        /// `n`: day n of 0-365, February 29 counted.
        case zeroBased(Int)
        /// `Mm.w.d`.
        case monthWeekDay(month: Int, week: Int, weekday: Int)

        /// Days since 1970-01-01 of this date in `year`.
        func days(in year: Int) -> Int64 {
            let january1 = CivilDateTime.days(year: year, month: 1, day: 1)
            switch self {
            case .julian(let n):
                return january1 + Int64(n - 1) + (CivilDateTime.isLeapYear(year) && n >= 60 ? 1 : 0)
            case .zeroBased(let n):
                return january1 + Int64(n)
            case .monthWeekDay(let month, let week, let weekday):
                let first = CivilDateTime.days(year: year, month: month, day: 1)
                var day = 1 + (weekday - CivilDateTime.weekday(days: first) + 7) % 7 + 7 * (week - 1)
                let length = CivilDateTime.daysInMonth(year: year, month: month)
                while day > length { day -= 7 }
                return first + Int64(day - 1)
            }
        }
    }

    /// Daylight saving time and when it applies.
    struct Daylight: Sendable, Hashable {
        var type: TimeZoneRules.LocalTimeType
        var start: DateRule
        /// Seconds after local (standard) midnight of the start date.
        var startTime: Int
        var end: DateRule
        /// Seconds after local (daylight) midnight of the end date.
        var endTime: Int
    }

    var standard: TimeZoneRules.LocalTimeType
    var daylight: Daylight?

    /// Parses a TZ string; nil when it is not one.
    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let standardName = scanner.name(), let standardWest = scanner.time(maxHours: 24) else { return nil }
        standard = TimeZoneRules.LocalTimeType(offset: -standardWest, isDaylightSaving: false, abbreviation: standardName)
        if scanner.atEnd {
            daylight = nil
            return
        }
        guard let daylightName = scanner.name() else { return nil }
        var daylightOffset = standard.offset + 3600
        if !scanner.atEnd && scanner.peek != UInt8(ascii: ",") {
            guard let west = scanner.time(maxHours: 24) else { return nil }
            daylightOffset = -west
        }
        // tzcode's default when a TZ string names daylight time without rules: the US rules since 2007.
        var start = DateRule.monthWeekDay(month: 3, week: 2, weekday: 0)
        var startTime = 7200
        var end = DateRule.monthWeekDay(month: 11, week: 1, weekday: 0)
        var endTime = 7200
        if !scanner.atEnd {
            guard scanner.take(UInt8(ascii: ",")), let parsedStart = scanner.dateRule() else { return nil }
            start = parsedStart
            if scanner.take(UInt8(ascii: "/")) {
                guard let time = scanner.time(maxHours: 167) else { return nil }
                startTime = time
            }
            guard scanner.take(UInt8(ascii: ",")), let parsedEnd = scanner.dateRule() else { return nil }
            end = parsedEnd
            if scanner.take(UInt8(ascii: "/")) {
                guard let time = scanner.time(maxHours: 167) else { return nil }
                endTime = time
            }
        }
        guard scanner.atEnd else { return nil }
        daylight = Daylight(
            type: TimeZoneRules.LocalTimeType(offset: daylightOffset, isDaylightSaving: true, abbreviation: daylightName),
            start: start, startTime: startTime, end: end, endTime: endTime)
    }

    /// The year's two transitions (into daylight time, back to standard time), as Unix seconds.
    func transitions(in year: Int) -> [(instant: Int64, toDaylight: Bool)] {
        guard let daylight else { return [] }
        let start = daylight.start.days(in: year) * 86_400 + Int64(daylight.startTime - standard.offset)
        let end = daylight.end.days(in: year) * 86_400 + Int64(daylight.endTime - daylight.type.offset)
        return [(start, true), (end, false)].sorted { $0.instant < $1.instant }
    }

    /// The local time type in effect at `instant`.
    func type(at instant: Int64) -> TimeZoneRules.LocalTimeType {
        guard let daylight else { return standard }
        let year = CivilDateTime(localSeconds: instant + Int64(standard.offset)).year
        var inDaylight: Bool?
        for candidateYear in (year - 1)...(year + 1) {
            for transition in transitions(in: candidateYear) where transition.instant <= instant {
                inDaylight = transition.toDaylight  // ascending, so the last one at or before `instant` wins
            }
        }
        return inDaylight == true ? daylight.type : standard
    }

    /// The transitions whose instants fall in `range`.
    func transitions(in range: ClosedRange<Int64>) -> [TimeZoneRules.Transition] {
        guard daylight != nil else { return [] }
        let firstYear = CivilDateTime(localSeconds: range.lowerBound).year - 1
        let lastYear = CivilDateTime(localSeconds: range.upperBound).year + 1
        var result: [TimeZoneRules.Transition] = []
        for year in firstYear...lastYear {
            for transition in transitions(in: year) where range.contains(transition.instant) {
                let before = type(at: transition.instant - 1).offset
                let after = type(at: transition.instant).offset
                if before != after { result.append(TimeZoneRules.Transition(instant: transition.instant, offsetBefore: before, offsetAfter: after)) }
            }
        }
        return result.sorted { $0.instant < $1.instant }
    }
}

/// A cursor over a TZ string's ASCII bytes.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// `ABC` (three or more letters) or `<+0330>` (quoted: letters, digits, `+`, `-`).
    mutating func name() -> String? {
        let start = index
        if take(UInt8(ascii: "<")) {
            while let byte = peek, byte != UInt8(ascii: ">") {
                guard Self.isLetter(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { return nil }
                index += 1
            }
            guard index - start - 1 >= 3, take(UInt8(ascii: ">")) else { return nil }
            return String(decoding: bytes[(start + 1)..<(index - 1)], as: UTF8.self)
        }
        while let byte = peek, Self.isLetter(byte) { index += 1 }
        guard index - start >= 3 else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `[+-]hh[:mm[:ss]]` as seconds.
    mutating func time(maxHours: Int) -> Int? {
        var sign = 1
        if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
        guard let hours = number(maxDigits: 3), hours <= maxHours else { return nil }
        var seconds = hours * 3600
        if take(UInt8(ascii: ":")) {
            guard let minutes = number(maxDigits: 2), minutes < 60 else { return nil }
            seconds += minutes * 60
            if take(UInt8(ascii: ":")) {
                guard let secs = number(maxDigits: 2), secs < 60 else { return nil }
                seconds += secs
            }
        }
        return sign * seconds
    }

    /// `Jn`, `n` or `Mm.w.d`.
    mutating func dateRule() -> POSIXTimeZoneRule.DateRule? {
        if take(UInt8(ascii: "J")) {
            guard let day = number(maxDigits: 3), (1...365).contains(day) else { return nil }
            return .julian(day)
        }
        if take(UInt8(ascii: "M")) {
            guard let month = number(maxDigits: 2), (1...12).contains(month), take(UInt8(ascii: ".")),
                let week = number(maxDigits: 1), (1...5).contains(week), take(UInt8(ascii: ".")),
                let weekday = number(maxDigits: 1), (0...6).contains(weekday)
            else { return nil }
            return .monthWeekDay(month: month, week: week, weekday: weekday)
        }
        guard let day = number(maxDigits: 3), (0...365).contains(day) else { return nil }
        return .zeroBased(day)
    }

    mutating func number(maxDigits: Int) -> Int? {
        let start = index
        var value = 0
        while let byte = peek, Self.isDigit(byte), index - start < maxDigits {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return index > start ? value : nil
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
