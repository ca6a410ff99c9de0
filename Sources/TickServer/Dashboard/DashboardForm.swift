import Hummingbird
import NIOCore
import TickCore

/// An `application/x-www-form-urlencoded` body: names to values, repeated names kept in order.
///
/// The dead-letter actions' bodies repeat `id` (one per checked box), which Hummingbird's `URLEncodedFormDecoder`
/// refuses as duplicate keys; query strings and the login form use the decoder (``DashboardQueryForms``).
struct DashboardForm: Sendable {
    /// Largest body a dashboard form may send: 64 KiB (a page of ids and a token).
    static let maximumBodySize = 64 * 1024

    private(set) var fields: [(name: String, value: String)] = []

    /// Parses `name=value&…`, with `+` as a space and `%XX` escapes; malformed escapes are kept as they are.
    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    /// The request's body, or `nil` when it is over ``maximumBodySize``.
    init?(body request: Request) async {
        do {
            let buffer = try await request.body.collect(upTo: Self.maximumBodySize)
            self.init(String(buffer: buffer))
        } catch {
            return nil
        }
    }

    /// The first value of `name`.
    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// Percent-decodes one component (`+` is a space).
    static func decode(_ text: Substring) -> String {
        String(decoding: PercentDecoding.decode(text.utf8, plusAsSpace: true), as: UTF8.self)
    }

    /// Percent-encodes a value for a URL query (everything but unreserved characters).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
