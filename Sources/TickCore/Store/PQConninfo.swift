import CLibPQ

/// The keyword/value options of a libpq connection string, as libpq itself parses them.
///
/// `PQconninfoParse` accepts both forms libpq accepts (`postgresql://…` URIs and `key=value` strings),
/// so tick never parses a connection string with rules of its own. Only keywords the string sets are kept.
struct PQConninfo: Sendable {
    /// Keyword to value, for every option the string sets (for example `host`, `port`, `dbname`, `user`).
    let options: [String: String]

    /// Parses a connection string.
    /// - Parameter text: a libpq URI or key/value connection string.
    /// - Returns: the options, or libpq's message saying why the string is malformed (it may quote the
    ///   string, so redact it before showing it).
    static func parse(_ text: String) -> Result<PQConninfo, PQConninfoParseFailure> {
        var errorMessage: UnsafeMutablePointer<CChar>? = nil
        guard let parsed = PQconninfoParse(text, &errorMessage) else {
            var message = "libpq could not parse it"
            if let errorMessage {
                message = PQText.trimmed(String(cString: errorMessage))
                PQfreemem(errorMessage)
            }
            return .failure(PQConninfoParseFailure(message: message))
        }
        defer { PQconninfoFree(parsed) }
        return .success(PQConninfo(options: collect(parsed)))
    }

    /// The options libpq will really use for a connection that has been started: the string's own,
    /// the defaults and the `PG*` environment variables combined.
    /// - Parameter connection: a `PGconn*` returned by `PQconnectStartParams`.
    /// - Returns: every option that has a value (the password included: keep it away from output).
    static func effective(of connection: OpaquePointer) -> PQConninfo {
        guard let options = PQconninfo(connection) else { return PQConninfo(options: [:]) }
        defer { PQconninfoFree(options) }
        return PQConninfo(options: collect(options))
    }

    private static func collect(_ first: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var result: [String: String] = [:]
        var option = first
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return result
    }
}

/// Why libpq rejected a connection string.
struct PQConninfoParseFailure: Error, Sendable {
    /// libpq's message, unredacted.
    let message: String
}

/// Small text helpers for libpq's messages (tick's core avoids Foundation).
enum PQText {
    /// `text` without leading and trailing spaces, tabs and newlines.
    static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// A duration as tick prints it in messages: `5 s`, `2.5 s`, `250 ms`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
