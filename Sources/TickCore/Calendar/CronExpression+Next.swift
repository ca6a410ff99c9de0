extension CronExpression {
    /// How far ahead ``next(after:in:)`` searches: 401 years covers every pattern of leap years and weekdays
    /// (the Gregorian calendar repeats every 400 years), so nil means "never again".
    public static let searchHorizonYears = 401

    /// The next fire instant strictly after `instant`, evaluating the expression on the wall clock of `zone`.
    ///
    /// Daylight saving time: a wall-clock time the clock skips (spring forward) fires once, at the first
    /// instant after the gap (02:30 on Berlin's spring-forward day fires at 03:00 local); a time the clock
    /// shows twice (fall back) fires once, at its first occurrence. Several skipped times collapse into the
    /// one instant after the gap.
    /// - Parameters:
    ///   - instant: Unix seconds; the result is strictly later.
    ///   - zone: the time zone whose wall clock the fields describe; UTC by default.
    /// - Returns: Unix seconds of the next fire (a whole minute of local time, or a gap's end), or nil when
    ///   there is none within ``searchHorizonYears`` years.
    public func next(after instant: Int64, in zone: TimeZoneRules = .utc) -> Int64? {
        // Local times map to instants monotonically (gap times to the gap's end, repeated times to their first
        // occurrence), so scanning wall-clock minutes upward from the current one finds the earliest fire.
        let startLocal = instant + Int64(zone.offset(at: instant))
        var day = CivilDateTime.floorDivide(startLocal, 86_400)
        var firstMinute = Int((startLocal - day * 86_400) / 60)
        let startYear = CivilDateTime.civil(fromDays: day).year
        while true {
            let date = CivilDateTime.civil(fromDays: day)
            guard date.year - startYear <= Self.searchHorizonYears else { return nil }
            guard months.contains(date.month) else {
                // Jump to the first day of the next month.
                let nextMonth = date.month == 12 ? (date.year + 1, 1) : (date.year, date.month + 1)
                day = CivilDateTime.days(year: nextMonth.0, month: nextMonth.1, day: 1)
                firstMinute = 0
                continue
            }
            if dayMatches(day: date.day, weekday: CivilDateTime.weekday(days: day)) {
                var hour = hours.first(atLeast: firstMinute / 60)
                while let h = hour {
                    var minute = minutes.first(atLeast: h == firstMinute / 60 ? firstMinute % 60 : 0)
                    while let m = minute {
                        let local = day * 86_400 + Int64(h * 3600 + m * 60)
                        let fire = zone.resolve(localSeconds: local).firingInstant
                        if fire > instant { return fire }
                        minute = minutes.first(atLeast: m + 1)
                    }
                    hour = hours.first(atLeast: h + 1)
                }
            }
            day += 1
            firstMinute = 0
        }
    }

    /// The next `count` fire instants after `instant` (fewer if the search horizon ends first).
    /// - Parameters:
    ///   - count: how many.
    ///   - instant: Unix seconds; every result is strictly later.
    ///   - zone: the time zone; UTC by default.
    /// - Returns: ascending Unix seconds.
    public func next(_ count: Int, after instant: Int64, in zone: TimeZoneRules = .utc) -> [Int64] {
        var result: [Int64] = []
        var cursor = instant
        while result.count < count, let fire = next(after: cursor, in: zone) {
            result.append(fire)
            cursor = fire
        }
        return result
    }
}
