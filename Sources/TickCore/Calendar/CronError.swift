/// A cron expression that cannot be parsed, naming the field and the problem:
/// `minute field "61": value out of range 0-59`.
///
/// Always exit code 78 (``TickExitCode/config``): expressions come from configuration.
public struct CronError: TickError, Equatable {
    /// The class of problem, so callers (such as the `vercel.json` validator) can phrase their own rule.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case fieldCount = "field_count"
            case emptyField = "empty_field"
            case invalidValue = "invalid_value"
            case outOfRange = "out_of_range"
            case invalidRange = "invalid_range"
            case invalidStep = "invalid_step"
            case nameNotAllowed = "name_not_allowed"
            case unsupportedSyntax = "unsupported_syntax"
            case macro = "macro"
            case neverFires = "never_fires"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not exactly five fields.
        public static let fieldCount = Code(.fieldCount)
        /// An empty list element, such as `1,,2`.
        public static let emptyField = Code(.emptyField)
        /// Not a number (or, with names enabled, not a name of this field).
        public static let invalidValue = Code(.invalidValue)
        /// A number outside the field's range.
        public static let outOfRange = Code(.outOfRange)
        /// A malformed range, or one whose start is after its end.
        public static let invalidRange = Code(.invalidRange)
        /// A step that is not a whole number of at least 1, or a step after a single value.
        public static let invalidStep = Code(.invalidStep)
        /// A month or day name (`JAN`, `MON`) while names are not enabled; ``CronError/replacement`` holds the number.
        public static let nameNotAllowed = Code(.nameNotAllowed)
        /// Quartz-style `L`, `W`, `#` or `?`.
        public static let unsupportedSyntax = Code(.unsupportedSyntax)
        /// A macro such as `@daily`; ``CronError/replacement`` holds the five-field equivalent when there is one.
        public static let macro = Code(.macro)
        /// A day-of-month that never occurs in the selected months (`0 0 30 2 *`).
        public static let neverFires = Code(.neverFires)

        /// A stable snake_case label, safe as a metric label.
        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// The field at fault, or nil for problems with the whole expression (field count, macros).
    public let field: CronField?
    /// The text at fault: the field's text, or the whole expression when ``field`` is nil.
    public let text: String
    /// What is wrong, such as `value out of range 0-59`.
    public let problem: String
    /// What to write instead, when there is one exact replacement: the number for a name (`1` for `MON`),
    /// the five fields for a macro (`0 0 * * *` for `@daily`).
    public let replacement: String?

    /// Makes an error.
    /// - Parameters:
    ///   - code: the class of problem.
    ///   - field: the field at fault, if any.
    ///   - text: the field's text, or the whole expression.
    ///   - problem: what is wrong.
    ///   - replacement: the exact replacement, if there is one.
    public init(_ code: Code, field: CronField?, text: String, problem: String, replacement: String? = nil) {
        self.code = code
        self.field = field
        self.text = text
        self.problem = problem
        self.replacement = replacement
    }

    /// `minute field "61": value out of range 0-59`, or `cron expression "…": …` for whole-expression problems.
    public var description: String {
        let subject = field.map { "\($0) field" } ?? "cron expression"
        return "\(subject) \(JSONText.quoted(text)): \(problem)"
    }

    public var exitCode: TickExitCode { .config }
}
