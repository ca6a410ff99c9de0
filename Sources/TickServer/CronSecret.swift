import TickCore

/// Checks `Authorization: Bearer <secret>` headers in constant time.
///
/// The comparison takes time that depends only on the secret's length, never on where the first wrong
/// byte is, so the secret cannot be guessed byte by byte from response times.
struct CronSecret: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// Wraps the secret; `nil` when it is empty.
    init?(_ secret: Secret) {
        guard !secret.isEmpty else { return nil }
        bytes = Array(secret.revealed.utf8)
    }

    /// Always `***`.
    var description: String { "***" }

    /// Whether `header` (the whole `Authorization` value) is `Bearer <secret>`. The scheme is
    /// case-insensitive; spaces between scheme and secret are skipped.
    func accepts(authorization header: String?) -> Bool {
        guard let header else { return false }
        let value = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard value.count > scheme.count, zip(value, scheme).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) else { return false }
        return matches(value[scheme.count...].drop { $0 == UInt8(ascii: " ") })
    }

    /// Compares `candidate` with the secret in time that depends only on the secret's length.
    func matches(_ candidate: some Collection<UInt8>) -> Bool {
        let candidate = Array(candidate)
        var difference: UInt8 = candidate.count == bytes.count ? 0 : 1
        for index in bytes.indices {
            let other = index < candidate.count ? candidate[index] : ~bytes[index]
            difference |= bytes[index] ^ other
        }
        return difference == 0
    }
}
