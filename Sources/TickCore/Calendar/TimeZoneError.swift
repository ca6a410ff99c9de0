/// A time zone that cannot be loaded from the tz database, with what to do about it.
///
/// Always exit code 78 (``TickExitCode/config``): zone names come from configuration.
public struct TimeZoneError: TickError, Equatable {
    /// The class of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidIdentifier = "invalid_identifier"
            case notFound = "not_found"
            case unreadable = "unreadable"
            case malformed = "malformed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Not an IANA zone name (empty, absolute, `..`, odd characters).
        public static let invalidIdentifier = Code(.invalidIdentifier)
        /// No file of that name in the tz database directory.
        public static let notFound = Code(.notFound)
        /// The file exists but cannot be read.
        public static let unreadable = Code(.unreadable)
        /// The file is not a TZif file tick can use (not TZif, version 1 only, leap seconds, truncated, bad footer).
        public static let malformed = Code(.malformed)

        /// A stable snake_case label.
        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// The zone name, as given.
    public let identifier: String
    /// The sentence shown to the user.
    public let message: String

    init(_ code: Code, identifier: String, _ message: String) {
        self.code = code
        self.identifier = identifier
        self.message = message
    }

    public var description: String { "time zone \(JSONText.quoted(identifier)): \(message)" }

    public var exitCode: TickExitCode { .config }
}
