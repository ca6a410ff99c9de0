import HTTPTypes

/// The header names the gateway reads and writes beyond the standard ones.
struct GatewayHeaders: Sendable {
    /// `upstash-sync-token`, sent on every response.
    let syncToken: HTTPField.Name
    /// `upstash-encoding`, read from requests (`base64` asks for base64-encoded strings).
    let encoding: HTTPField.Name

    /// Builds the names; `nil` only if HTTPTypes rejected a valid token, which it does not.
    init?() {
        guard let syncToken = HTTPField.Name("upstash-sync-token"),
            let encoding = HTTPField.Name("upstash-encoding")
        else { return nil }
        self.syncToken = syncToken
        self.encoding = encoding
    }
}
