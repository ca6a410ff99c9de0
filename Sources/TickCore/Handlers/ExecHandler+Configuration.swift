extension ExecHandler {
    /// What an ``ExecHandler`` runs and within which limits. Every default is a named constant.
    public struct Configuration: Sendable, Hashable {
        /// The program and its arguments (`argv`); no shell is involved. `command[0]` is a path, or a
        /// name looked up in the worker's `PATH`.
        public var command: [String]
        /// Variables added to the child's environment (they replace inherited ones of the same name).
        public var environment: [String: String]
        /// How long a child has between SIGTERM (at the item's deadline, or on cancellation) and SIGKILL.
        /// Defaults to ``defaultKillGrace``.
        public var killGrace: Duration
        /// At most this many bytes of standard output are kept; a child that writes more fails the item.
        /// Defaults to ``defaultStdoutLimit``.
        public var stdoutLimit: Int
        /// The last this-many bytes of standard error are kept (the failure reason shows the last KiB).
        /// Defaults to ``defaultStderrLimit``.
        public var stderrLimit: Int
        /// Exit statuses that fail the item for good (the job is dead-lettered at once): the input is bad and
        /// a retry would fail the same way. Every other non-zero exit is retried with the job's backoff.
        /// Defaults to ``defaultPermanentExitCodes``; ``ExecHandler/temporaryFailureStatus`` (75) is never
        /// permanent, even when listed.
        public var permanentExitCodes: Set<Int32>

        /// 2 s between SIGTERM and SIGKILL.
        public static let defaultKillGrace: Duration = .seconds(2)
        /// 1 MiB of standard output.
        public static let defaultStdoutLimit = 1 << 20
        /// 64 KiB of standard error.
        public static let defaultStderrLimit = 64 << 10
        /// 65, `EX_DATAERR` from `sysexits.h`: the input data is bad, do not retry.
        public static let dataErrorStatus: Int32 = 65
        /// Only ``dataErrorStatus`` (65) is permanent unless more are configured.
        public static let defaultPermanentExitCodes: Set<Int32> = [dataErrorStatus]

        /// Makes a configuration.
        /// - Parameters:
        ///   - command: the program and its arguments; must not be empty.
        ///   - environment: variables added to the inherited environment.
        ///   - killGrace: time between SIGTERM and SIGKILL; negative values count as zero.
        ///   - stdoutLimit: bytes of standard output kept; beyond that the item fails.
        ///   - stderrLimit: bytes of standard error kept (the tail).
        ///   - permanentExitCodes: exit statuses that dead-letter the job at once; others are retried.
        public init(
            command: [String],
            environment: [String: String] = [:],
            killGrace: Duration = Configuration.defaultKillGrace,
            stdoutLimit: Int = Configuration.defaultStdoutLimit,
            stderrLimit: Int = Configuration.defaultStderrLimit,
            permanentExitCodes: Set<Int32> = Configuration.defaultPermanentExitCodes
        ) {
            self.command = command
            self.environment = environment
            self.killGrace = killGrace
            self.stdoutLimit = stdoutLimit
            self.stderrLimit = stderrLimit
            self.permanentExitCodes = permanentExitCodes
        }
    }
}

extension ExecHandler.Configuration {
    /// Whether exit `status` fails the item for good: it is in ``permanentExitCodes`` and is not 75.
    /// - Parameter status: the command's exit status (not 0).
    public func isPermanent(_ status: Int32) -> Bool {
        status != ExecHandler.temporaryFailureStatus && permanentExitCodes.contains(status)
    }
}
