#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// A swift-log handler that writes one line per event to standard error: human-readable text on a
/// terminal, one JSON object per line otherwise (for log collectors). Metadata uses dotted keys.
///
/// Log lines never carry secrets: callers log ``Secret`` values only through their redacted description.
public struct LogLineHandler: LogHandler {
    /// How lines are formatted.
    public enum Format: String, Sendable, CaseIterable {
        /// `LEVEL message key=value ...`
        case text
        /// `{"ts":…,"level":…,"msg":…,"label":…,key:value…}`
        case json

        /// Text on a terminal, JSON otherwise.
        public static var automatic: Format { isatty(STDERR_FILENO) == 1 ? .text : .json }
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: Format
    /// Whether each line first erases the terminal line it starts on (a live progress line drawn there).
    private let clearsLine: Bool

    /// Makes a handler.
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - level: the lowest level written.
    ///   - format: text or JSON.
    ///   - clearsLine: erase the current terminal line before each line (stderr is a terminal that may show a
    ///     progress line); `false` by default.
    public init(label: String, level: Logger.Level, format: Format, clearsLine: Bool = false) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.clearsLine = clearsLine
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(event.level.rawValue.uppercased().padding(7)) \(event.message)\(fields.isEmpty ? "" : "  " + fields)\n"
        case .json:
            var out = "{\"ts\":\(Self.json(Self.timestamp())),\"level\":\(Self.json(event.level.rawValue)),\"label\":\(Self.json(label)),\"msg\":\(Self.json(event.message.description))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                out += ",\(Self.json(key)):\(Self.json(value.description))"
            }
            line = out + "}\n"
        }
        var bytes = Array(((clearsLine ? "\r\u{1B}[K" : "") + line).utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String { JSONText.quoted(text) }

    /// UTC time as ISO 8601 with milliseconds.
    static func timestamp() -> String { UnixTime.iso8601(milliseconds: UnixTime.nowMilliseconds(), fraction: true) }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
