/// A secret value (token, password, signing key) whose text never reaches a log or an error message.
///
/// `description` and `debugDescription` print `***`; read ``revealed`` only where the secret is sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret's text. Use it only to send it where it belongs.
    public let revealed: String

    /// Wraps a secret.
    /// - Parameter value: the secret's text.
    public init(_ value: String) { self.revealed = value }

    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }

    /// Whether the secret is the empty string.
    public var isEmpty: Bool { revealed.isEmpty }

    /// Removes every occurrence of the secret (and, if non-empty, nothing else) from `text`.
    /// - Parameter text: text that might contain the secret, such as a server's error message.
    /// - Returns: `text` with the secret replaced by `***`.
    public func redact(_ text: String) -> String {
        guard revealed.count >= 3 else { return text }
        return text.replacing(revealed, with: "***")
    }
}
