/// Signs each HTTP delivery with an HS256 JWT, sent in the `Tick-Signature` header, so an endpoint can tell
/// that a call came from `tick`, was meant for its URL, carries the body `tick` sent, and is not a replay of
/// an old call.
///
/// Claims: `iss` = `"tick"`, `sub` = the URL called, `iat` and `nbf` = now, `exp` = now + ``ttl``, `jti` = a
/// random id, `body` = base64url of the SHA-256 of the request body, `key` = the `Idempotency-Key` header (so a
/// captured request cannot be replayed under another key). Receivers verify with the current key
/// and, failing that, the next one, so keys rotate without downtime (docs/endpoints.md).
public struct HTTPSigner: Sendable, Hashable {
    /// The HS256 key (raw UTF-8 bytes of the configured string).
    let key: Secret
    /// How long a signature is valid: `exp - iat`.
    public let ttl: Duration

    /// Keys shorter than this are refused: RFC 7518 §3.2 wants a key at least as long as the hash (256 bits).
    public static let minimumKeyBytes = 32
    /// Five minutes: long enough for a slow network, short enough that a captured call soon stops working.
    public static let defaultTTL: Duration = .seconds(300)

    /// Makes a signer.
    /// - Parameters:
    ///   - key: the signing key, at least ``minimumKeyBytes`` bytes.
    ///   - ttl: validity of each signature, at least 1 s.
    public init(key: Secret, ttl: Duration = HTTPSigner.defaultTTL) {
        self.key = key
        self.ttl = max(.seconds(1), ttl)
    }

    /// The JWT for one request.
    /// - Parameters:
    ///   - url: the URL called (the `sub` claim).
    ///   - body: the request body (hashed into the `body` claim).
    ///   - now: Unix time in seconds (`iat`, `nbf`).
    ///   - id: the `jti` claim, unique per request.
    ///   - idempotencyKey: the request's `Idempotency-Key` (the `key` claim).
    /// - Returns: `header.claims.signature`, base64url each.
    public func token(url: String, body: [UInt8], now: Int64, id: String, idempotencyKey: String) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let claims: JSONValue = .object([
            "iss": .string("tick"),
            "sub": .string(url),
            "iat": .integer(now),
            "nbf": .integer(now),
            "exp": .integer(now + ttl.components.seconds),
            "jti": .string(id),
            "body": .string(Digest.base64URL(Digest.sha256(body))),
            "key": .string(idempotencyKey),
        ])
        let signingInput = Digest.base64URL(Array(header.utf8)) + "." + Digest.base64URL(Array(claims.serialized.utf8))
        let signature = Digest.hmacSHA256(key: Array(key.revealed.utf8), message: Array(signingInput.utf8))
        return signingInput + "." + Digest.base64URL(signature)
    }

    /// A random `jti`: 16 bytes from the system's generator, hex.
    static func randomID() -> String {
        Digest.hex(Digest.randomBytes(16))
    }
}
