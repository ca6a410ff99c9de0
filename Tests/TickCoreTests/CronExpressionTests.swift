import Testing
import TickCore  // NOT @testable: the public API only

/// The cron parser and `next(after:)` in UTC: a table of expressions and their next fire times.
struct CronExpressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var from: String
        var expected: [String]
        var testDescription: String { "\(expression) after \(from)" }
    }

    static let table: [Case] = [
        // Steps, ranges, lists.
        Case(expression: "*/5 * * * *", from: "2026-01-01T00:00Z", expected: ["2026-01-01T00:05Z", "2026-01-01T00:10Z", "2026-01-01T00:15Z"]),
        Case(expression: "*/5 * * * *", from: "2026-01-01T00:02:30Z", expected: ["2026-01-01T00:05Z"]),
        Case(expression: "*/5 * * * *", from: "2026-12-31T23:57Z", expected: ["2027-01-01T00:00Z"]),
        Case(expression: "* * * * *", from: "2026-01-01T00:00:59Z", expected: ["2026-01-01T00:01Z", "2026-01-01T00:02Z"]),
        Case(expression: "1-30/10 * * * *", from: "2026-01-01T00:00Z", expected: ["2026-01-01T00:01Z", "2026-01-01T00:11Z", "2026-01-01T00:21Z", "2026-01-01T01:01Z"]),
        Case(expression: "0,15,45 9-10 * * *", from: "2026-01-01T09:20Z", expected: ["2026-01-01T09:45Z", "2026-01-01T10:00Z", "2026-01-01T10:15Z", "2026-01-01T10:45Z", "2026-01-02T09:00Z"]),
        Case(expression: "0 */6 * * *", from: "2026-01-01T05:59Z", expected: ["2026-01-01T06:00Z", "2026-01-01T12:00Z", "2026-01-01T18:00Z", "2026-01-02T00:00Z"]),
        Case(expression: "0 */7 * * *", from: "2026-01-01T00:00Z", expected: ["2026-01-01T07:00Z", "2026-01-01T14:00Z", "2026-01-01T21:00Z", "2026-01-02T00:00Z"]),
        // Month ends: the 31st skips 30-day months and February.
        Case(expression: "0 0 31 * *", from: "2026-01-31T00:00Z", expected: ["2026-03-31T00:00Z", "2026-05-31T00:00Z", "2026-07-31T00:00Z", "2026-08-31T00:00Z", "2026-10-31T00:00Z"]),
        Case(expression: "0 0 30 * *", from: "2026-01-30T00:00Z", expected: ["2026-03-30T00:00Z", "2026-04-30T00:00Z"]),
        // Leap days: the next February 29 is 2028; 2100 is not a leap year.
        Case(expression: "0 0 29 2 *", from: "2026-01-01T00:00Z", expected: ["2028-02-29T00:00Z", "2032-02-29T00:00Z"]),
        Case(expression: "0 0 29 2 *", from: "2096-03-01T00:00Z", expected: ["2104-02-29T00:00Z"]),
        Case(expression: "0 12 28-29 2 *", from: "2027-02-28T12:00Z", expected: ["2028-02-28T12:00Z", "2028-02-29T12:00Z", "2029-02-28T12:00Z"]),
        // Weekdays (2026-01-02 is a Friday).
        Case(expression: "0 0 * * 1-5", from: "2026-01-02T12:00Z", expected: ["2026-01-05T00:00Z", "2026-01-06T00:00Z", "2026-01-07T00:00Z", "2026-01-08T00:00Z", "2026-01-09T00:00Z", "2026-01-12T00:00Z"]),
        // Sunday is 0 and 7.
        Case(expression: "0 12 * * 0", from: "2026-01-01T00:00Z", expected: ["2026-01-04T12:00Z", "2026-01-11T12:00Z"]),
        Case(expression: "0 12 * * 7", from: "2026-01-01T00:00Z", expected: ["2026-01-04T12:00Z", "2026-01-11T12:00Z"]),
        Case(expression: "5 4 * * 6-7", from: "2026-01-01T00:00Z", expected: ["2026-01-03T04:05Z", "2026-01-04T04:05Z", "2026-01-10T04:05Z"]),
        // Both day fields restricted: a day matches if EITHER matches (the 1st, or a Monday).
        Case(expression: "0 0 1 * 1", from: "2026-01-01T00:00Z", expected: ["2026-01-05T00:00Z", "2026-01-12T00:00Z", "2026-01-19T00:00Z", "2026-01-26T00:00Z", "2026-02-01T00:00Z", "2026-02-02T00:00Z"]),
        Case(expression: "0 0 13 * 5", from: "2026-02-01T00:00Z", expected: ["2026-02-06T00:00Z", "2026-02-13T00:00Z", "2026-02-20T00:00Z", "2026-02-27T00:00Z", "2026-03-06T00:00Z"]),
        // Day-of-month starting with * counts as unrestricted (Vixie): odd days that are ALSO Mondays.
        Case(expression: "0 0 */2 * 1", from: "2026-01-01T00:00Z", expected: ["2026-01-05T00:00Z", "2026-01-19T00:00Z", "2026-02-09T00:00Z", "2026-02-23T00:00Z"]),
        // Year rollover.
        Case(expression: "59 23 31 12 *", from: "2026-06-01T00:00Z", expected: ["2026-12-31T23:59Z", "2027-12-31T23:59Z"]),
        Case(expression: "59 23 31 12 *", from: "2026-12-31T23:59Z", expected: ["2027-12-31T23:59Z"]),
        Case(expression: "0 0 1 1 *", from: "2026-12-31T23:59:59Z", expected: ["2027-01-01T00:00Z", "2028-01-01T00:00Z"]),
        // Months.
        Case(expression: "15 14 1 */3 *", from: "2026-01-01T14:15Z", expected: ["2026-04-01T14:15Z", "2026-07-01T14:15Z", "2026-10-01T14:15Z", "2027-01-01T14:15Z"]),
        Case(expression: "0 9 * 6 1", from: "2026-01-01T00:00Z", expected: ["2026-06-01T09:00Z", "2026-06-08T09:00Z"]),
    ]

    @Test("next fire times", arguments: table)
    func nextFireTimes(_ row: Case) throws {
        let expression = try CronExpression(row.expression)
        let fires = expression.next(row.expected.count, after: CronTime.utc(row.from)).map(CronTime.iso)
        #expect(fires == row.expected)
    }

    @Test func nextIsStrictlyAfterTheGivenInstant() throws {
        let everyMinute = try CronExpression("* * * * *")
        let instant = CronTime.utc("2026-05-05T10:00Z")
        #expect(everyMinute.next(after: instant) == instant + 60)
        #expect(everyMinute.next(after: instant - 1) == instant)
    }

    @Test func namesAreAcceptedOnlyWithTheOption() throws {
        let named = try CronExpression("0 9 * jan,Jul mon-FRI", options: .names)
        let numeric = try CronExpression("0 9 * 1,7 1-5")
        #expect(named.values(of: .dayOfWeek) == numeric.values(of: .dayOfWeek))
        #expect(named.values(of: .month) == [1, 7])
        #expect(named.next(3, after: CronTime.utc("2026-01-01T00:00Z")) == numeric.next(3, after: CronTime.utc("2026-01-01T00:00Z")))
        #expect(throws: CronError.self) { try CronExpression("0 9 * * MON") }
    }

    @Test func fieldValues() throws {
        let expression = try CronExpression("*/15 0-23/12 1,15,31 */4 5-7")
        #expect(expression.values(of: .minute) == [0, 15, 30, 45])
        #expect(expression.values(of: .hour) == [0, 12])
        #expect(expression.values(of: .dayOfMonth) == [1, 15, 31])
        #expect(expression.values(of: .month) == [1, 5, 9])
        #expect(expression.values(of: .dayOfWeek) == [0, 5, 6], "7 is Sunday, folded into 0")
        #expect(expression.isDayOfMonthRestricted && expression.isDayOfWeekRestricted)
        #expect(expression.text(of: .dayOfWeek) == "5-7")
        let spaced = try CronExpression("  0\t9  * * *  ")
        #expect(spaced.text == "0\t9  * * *")
        #expect(spaced.fieldTexts == ["0", "9", "*", "*", "*"])
        #expect(!spaced.isDayOfMonthRestricted)
    }

    @Test func matches() throws {
        let expression = try CronExpression("30 9 * * 1-5")
        #expect(expression.matches(try #require(CivilDateTime(year: 2026, month: 1, day: 5, hour: 9, minute: 30))))
        #expect(!expression.matches(try #require(CivilDateTime(year: 2026, month: 1, day: 4, hour: 9, minute: 30))), "a Sunday")
        #expect(!expression.matches(try #require(CivilDateTime(year: 2026, month: 1, day: 5, hour: 9, minute: 31))))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var expression: String
        var code: CronError.Code
        var field: CronField?
        var message: String
        var testDescription: String { JSONTextForTests.quoted(expression) }
    }

    static let invalid: [Invalid] = [
        Invalid(expression: "61 * * * *", code: .outOfRange, field: .minute, message: #"minute field "61": value out of range 0-59"#),
        Invalid(expression: "1,61 * * * *", code: .outOfRange, field: .minute, message: #"minute field "1,61": value 61 out of range 0-59"#),
        Invalid(expression: "* 24 * * *", code: .outOfRange, field: .hour, message: #"hour field "24": value out of range 0-23"#),
        Invalid(expression: "* * 0 * *", code: .outOfRange, field: .dayOfMonth, message: #"day-of-month field "0": value out of range 1-31"#),
        Invalid(expression: "* * 32 * *", code: .outOfRange, field: .dayOfMonth, message: #"day-of-month field "32": value out of range 1-31"#),
        Invalid(expression: "* * * 13 *", code: .outOfRange, field: .month, message: #"month field "13": value out of range 1-12"#),
        Invalid(expression: "* * * * 8", code: .outOfRange, field: .dayOfWeek, message: #"day-of-week field "8": value out of range 0-7"#),
        Invalid(expression: "* * * *", code: .fieldCount, field: nil, message: #"cron expression "* * * *": expected five fields (minute hour day-of-month month day-of-week), found 4"#),
        Invalid(expression: "0 * * * * *", code: .fieldCount, field: nil, message: #"cron expression "0 * * * * *": expected five fields (minute hour day-of-month month day-of-week), found 6"#),
        Invalid(expression: "", code: .fieldCount, field: nil, message: #"cron expression "": expected five fields (minute hour day-of-month month day-of-week), found 0"#),
        Invalid(expression: "*/0 * * * *", code: .invalidStep, field: .minute, message: #"minute field "*/0": step "0" must be a whole number of at least 1"#),
        Invalid(expression: "*/ * * * *", code: .invalidStep, field: .minute, message: #"minute field "*/": step "" must be a whole number of at least 1"#),
        Invalid(expression: "*/5/2 * * * *", code: .invalidStep, field: .minute, message: #"minute field "*/5/2": "*/5/2" has more than one step"#),
        Invalid(expression: "5/15 * * * *", code: .invalidStep, field: .minute, message: #"minute field "5/15": a step needs * or a range before it (write 5-59/15 or */15); cron implementations disagree on "5/15""#),
        Invalid(expression: "30-10 * * * *", code: .invalidRange, field: .minute, message: #"minute field "30-10": range 30-10 starts after it ends (ranges do not wrap around; write 30-59,0-10)"#),
        Invalid(expression: "1-2-3 * * * *", code: .invalidRange, field: .minute, message: #"minute field "1-2-3": "1-2-3" is not a range (write start-end, such as 1-5)"#),
        Invalid(expression: "-1 * * * *", code: .invalidRange, field: .minute, message: #"minute field "-1": "-1" is not a range (write start-end, such as 1-5)"#),
        Invalid(expression: "1,,2 * * * *", code: .emptyField, field: .minute, message: #"minute field "1,,2": empty element in a list"#),
        Invalid(expression: "a * * * *", code: .invalidValue, field: .minute, message: #"minute field "a": "a" is not a number in 0-59"#),
        Invalid(expression: "0 9 * * MON", code: .nameNotAllowed, field: .dayOfWeek, message: #"day-of-week field "MON": day names are not accepted; use 1"#),
        Invalid(expression: "0 9 * JAN *", code: .nameNotAllowed, field: .month, message: #"month field "JAN": month names are not accepted; use 1"#),
        Invalid(expression: "0 9 * * JAN", code: .invalidValue, field: .dayOfWeek, message: #"day-of-week field "JAN": "JAN" is a month name, not a day-of-week value"#),
        Invalid(expression: "0 0 L * *", code: .unsupportedSyntax, field: .dayOfMonth, message: #"day-of-month field "L": "L" is not supported (L, W, # and ? are Quartz extensions, not standard cron)"#),
        Invalid(expression: "0 0 15W * *", code: .unsupportedSyntax, field: .dayOfMonth, message: #"day-of-month field "15W": "15W" is not supported (L, W, # and ? are Quartz extensions, not standard cron)"#),
        Invalid(expression: "0 0 ? * 1", code: .unsupportedSyntax, field: .dayOfMonth, message: #"day-of-month field "?": "?" is not supported (L, W, # and ? are Quartz extensions, not standard cron)"#),
        Invalid(expression: "0 0 * * 1#2", code: .unsupportedSyntax, field: .dayOfWeek, message: ##"day-of-week field "1#2": "#" is not supported (L, W, # and ? are Quartz extensions, not standard cron)"##),
        Invalid(expression: "@daily", code: .macro, field: nil, message: #"cron expression "@daily": macros such as @daily are not supported; write "0 0 * * *""#),
        Invalid(expression: "@reboot", code: .macro, field: nil, message: #"cron expression "@reboot": @reboot is not supported: only five-field schedules are"#),
        Invalid(expression: "0 0 30 2 *", code: .neverFires, field: .dayOfMonth, message: #"day-of-month field "30": no selected day occurs in the selected months (month field "2"), so the expression never fires"#),
        Invalid(expression: "0 0 31 4,6,9,11 *", code: .neverFires, field: .dayOfMonth, message: #"day-of-month field "31": no selected day occurs in the selected months (month field "4,6,9,11"), so the expression never fires"#),
    ]

    @Test("parser errors name the field and the problem", arguments: invalid)
    func parserErrors(_ row: Invalid) {
        do {
            let parsed = try CronExpression(row.expression)
            Issue.record("parsed \(parsed) without an error")
        } catch {
            #expect(error.code == row.code)
            #expect(error.field == row.field)
            #expect(error.description == row.message)
            #expect(error.exitCode == .config)
        }
    }

    @Test func replacementsForNamesAndMacros() {
        #expect(replacement("0 9 * * fri") == "5")
        #expect(replacement("0 9 * dec *") == "12")
        #expect(replacement("@hourly") == "0 * * * *")
        #expect(replacement("@weekly") == "0 0 * * 0")
    }

    @Test func februaryThe30thFiresWhenDayOfWeekIsAlsoRestricted() throws {
        // Either-matches rule: February's Mondays make it fire, so it is not "never fires".
        let expression = try CronExpression("0 0 30 2 1")
        #expect(expression.next(2, after: CronTime.utc("2026-01-01T00:00Z")).map(CronTime.iso) == ["2026-02-02T00:00Z", "2026-02-09T00:00Z"])
    }

    @Test func leapDayOnASundayIsFoundDecadesAhead() throws {
        // February 29 that is a Sunday AND (day-of-week starts with *, so both must match): 2032, then 2060.
        let expression = try CronExpression("0 0 29 2 */7")
        #expect(expression.next(2, after: CronTime.utc("2026-01-01T00:00Z")).map(CronTime.iso) == ["2032-02-29T00:00Z", "2060-02-29T00:00Z"])
    }

    private func replacement(_ text: String) -> String? {
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            return error.replacement
        }
    }
}

/// JSON-style quoting for test names.
enum JSONTextForTests {
    static func quoted(_ text: String) -> String { "\"" + text + "\"" }
}
