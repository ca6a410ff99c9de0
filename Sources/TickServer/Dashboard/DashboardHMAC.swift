import TickCore

/// HMAC-SHA-256 (TickCore's ``TickCore/Digest``, libcrypto) for the dashboard's session cookies and CSRF tokens.
enum DashboardHMAC {
    /// HMAC-SHA-256 of `message` under `key`, as 64 lower-case hex digits.
    static func hex(key: String, message: String) -> String {
        Digest.hex(Digest.hmacSHA256(key: Array(key.utf8), message: Array(message.utf8)))
    }

    /// `count` random bytes from the system's secure generator, as hex.
    static func randomHex(bytes count: Int) -> String { Digest.hex(Digest.randomBytes(count)) }
}
