/// The request target (`/set/foo/bar?_token=...`) split into what the gateway needs.
struct RequestTarget: Sendable {
    /// What the path asks for.
    enum Route: Sendable, Equatable {
        /// `/`: the command is the JSON array in the body.
        case jsonCommand
        /// `/pipeline`: a JSON array of commands, run in order, not atomically.
        case pipeline
        /// `/multi-exec`: a JSON array of commands, run as one MULTI/EXEC transaction.
        case transaction
        /// `/cmd/arg/...`: the percent-decoded path segments are the command.
        case pathCommand([[UInt8]])
    }

    /// The route the path selects.
    var route: Route
    /// The percent-decoded value of the `_token` query parameter, if present.
    var queryToken: [UInt8]?

    /// Parses a raw request target.
    /// - Parameter target: The path and query as sent on the request line.
    init(_ target: String) {
        let utf8 = Array(target.utf8)
        let queryStart = utf8.firstIndex(of: UInt8(ascii: "?"))
        var path = utf8[..<(queryStart ?? utf8.endIndex)]
        if let queryStart {
            self.queryToken = Self.queryValue(named: "_token", in: utf8[(queryStart + 1)...])
        } else {
            self.queryToken = nil
        }

        while path.first == UInt8(ascii: "/") { path = path.dropFirst() }
        if path.last == UInt8(ascii: "/") { path = path.dropLast() }

        if path.isEmpty {
            self.route = .jsonCommand
        } else if path.elementsEqual("pipeline".utf8) {
            self.route = .pipeline
        } else if path.elementsEqual("multi-exec".utf8) {
            self.route = .transaction
        } else {
            let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            self.route = .pathCommand(segments.map { PercentDecoding.decode($0) })
        }
    }

    /// The percent-decoded value of the first `name=value` pair in a query string.
    ///
    /// A `+` stays a `+` (tokens may contain it); clients percent-encode what needs it.
    private static func queryValue(named name: String, in query: ArraySlice<UInt8>) -> [UInt8]? {
        let key = Array(name.utf8)
        for pair in query.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = parts.first, PercentDecoding.decode(first) == key else { continue }
            return parts.count > 1 ? PercentDecoding.decode(parts[1]) : []
        }
        return nil
    }
}
