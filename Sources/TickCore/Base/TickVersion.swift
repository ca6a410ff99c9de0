/// The version of `tick`.
public enum TickVersion: Sendable {
    /// The version string printed by `tick --version`.
    public static let current = "0.1.0"
}
