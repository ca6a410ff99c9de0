/// The cron expression grammar: fields, lists, ranges, steps and (optionally) names.
enum CronParser {
    struct Parsed {
        var text: String
        var fieldTexts: [String]
        var values: [CronValues]
    }

    /// Macros some crons accept, with their five-field equivalents (nil: no equivalent).
    static let macros: [String: String?] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *", "@reboot": nil,
    ]

    static func parse(_ raw: String, options: CronExpression.Options) throws(CronError) -> Parsed {
        let text = raw.trimmingCharacters(in: " \t\r\n")
        if text.hasPrefix("@") {
            let name = String(text.prefix { !$0.isWhitespace })
            if let known = macros[name.lowercased()] {
                if let equivalent = known {
                    throw CronError(
                        .macro, field: nil, text: text,
                        problem: "macros such as \(name) are not supported; write \(JSONText.quoted(equivalent))", replacement: equivalent)
                }
                throw CronError(.macro, field: nil, text: text, problem: "\(name) is not supported: only five-field schedules are")
            }
            throw CronError(.macro, field: nil, text: text, problem: "unknown macro \(name): write five fields")
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(
                .fieldCount, field: nil, text: text,
                problem: "expected five fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        var values: [CronValues] = []
        for field in CronField.allCases {
            values.append(try parseField(fields[field.rawValue], field: field, options: options))
        }
        return Parsed(text: text, fieldTexts: fields, values: values)
    }

    /// Parses one field: a comma list of `*`, `a`, `a-b`, `*/n`, `a-b/n`.
    static func parseField(_ text: String, field: CronField, options: CronExpression.Options) throws(CronError) -> CronValues {
        var values = CronValues()
        for partText in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = String(partText)
            func fail(_ code: CronError.Code, _ problem: String, replacement: String? = nil) -> CronError {
                CronError(code, field: field, text: text, problem: problem, replacement: replacement)
            }
            if part.isEmpty { throw fail(.emptyField, text.isEmpty ? "empty field" : "empty element in a list") }
            if let special = part.first(where: { $0 == "?" || $0 == "#" }) {
                throw fail(.unsupportedSyntax, "\(JSONText.quoted(String(special))) is not supported (L, W, # and ? are Quartz extensions, not standard cron)")
            }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw fail(.invalidStep, "\(JSONText.quoted(part)) has more than one step") }
            let rangeText = String(pieces[0])
            var step = 1
            if pieces.count == 2 {
                let stepText = String(pieces[1])
                guard !stepText.isEmpty, stepText.count <= 9, stepText.allSatisfy(\.isASCIIDigit), let parsed = Int(stepText), parsed >= 1 else {
                    throw fail(.invalidStep, "step \(JSONText.quoted(stepText)) must be a whole number of at least 1")
                }
                step = parsed
            }
            let low: Int
            let high: Int
            if rangeText == "*" {
                low = field.range.lowerBound
                high = field.range.upperBound
            } else if let dash = rangeText.firstIndex(of: "-") {
                let startText = String(rangeText[..<dash])
                let endText = String(rangeText[rangeText.index(after: dash)...])
                guard !startText.isEmpty, !endText.isEmpty, !endText.contains("-") else {
                    throw fail(.invalidRange, "\(JSONText.quoted(rangeText)) is not a range (write start-end, such as 1-5)")
                }
                low = try value(startText, field: field, fieldText: text, options: options)
                high = try value(endText, field: field, fieldText: text, options: options)
                guard low <= high else {
                    throw fail(.invalidRange, "range \(rangeText) starts after it ends (ranges do not wrap around; write \(low)-\(field.range.upperBound),\(field.range.lowerBound)-\(high))")
                }
            } else {
                low = try value(rangeText, field: field, fieldText: text, options: options)
                high = low
                if pieces.count == 2 {
                    throw fail(
                        .invalidStep,
                        "a step needs * or a range before it (write \(low)-\(field.range.upperBound)/\(step) or */\(step)); cron implementations disagree on \(JSONText.quoted(part))")
                }
            }
            for number in stride(from: low, through: high, by: step) { values.insert(number) }
        }
        if field == .dayOfWeek, values.contains(7) {
            values.remove(7)
            values.insert(0)
        }
        return values
    }

    /// One value: digits, or (with names enabled) a name of this field.
    static func value(_ token: String, field: CronField, fieldText: String, options: CronExpression.Options) throws(CronError) -> Int {
        func fail(_ code: CronError.Code, _ problem: String, replacement: String? = nil) -> CronError {
            CronError(code, field: field, text: fieldText, problem: problem, replacement: replacement)
        }
        if !token.isEmpty, token.allSatisfy(\.isASCIIDigit) {
            guard token.count <= 9, let number = Int(token), field.range.contains(number) else {
                let range = "\(field.range.lowerBound)-\(field.range.upperBound)"
                throw fail(.outOfRange, token == fieldText ? "value out of range \(range)" : "value \(token) out of range \(range)")
            }
            return number
        }
        let upper = token.uppercased()
        if let own = field.names.firstIndex(of: upper), !upper.isEmpty {
            if options.contains(.names) { return own }
            let kind = field == .month ? "month" : "day"
            throw fail(.nameNotAllowed, "\(kind) names are not accepted; use \(own)", replacement: String(own))
        }
        if let other = CronField.anyName(upper) {
            let kind = other.field == .month ? "a month name" : "a day name"
            throw fail(.invalidValue, "\(JSONText.quoted(token)) is \(kind), not a \(field) value")
        }
        let quartzSuffix = upper.hasSuffix("L") || upper.hasSuffix("W")
        if quartzSuffix, upper.dropLast().allSatisfy({ $0.isASCIIDigit || $0 == "L" }) {  // L, LW, 15W, 5L
            throw fail(.unsupportedSyntax, "\(JSONText.quoted(token)) is not supported (L, W, # and ? are Quartz extensions, not standard cron)")
        }
        throw fail(.invalidValue, "\(JSONText.quoted(token)) is not a number in \(field.range.lowerBound)-\(field.range.upperBound)")
    }
}

extension Character {
    /// Whether the character is one of the ASCII digits 0-9 (not other Unicode digits).
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
