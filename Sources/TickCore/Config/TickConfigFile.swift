#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// tick's config file: which handlers jobs can name.
///
/// JSON, keys in snake_case. Its path is given by `--config` or `TICK_CONFIG`, else `tick.json` in the
/// working directory.
///
/// ```json
/// {
///   "handlers": {
///     "resize": {"kind": "exec", "command": ["./bin/resize", "--fast"], "timeout_ms": 30000,
///                "env": {"MODE": "fast"}, "kill_grace_ms": 2000},
///     "noop":   {"kind": "noop"}
///   }
/// }
/// ```
///
/// - `handlers`: an object from handler name (1–64 letters, digits, `.`, `_`, `-`, `:`) to its settings:
///   - `kind` (required): `"exec"` (an ``ExecHandler``), `"http"` (an ``HTTPHandler``) or `"noop"` (a
///     ``NoopHandler``).
///   - `timeout_ms`: the per-item timeout when a job sets none, 1 to 86 400 000; default 60 000
///     (``defaultItemTimeout``).
///   - `stop_on_failure`: `true` when a failed item should stop the job's other items; default `false`.
///   - `exec` only: `command` (required), a non-empty array of strings: the program and its arguments, no
///     shell; a program with a `/` that does not start with one (`./bin/work`, `bin/work`) is relative to
///     the config file's folder, a bare name is looked up in `PATH`; `env`, an object of string values added
///     to the command's environment (names like `[A-Za-z_][A-Za-z0-9_]*`, not tick's own `TICK_*` item
///     variables); `kill_grace_ms`, the time between SIGTERM and SIGKILL when an item times out, 0 to
///     600 000, default 2 000; `permanent_exit_codes`, exit statuses (1–255, not 75) that dead-letter the job
///     at once besides 65 (`EX_DATAERR`); every other non-zero exit is retried.
///   - `http` only: `url` (required, `https://` or `http://`), `method` (`POST`, `PUT`, `PATCH`), `headers`,
///     `signing_key` (required unless `"unsigned": true`), `signature_ttl_s`, `concurrency`, `rate`
///     (`{"requests": N, "period_ms": M}`), `max_result_bytes`, `ca_bundle`. `${NAME}` in `url`, header
///     values, `signing_key` and `ca_bundle` is replaced by the environment variable `NAME`.
///
/// - `schedules`: an object from schedule name (the same rule as handler names) to a recurring job, see
///   ``Schedule`` and docs/schedules.md: `cron` (required, five fields), `timezone` (an IANA name, default
///   `UTC`), `catch_up` (`"skip"`, the default, or `"all"`), `max_catch_up` (with `all`: 1 to 1000, default 24),
///   `job` (required: a job as `tick enqueue` takes it, without `id` and `run_at`).
///
/// The text must be strict JSON (no trailing comma, comment or duplicate key); a mistake is reported with
/// its line and column. An unknown top-level key is not an error, so a config written for a newer version
/// still runs: it is a ``warnings`` entry naming the closest known key, logged by each run and an error in
/// `tick doctor`. Unknown keys inside a handler or schedule are errors, so a typo does not pass silently.
/// Every problem is a ``ConfigFileError`` (exit code 78).
public struct TickConfigFile: Sendable, Hashable {
    /// One configured handler.
    public struct Handler: Sendable, Hashable {
        /// What runs.
        public enum Kind: Sendable, Hashable {
            /// An ``ExecHandler`` with this configuration.
            case exec(ExecHandler.Configuration)
            /// A ``NoopHandler``.
            case noop
            /// An ``HTTPHandler`` with this configuration (`${NAME}` references already expanded).
            case http(HTTPHandler.Configuration)
        }

        /// What runs.
        public var kind: Kind
        /// The per-item timeout (`timeout_ms`), or `nil` for ``TickConfigFile/defaultItemTimeout``.
        public var itemTimeout: Duration?
        /// `stop_on_failure`: whether a failed item stops the job's other items
        /// (``HandlerRegistry/Entry/stopOnFailure``). Defaults to `false`.
        public var stopOnFailure: Bool

        /// Makes a handler entry.
        /// - Parameters:
        ///   - kind: what runs.
        ///   - itemTimeout: the per-item timeout; `nil` for the default.
        ///   - stopOnFailure: whether a failed item stops the job's other items.
        public init(kind: Kind, itemTimeout: Duration? = nil, stopOnFailure: Bool = false) {
            self.kind = kind
            self.itemTimeout = itemTimeout
            self.stopOnFailure = stopOnFailure
        }
    }

    /// `tick.json`, in the working directory.
    public static let defaultPath = "tick.json"
    /// 60 s per item, when neither the job nor the handler sets a timeout.
    public static let defaultItemTimeout: Duration = .seconds(60)
    /// Largest `timeout_ms`: one day.
    public static let maximumTimeoutMilliseconds = 86_400_000
    /// Largest `kill_grace_ms`: ten minutes.
    public static let maximumKillGraceMilliseconds = 600_000
    /// Longest handler name.
    public static let maximumHandlerNameLength = 64

    /// The file it was read from, as given (used in error messages).
    public var path: String
    /// The absolute path of the folder the file is in: relative `exec` commands are resolved against it.
    public var folder: String
    /// Problems that do not stop a run: unknown top-level keys, each with the closest known key. A run logs
    /// them as warnings; `tick doctor` reports them as errors.
    public var warnings: [ConfigFileWarning] = []
    /// Handlers by name.
    public var handlers: [String: Handler]
    /// Recurring jobs by name (`schedules`), sorted by name.
    public var schedules: [Schedule] = []
    /// How long finished work is kept (`retention`); the defaults when the file has none.
    public var retention = Retention()
    /// Where alerts go (`alerts`); none when the file has none.
    public var alerts: [AlertSink] = []
    /// The PostgreSQL channel runs notify when a job's state or progress changes (`notify`); `nil`, the default,
    /// for none.
    public var notifyChannel: String?
    /// Per-key flow limits (`"limits"` on handlers, `"queues"`); none when the file has none.
    public var limits = FlowLimits()

    /// Makes a configuration in code.
    /// - Parameters:
    ///   - path: a name for messages.
    ///   - handlers: handlers by name.
    public init(path: String = TickConfigFile.defaultPath, handlers: [String: Handler] = [:]) {
        self.path = path
        self.folder = Self.folder(of: path)
        self.handlers = handlers
    }

    /// Reads and checks a config file.
    /// - Parameter path: the file's path.
    /// - Throws: ``ConfigFileError`` when the file cannot be read (see ``ConfigFileError/isMissingFile``)
    ///   or is not a valid config.
    /// - Parameter environment: the variables `${NAME}` in an `http` handler's settings refer to.
    public static func load(path: String, environment: [String: String] = [:]) throws(ConfigFileError) -> TickConfigFile {
        try parse(bytes: readFile(path), path: path, environment: environment)
    }

    /// Checks config file text.
    /// - Parameters:
    ///   - bytes: the file's content (UTF-8 JSON).
    ///   - path: the file's name, for messages.
    ///   - environment: the variables `${NAME}` in an `http` handler's settings refer to.
    /// - Throws: ``ConfigFileError`` naming the file, the handler and the key at fault.
    public static func parse(bytes: [UInt8], path: String = TickConfigFile.defaultPath, environment: [String: String] = [:]) throws(ConfigFileError) -> TickConfigFile {
        let root = try syntax(bytes, path: path)
        guard case .object(let top) = root else {
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): the top level must be a JSON object, like {"handlers": {...}}"#)
        }
        var config = TickConfigFile(path: path)
        config.warnings = unknownTopLevelKeys(in: top, path: path)
        switch top["handlers"] {
        case nil:
            break
        case .object(let entries)?:
            for name in entries.keys.sorted() {
                guard let settings = entries[name] else { continue }
                config.handlers[name] = try parseHandler(name: name, settings, path: path, folder: config.folder, environment: environment)
                if case .object(let members) = settings, let limits = members["limits"] {
                    config.limits.handlers[name] = try parseLimit(limits, path: path, context: "handler \(quoted(name))")
                }
            }
        case _?:
            throw ConfigFileError(.invalidValue, path: path, #"\#(path): "handlers" must be an object from handler name to settings, like {"resize": {"kind": "exec", "command": ["./bin/resize"]}}"#)
        }
        if let schedules = top["schedules"] { config.schedules = try parseSchedules(schedules, path: path) }
        if let queues = top["queues"] { config.limits.queues = try parseQueues(queues, path: path) }
        if let retention = top["retention"] { config.retention = try parseRetention(retention, path: path) }
        if let alerts = top["alerts"] { config.alerts = try parseAlerts(alerts, path: path, environment: environment) }
        if let notify = top["notify"] {
            guard let channel = notify.stringValue, isValidChannel(channel) else {
                throw ConfigFileError(
                    .invalidValue, path: path,
                    #"\#(path): "notify" must be a channel name of lower-case letters, digits and "_" (up to 63), like "tick_jobs""#)
            }
            config.notifyChannel = channel
        }
        return config
    }

    // MARK: - Handlers

    private static let execKeys: Set<String> = ["kind", "command", "env", "timeout_ms", "kill_grace_ms", "permanent_exit_codes", "stop_on_failure", "limits"]
    private static let noopKeys: Set<String> = ["kind", "timeout_ms", "stop_on_failure", "limits"]

    private static func parseHandler(
        name: String, _ settings: JSONValue, path: String, folder: String, environment: [String: String]
    ) throws(ConfigFileError) -> Handler {
        guard isValidHandlerName(name) else {
            throw ConfigFileError(.invalidName, path: path, handler: name, #"\#(path): handler name \#(quoted(name)) is invalid: use 1–\#(maximumHandlerNameLength) letters, digits, ".", "_", "-" or ":""#)
        }
        let prefix = "\(path): handler \(quoted(name))"
        func failure(_ message: String) -> ConfigFileError {
            ConfigFileError(.invalidValue, path: path, handler: name, "\(prefix): \(message)")
        }
        guard case .object(let members) = settings else {
            throw failure(#"must be an object, like {"kind": "exec", "command": ["./bin/work"]}"#)
        }
        let kindName: String
        switch members["kind"] {
        case .string(let value)?: kindName = value
        case nil: throw failure(#""kind" is required: "exec", "http" or "noop""#)
        case _?: throw failure(#""kind" must be a string: "exec", "http" or "noop""#)
        }
        let allowed: Set<String>
        switch kindName {
        case "exec": allowed = execKeys
        case "noop": allowed = noopKeys
        case "http": allowed = httpKeys
        default: throw failure(#"unknown kind \#(quoted(kindName)): use "exec", "http" or "noop""#)
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            let keys = allowed.sorted().map(quoted).joined(separator: ", ")
            throw ConfigFileError(.unknownKey, path: path, handler: name, "\(prefix): unknown key \(quoted(unknown)) (\(kindName == "noop" ? "a" : "an") \(kindName) handler takes \(keys))")
        }

        var timeout: Duration?
        if let value = members["timeout_ms"] {
            guard let milliseconds = value.intValue, (1...maximumTimeoutMilliseconds).contains(milliseconds) else {
                throw failure(#""timeout_ms" must be a whole number of milliseconds from 1 to \#(maximumTimeoutMilliseconds)"#)
            }
            timeout = .milliseconds(milliseconds)
        }
        var stopOnFailure = false
        switch members["stop_on_failure"] {
        case nil: break
        case .bool(let value)?: stopOnFailure = value
        case _?: throw failure(#""stop_on_failure" must be true or false"#)
        }
        let kind: Handler.Kind
        switch kindName {
        case "http": kind = .http(try HTTPFields(members: members, path: path, handler: name, environment: environment).configuration())
        case "exec": kind = .exec(try parseExec(members, folder: folder, failure: failure))
        default: kind = .noop
        }
        return Handler(kind: kind, itemTimeout: timeout, stopOnFailure: stopOnFailure)
    }

    /// Whether `name` is 1–64 ASCII letters, digits, `.`, `_`, `-` or `:`.
    /// - Parameter name: a handler name.
    public static func isValidHandlerName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...maximumHandlerNameLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x3A
        }
    }

    static func isValidVariableName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
        }
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    // MARK: - Reading

    /// Largest config file read: 4 MiB.
    static let maximumFileSize = 4 << 20

    private static func readFile(_ path: String) throws(ConfigFileError) -> [UInt8] {
        switch readWholeFile(path, limit: maximumFileSize) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw ConfigFileError.unreadable(path: path, errno: failure.code)
        }
    }
}

/// A config file that cannot be read or is not valid, with a message naming the file, handler and key.
///
/// Always exit code 78 (``TickExitCode/config``).
public struct ConfigFileError: TickError, Equatable {
    /// The class of problem.
    enum Code: Equatable, Sendable {
        case unreadable
        case missing
        case invalidJSON
        case invalidValue
        case invalidName
        case unknownKey
        case unusableCommand
    }

    let code: Code
    /// The file, as given.
    public let path: String
    /// The handler at fault, if any.
    public let handler: String?
    /// The line of a JSON syntax mistake (from 1), if that is the problem.
    public let line: Int?
    /// The column of a JSON syntax mistake (from 1, in characters), if that is the problem.
    public let column: Int?
    /// The sentence shown to the user.
    public let message: String

    init(_ code: Code, path: String, handler: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.code = code
        self.path = path
        self.handler = handler
        self.line = line
        self.column = column
        self.message = message
    }

    static func unreadable(path: String, errno code: Int32) -> ConfigFileError {
        let reason = String(cString: strerror(code))
        if code == ENOENT {
            return ConfigFileError(.missing, path: path, "\(path): cannot read the config file (\(reason)): create it, or pass its path with --config or TICK_CONFIG")
        }
        return ConfigFileError(.unreadable, path: path, "\(path): cannot read the config file (\(reason)): check its path and permissions")
    }

    public var description: String { message }

    public var exitCode: TickExitCode { .config }

    /// Whether the file does not exist: a missing default `tick.json` can mean "no config file".
    public var isMissingFile: Bool { code == .missing }
}
