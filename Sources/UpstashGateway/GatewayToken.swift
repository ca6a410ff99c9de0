/// The bearer token clients must present.
///
/// Its `description` is redacted so it never reaches a log.
public struct GatewayToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// Wraps a token; returns `nil` for an empty one.
    /// - Parameter value: The token text.
    public init?(_ value: String) {
        guard !value.isEmpty else { return nil }
        self.bytes = Array(value.utf8)
    }

    /// Always `***`.
    public var description: String { "***" }

    /// Compares `candidate` with the token in time that depends only on the lengths, not on where
    /// the first difference is.
    /// - Parameter candidate: What the client sent.
    /// - Returns: Whether it is the token.
    func matches(_ candidate: some Collection<UInt8>) -> Bool {
        let candidate = Array(candidate)
        var difference: UInt8 = candidate.count == self.bytes.count ? 0 : 1
        for index in 0..<self.bytes.count {
            let other = index < candidate.count ? candidate[index] : ~self.bytes[index]
            difference |= self.bytes[index] ^ other
        }
        return difference == 0
    }
}
