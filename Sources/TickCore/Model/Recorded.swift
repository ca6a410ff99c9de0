/// A value read back from a text column: one this binary knows, or the raw text of one it does not (a row
/// written by a newer tick, or by hand), kept as written instead of failing the whole read.
public enum Recorded<Value: RawRepresentable & Sendable & Equatable>: Sendable, Equatable where Value.RawValue == String {
    /// A value of this binary's enum.
    case known(Value)
    /// Text no case of `Value` spells.
    case unknown(String)

    /// The known value for `text`, or `.unknown(text)`.
    /// - Parameter text: the column's text.
    public init(_ text: String) {
        self = Value(rawValue: text).map(Recorded.known) ?? .unknown(text)
    }

    /// The text as stored in the column.
    public var rawValue: String {
        switch self {
        case .known(let value): value.rawValue
        case .unknown(let text): text
        }
    }

    /// The known value, `nil` for unknown text.
    public var value: Value? {
        if case .known(let value) = self { return value }
        return nil
    }
}
