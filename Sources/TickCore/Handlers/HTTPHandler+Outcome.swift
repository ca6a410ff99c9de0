extension HTTPHandler {
    /// Maps how a call ended to the item's outcome (see ``HTTPHandler``'s overview).
    /// - Parameters:
    ///   - result: the transfer's result.
    ///   - input: the item or page called for.
    ///   - configuration: the handler's limits (result size, `Retry-After` cap).
    ///   - now: Unix time in seconds, for a `Retry-After` date.
    static func outcome(of result: HTTPTransferResult, input: HandlerInput, configuration: Configuration, now: Int64) -> HandlerOutcome {
        let target = "\(configuration.method) \(configuration.displayURL)"
        let response: HTTPTransferResponse
        switch result {
        case .cancelled:
            return .retryLater(reason: "cancelled at the run's deadline", after: nil)
        case .failed(let error):
            switch error.kind {
            case .timedOut:
                return .retryLater(reason: "\(target): no response before the item's deadline (its timeout, or the run's end)", after: nil)
            case .notSent:
                return .retryLater(reason: "\(target): cannot connect: \(error.message)", after: nil)
            case .replyLost:
                return .retryLater(reason: "\(target): connection lost before a complete response: \(error.message)", after: nil)
            case .local:
                return .retryLater(reason: "\(target): \(error.message)", after: nil)
            }
        case .response(let value):
            response = value
        }

        let status = response.status
        switch status {
        case 200..<300:
            if response.bodyOverflowed {
                let limit = ExecHandler.size(configuration.maxResultBytes)
                switch input {
                case .item:
                    // The endpoint did the work: the item is done, its oversized result is not stored.
                    return .done(result: .object(["result_omitted": .string("the response body was larger than max_result_bytes (\(limit))")]))
                case .page:
                    return .failed(reason: "\(target): HTTP \(status) with a body larger than max_result_bytes (\(limit)): a cursor page's body must fit, raise max_result_bytes or return less")
                }
            }
            return HandlerOutput.success(response.body, input: input, source: "the response body")
        case 300..<400:
            let location = response.headers["location"].map { " to \(Self.displayLocation($0))" } ?? ""
            return .failed(reason: "\(target): HTTP \(status) redirect\(location) not followed: set the handler's url to the final address")
        case 408, 429, 500..<600:
            let after = RetryAfter.delay(response.headers["retry-after"], now: now, cap: configuration.maxRetryAfter)
            return .retryLater(reason: Self.reason(target, status, response.body), after: after)
        default:
            return .failed(reason: Self.reason(target, status, response.body))
        }
    }

    /// `POST https://… : HTTP 404: <start of the body>`.
    static func reason(_ target: String, _ status: Int, _ body: [UInt8]) -> String {
        let text = HandlerOutput.preview(HandlerOutput.trimmed(body), limit: reasonBodyBytes)
        return text.isEmpty ? "\(target): HTTP \(status)" : "\(target): HTTP \(status): \(text)"
    }

    /// A `Location` without its query (it may carry a token).
    static func displayLocation(_ location: String) -> String {
        let cut = location.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? location.endIndex
        return String(location[..<cut].prefix(200))
    }
}
