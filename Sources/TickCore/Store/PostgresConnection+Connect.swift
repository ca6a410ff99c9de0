import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension PostgresConnection {
    /// A started and completed libpq connection, with what tick knows about it.
    struct Opened {
        let connection: OpaquePointer
        let endpoint: PostgresEndpoint
        let redactor: PQRedactor
    }

    /// Opens a connection with libpq's non-blocking API, bounded by the effective connect timeout.
    ///
    /// Why `PQconnectStartParams` + `PQconnectPoll` rather than the blocking `PQconnectdbParams`: the
    /// parameters are the same (and expanded the same way), but only a connection that exists before the
    /// handshake can be told `PQsetErrorVerbosity(PQERRORS_VERBOSE)`, which is what makes libpq put the
    /// server's SQLSTATE (such as `28P01`) into a failed connection's message. The loop also bounds the whole
    /// attempt with one deadline. Host name resolution happens inside libpq and is not bounded by it.
    static func open(_ configuration: PostgresConfiguration) throws(PostgresError) -> Opened {
        // libpq processes keywords in order and a later one wins; the expanded `dbname` (the whole
        // connection string) comes after tick's defaults, so the string's own `connect_timeout` and
        // `application_name` win over them. `client_encoding` comes last: tick's strings are UTF-8.
        var keywords = ["connect_timeout", "application_name", "dbname", "client_encoding"]
        var values = [
            configuration.connectTimeoutKeywordValue, configuration.applicationName,
            configuration.conninfo.revealed, "UTF8",
        ]
        if configuration.applicationName.isEmpty {
            keywords.remove(at: 1)
            values.remove(at: 1)
        }
        let started = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection = started else {
            throw .unreachable(
                configuration.endpoint, reason: "libpq could not allocate a connection",
                variable: configuration.variableName)
        }
        PQsetErrorVerbosity(connection, PQERRORS_VERBOSE)
        // libpq prints NOTICEs (such as "relation already exists, skipping") to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)

        let effective = PQConninfo.effective(of: connection).options
        let endpoint = PostgresEndpoint(options: effective)
        let redactor = configuration.redactor.adding(effective["password"])

        if PQstatus(connection) == CONNECTION_BAD {
            // Rejected before any network traffic: an invalid option value, such as sslmode=bogus.
            let message = redactor(PQText.trimmed(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw .malformedConnectionString(variable: configuration.variableName, reason: message)
        }

        do throws(PostgresError) {
            try awaitConnection(connection, configuration: configuration, endpoint: endpoint, redactor: redactor)
        } catch {
            PQfinish(connection)
            throw error
        }
        let connectedEndpoint = PostgresEndpoint(
            host: PQhost(connection).map { String(cString: $0) } ?? endpoint.host,
            port: PQport(connection).map { String(cString: $0) } ?? endpoint.port,
            database: PQdb(connection).map { String(cString: $0) } ?? endpoint.database,
            user: PQuser(connection).map { String(cString: $0) } ?? endpoint.user)
        return Opened(connection: connection, endpoint: connectedEndpoint, redactor: redactor)
    }

    /// Drives `PQconnectPoll` until the connection is made, fails, or the deadline passes.
    private static func awaitConnection(
        _ connection: OpaquePointer, configuration: PostgresConfiguration, endpoint: PostgresEndpoint,
        redactor: PQRedactor
    ) throws(PostgresError) {
        let clock = ContinuousClock()
        let timeout = configuration.effectiveConnectTimeout
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        var status = PGRES_POLLING_WRITING
        while true {
            switch status {
            case PGRES_POLLING_OK:
                return
            case PGRES_POLLING_FAILED:
                throw failure(
                    redactor(String(cString: PQerrorMessage(connection))), endpoint: endpoint,
                    variable: configuration.variableName)
            default:
                break
            }
            let socket = PQsocket(connection)
            guard socket >= 0 else {
                throw failure(
                    redactor(String(cString: PQerrorMessage(connection))), endpoint: endpoint,
                    variable: configuration.variableName)
            }
            var waitMilliseconds: Int32 = -1
            if let deadline, let timeout {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else {
                    throw .timedOut(endpoint, after: timeout, variable: configuration.variableName)
                }
                let (seconds, attoseconds) = remaining.components
                let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
                waitMilliseconds = Int32(clamping: milliseconds)
            }
            let events = status == PGRES_POLLING_READING ? Int16(POLLIN) : Int16(POLLOUT)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, waitMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .unreachable(
                    endpoint, reason: "poll failed: \(String(cString: strerror(errno)))",
                    variable: configuration.variableName)
            }
            if ready == 0 { continue }  // the deadline check above ends the wait
            status = PQconnectPoll(connection)
        }
    }

    /// Turns libpq's message for a failed connection into a ``PostgresError``.
    ///
    /// With `PQERRORS_VERBOSE`, a server's refusal reads
    /// `connection to server at "h", port 5432 failed: FATAL:  28P01: password authentication failed …`;
    /// a network failure reads `connection to server at "h", port 9 failed: Connection refused` followed by
    /// a hint line.
    static func failure(_ message: String, endpoint: PostgresEndpoint, variable: String) -> PostgresError {
        if let refusal = serverRefusal(in: message) {
            return .rejected(endpoint, sqlState: refusal.sqlState, message: refusal.message, variable: variable)
        }
        let firstLine = PQText.trimmed(String(PQText.trimmed(message).split(separator: "\n").first ?? ""))
        var reason = firstLine
        if let failed = firstLine.firstRange(of: " failed: ") {
            reason = String(firstLine[failed.upperBound...])
        }
        return .unreachable(endpoint, reason: reason.isEmpty ? "no reason given" : reason, variable: variable)
    }

    /// The last `SEVERITY:  SQLSTATE: message` in a verbose libpq connection message.
    static func serverRefusal(in message: String) -> (sqlState: String, message: String)? {
        var found: (sqlState: String, message: String)?
        for line in message.split(separator: "\n") {
            for severity in ["FATAL:  ", "ERROR:  ", "PANIC:  "] {
                guard let range = line.firstRange(of: severity) else { continue }
                let rest = line[range.upperBound...]
                let code = rest.prefix(5)
                let isCode = code.count == 5 && code.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
                guard isCode, rest.dropFirst(5).hasPrefix(": ") else { continue }
                found = (String(code), PQText.trimmed(String(rest.dropFirst(7))))
            }
        }
        return found
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        var storage: [CChar] = []
        var offsets: [Int] = []
        for string in strings {
            offsets.append(storage.count)
            storage.append(contentsOf: string.utf8CString)
        }
        return storage.withUnsafeBufferPointer { buffer in
            var pointers: [UnsafePointer<CChar>?] = offsets.map { offset in buffer.baseAddress.map { $0 + offset } }
            pointers.append(nil)
            return pointers.withUnsafeBufferPointer { array in
                body(array.baseAddress)
            }
        }
    }
}
