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

        /// 2 s between SIGTERM and SIGKILL.
        public static let defaultKillGrace: Duration = .seconds(2)
        /// 1 MiB of standard output.
        public static let defaultStdoutLimit = 1 << 20
        /// 64 KiB of standard error.
        public static let defaultStderrLimit = 64 << 10

        /// Makes a configuration.
        /// - Parameters:
        ///   - command: the program and its arguments; must not be empty.
        ///   - environment: variables added to the inherited environment.
        ///   - killGrace: time between SIGTERM and SIGKILL; negative values count as zero.
        ///   - stdoutLimit: bytes of standard output kept; beyond that the item fails.
        ///   - stderrLimit: bytes of standard error kept (the tail).
        public init(
            command: [String],
            environment: [String: String] = [:],
            killGrace: Duration = Configuration.defaultKillGrace,
            stdoutLimit: Int = Configuration.defaultStdoutLimit,
            stderrLimit: Int = Configuration.defaultStderrLimit
        ) {
            self.command = command
            self.environment = environment
            self.killGrace = killGrace
            self.stdoutLimit = stdoutLimit
            self.stderrLimit = stderrLimit
        }
    }
}
