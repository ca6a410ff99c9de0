#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TickConfigFile {
    /// Checks that every handler can run before a run claims anything: an `exec` command exists and is
    /// executable (a bare name: found in `PATH`), an `http` handler's URL has a host and a valid port.
    /// `tick run`, `tick drain` and `tick-serve` call it through ``TickEnvironment/runner(prefix:config:logger:applicationName:cache:)``;
    /// `tick doctor` reports the same problems.
    /// - Parameter environment: the worker's environment, whose `PATH` bare command names are looked up in.
    /// - Returns: one ``ConfigFileError`` per unusable handler, sorted by handler name; empty when all can run.
    public func unusableHandlers(environment: [String: String]) -> [ConfigFileError] {
        handlers.keys.sorted().compactMap { name -> ConfigFileError? in
            guard let kind = handlers[name]?.kind else { return nil }
            let problem: String?
            switch kind {
            case .exec(let configuration): problem = Self.commandProblem(configuration.command.first ?? "", folder: folder, path: environment["PATH"])
            case .http(let configuration): problem = Self.urlProblem(configuration.url)
            case .noop: problem = nil
            }
            return problem.map { ConfigFileError(.unusableCommand, path: path, handler: name, "\(path): handler \(Self.quoted(name)): \($0)") }
        }
    }

    /// Throws the first of ``unusableHandlers(environment:)``.
    /// - Parameter environment: the worker's environment (its `PATH`).
    /// - Throws: ``ConfigFileError`` (exit code 78) naming the handler and what to fix.
    public func checkHandlers(environment: [String: String]) throws(ConfigFileError) {
        if let first = unusableHandlers(environment: environment).first { throw first }
    }

    /// Why `program` cannot be started, or `nil` when it can.
    static func commandProblem(_ program: String, folder: String, path: String?) -> String? {
        guard program.contains("/") else {
            // posix_spawnp searches the worker's PATH (glibc's default when it is unset).
            let search = path ?? "/bin:/usr/bin"
            for directory in search.split(separator: ":", omittingEmptySubsequences: false) {
                let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
                if executableProblem(candidate) == nil { return nil }
            }
            return #"command \#(quoted(program)) is not found in PATH (\#(search)): install it, or give its absolute path in "command""#
        }
        guard let problem = executableProblem(program) else { return nil }
        return #"command \#(quoted(program)) \#(problem): fix "command" (a relative path is relative to the config file's folder, \#(folder))"#
    }

    /// Why the file at `path` cannot be executed, or `nil` when it can.
    private static func executableProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "does not exist" : "cannot be examined (\(String(cString: strerror(errno))))"
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "is not a regular file" }
        guard access(path, X_OK) == 0 else { return "is not executable: run chmod +x on it, or check its folder's permissions" }
        return nil
    }

    /// Why `url` (already `https://` or `http://`, see ``HTTPFields``) cannot be called, or `nil`. Names no
    /// part of the URL: it may hold a secret from `${NAME}`.
    static func urlProblem(_ url: String) -> String? {
        guard let scheme = url.firstRange(of: "://") else { return #""url" must start with https:// or http://"# }
        let rest = url[scheme.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return #""url" has an IPv6 address without its closing "]""# }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return #""url" has text after its IPv6 address that is not a port"# }
                port = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return #""url" has no host name, like https://app.example.com/api/tick"# }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._~%:".contains($0) }) else {
            return #""url" has a host name with characters a host name cannot have"#
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else { return #""url" has a port that is not a number from 1 to 65535"# }
        }
        return nil
    }
}
