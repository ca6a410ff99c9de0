/// The JSON a handler is given and gives back, shared by the `exec` and `http` handlers so a job behaves
/// the same whichever runs it.
enum HandlerOutput {
    /// The JSON document a handler receives: the item's payload, or for a page of a cursor job
    /// `{"cursor": "<cursor>" | null, "page": N}`.
    static func body(for input: HandlerInput) -> [UInt8] {
        switch input {
        case .item(_, let payload):
            return Array(payload.serialized.utf8)
        case .page(let number, let cursor):
            let page = JSONValue.object(["cursor": cursor.map(JSONValue.string) ?? .null, "page": .integer(Int64(number))])
            return Array(page.serialized.utf8)
        }
    }

    /// The outcome of a successful handler whose output was `bytes`.
    ///
    /// An item's output, if not blank, is its result: its JSON value, or (when it is not JSON) its text as
    /// a JSON string. A page's output must be `{"next": "<cursor>" | null, "result": ...}`.
    /// - Parameters:
    ///   - bytes: standard output, or the response body.
    ///   - input: what the handler was given.
    ///   - source: what the output is, for messages: `stdout`, `the response body`.
    static func success(_ bytes: [UInt8], input: HandlerInput, source: String) -> HandlerOutcome {
        let text = trimmed(bytes)
        switch input {
        case .item:
            if text.isEmpty { return .done(result: nil) }
            if let value = try? JSONValue(parsing: text) { return .done(result: value) }
            return .done(result: .string(String(decoding: text, as: UTF8.self)))
        case .page:
            let expected = #"\#(source) of a cursor page must be a JSON object {"next": "<cursor>" | null, "result": ...}"#
            guard !text.isEmpty else { return .failed(reason: "\(expected), got nothing") }
            guard case .object(let members)? = try? JSONValue(parsing: text) else {
                return .failed(reason: "\(expected), got: \(preview(text))")
            }
            switch members["next"] {
            case .string(let next)?:
                return .page(next: next, result: members["result"])
            case .null?:
                return .page(next: nil, result: members["result"])
            case nil:
                return .failed(reason: "\(expected), got no \"next\" in: \(preview(text))")
            case let other?:
                return .failed(reason: "\(expected), got \"next\": \(preview(Array(other.serialized.utf8)))")
            }
        }
    }

    /// `bytes` without leading and trailing ASCII white space.
    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return Array(bytes[first...last])
    }

    /// The first `limit` bytes as text (valid UTF-8), with `…` when cut.
    static func preview(_ bytes: [UInt8], limit: Int = 200) -> String {
        guard bytes.count > limit else { return String(decoding: bytes, as: UTF8.self) }
        // Do not cut a UTF-8 sequence: back up to the first byte of the sequence at the cut.
        var end = limit
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self) + "…"
    }
}
