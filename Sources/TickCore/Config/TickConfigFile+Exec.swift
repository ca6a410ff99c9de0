#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TickConfigFile {
    /// The `command`, `env`, `kill_grace_ms` and `permanent_exit_codes` of an exec handler; a relative
    /// program (`./bin/work`, `bin/work`) is made absolute against `folder`.
    static func parseExec(_ members: [String: JSONValue], folder: String, failure: (String) -> ConfigFileError) throws(ConfigFileError) -> ExecHandler.Configuration {
        guard case .array(let parts)? = members["command"], !parts.isEmpty else {
            throw failure(#""command" must be a non-empty array of strings"#)
        }
        var command: [String] = []
        for part in parts {
            guard case .string(let text) = part else { throw failure(#""command" must be a non-empty array of strings"#) }
            command.append(text)
        }
        guard let program = command.first, !program.isEmpty else {
            throw failure(#""command" must start with the program to run, not an empty string"#)
        }
        if program.contains("\u{0}") || command.contains(where: { $0.contains("\u{0}") }) {
            throw failure(#""command" must not contain NUL characters"#)
        }
        command[0] = resolve(program: program, folder: folder)

        var configuration = ExecHandler.Configuration(command: command)
        if let value = members["env"] { configuration.environment = try parseEnvironment(value, failure: failure) }
        if let value = members["kill_grace_ms"] {
            guard let milliseconds = value.intValue, (0...maximumKillGraceMilliseconds).contains(milliseconds) else {
                throw failure(#""kill_grace_ms" must be a whole number of milliseconds from 0 to \#(maximumKillGraceMilliseconds)"#)
            }
            configuration.killGrace = .milliseconds(milliseconds)
        }
        if let value = members["permanent_exit_codes"] {
            configuration.permanentExitCodes.formUnion(try parsePermanentExitCodes(value, failure: failure))
        }
        return configuration
    }

    /// `env`: variables added to the command's environment.
    private static func parseEnvironment(_ value: JSONValue, failure: (String) -> ConfigFileError) throws(ConfigFileError) -> [String: String] {
        guard case .object(let variables) = value else {
            throw failure(#""env" must be an object of string values, like {"MODE": "fast"}"#)
        }
        var environment: [String: String] = [:]
        for key in variables.keys.sorted() {
            guard isValidVariableName(key) else {
                throw failure(#""env" name \#(quoted(key)) is invalid: use letters, digits and "_", not starting with a digit"#)
            }
            guard !ExecHandler.itemEnvironmentVariables.contains(key) else {
                throw failure(#""env" must not set \#(key): tick sets it for each item"#)
            }
            guard case .string(let text)? = variables[key], !text.contains("\u{0}") else {
                throw failure(#""env" value of \#(key) must be a string (quote numbers, like "8")"#)
            }
            environment[key] = text
        }
        return environment
    }

    /// `permanent_exit_codes`: exit statuses 1–255 that dead-letter the job at once; 75 keeps meaning
    /// "retry later" and cannot be listed.
    private static func parsePermanentExitCodes(_ value: JSONValue, failure: (String) -> ConfigFileError) throws(ConfigFileError) -> Set<Int32> {
        let usage = #""permanent_exit_codes" must be an array of exit statuses from 1 to 255, like [2, 64]"#
        guard case .array(let entries) = value else { throw failure(usage) }
        var codes: Set<Int32> = []
        for entry in entries {
            guard case .integer(let number) = entry, (1...255).contains(number) else { throw failure(usage) }
            guard Int32(number) != ExecHandler.temporaryFailureStatus else {
                throw failure(#""permanent_exit_codes" must not list 75: exit 75 (EX_TEMPFAIL) always means "retry later""#)
            }
            codes.insert(Int32(number))
        }
        return codes
    }

    /// `program` as the child is started with: a path with a `/` that does not start with one is made
    /// absolute against `folder` (the config file's); an absolute path or a bare name (looked up in `PATH`
    /// when started) stays as it is.
    /// - Parameters:
    ///   - program: `command[0]` as written.
    ///   - folder: the config file's folder, absolute.
    public static func resolve(program: String, folder: String) -> String {
        guard program.contains("/"), !program.hasPrefix("/") else { return program }
        var rest = Substring(program)
        while rest.hasPrefix("./") { rest = rest.dropFirst(2).drop { $0 == "/" } }
        return folder == "/" ? "/" + rest : folder + "/" + rest
    }

    /// The absolute folder of the file at `path` (a relative path is taken from the working directory).
    static func folder(of path: String) -> String {
        var folder: String
        if let slash = path.lastIndex(of: "/") {
            folder = String(path[..<slash])
            if folder.isEmpty { return "/" }
        } else {
            folder = "."
        }
        if !folder.hasPrefix("/") {
            let working = workingDirectory()
            folder = folder == "." ? working : (working == "/" ? "/" : working + "/") + folder
        }
        while folder.hasSuffix("/.") { folder.removeLast(2) }
        return folder.isEmpty ? "/" : folder
    }

    /// The working directory, or `.` when it cannot be read (deleted, or too long a path).
    private static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
