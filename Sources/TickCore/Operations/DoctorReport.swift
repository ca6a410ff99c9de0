/// What `tick doctor` prints: one line per check and a summary, or one JSON object.
public struct DoctorReport: Sendable, Equatable {
    /// The checks, in the order they ran.
    public var checks: [DoctorCheck]
    /// Redis requests the checks sent.
    public var redisRequests: Int
    /// Billable Redis commands in those requests.
    public var redisCommands: Int

    public init(checks: [DoctorCheck], redisRequests: Int, redisCommands: Int) {
        self.checks = checks
        self.redisRequests = redisRequests
        self.redisCommands = redisCommands
    }

    /// Checks that came out as errors.
    public var errorCount: Int { checks.filter { $0.level == .error }.count }
    /// Checks that came out as warnings.
    public var warningCount: Int { checks.filter { $0.level == .warning }.count }
    /// The process exit code: 0 when no check is an error (warnings allowed), else ``TickExitCode/checksFailed`` (83).
    public var exitCode: Int32 { errorCount > 0 ? TickExitCode.checksFailed.rawValue : 0 }

    /// `level   name   message` lines, then `N checks: E errors, W warnings; R Redis requests (C commands)`.
    public var text: String {
        var lines = checks.map { check in
            "\(Self.padded(check.level.rawValue, 8))\(Self.padded(check.name, 24)) \(check.message)"
        }
        lines.append(
            "\(checks.count) checks: \(Self.count(errorCount, "error")), \(Self.count(warningCount, "warning")); "
                + "\(Self.count(redisRequests, "Redis request")) (\(Self.count(redisCommands, "command")))")
        return lines.joined(separator: "\n")
    }

    /// One JSON object: `checks` (`check`, `status`, `message`), `errors`, `warnings`, `redis_requests`,
    /// `redis_commands`, `exit_code`.
    public var json: String {
        JSONValue.object([
            "checks": .array(checks.map { .object(["check": .string($0.name), "status": .string($0.level.rawValue), "message": .string($0.message)]) }),
            "errors": .integer(Int64(errorCount)), "warnings": .integer(Int64(warningCount)),
            "redis_requests": .integer(Int64(redisRequests)), "redis_commands": .integer(Int64(redisCommands)),
            "exit_code": .integer(Int64(exitCode)),
        ]).serialized
    }

    /// `text` followed by spaces up to `width` characters.
    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `1 error`, `2 errors`.
    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
