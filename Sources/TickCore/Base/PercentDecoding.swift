/// Percent-decoding (RFC 3986), to raw bytes: connection strings and HTML form bodies use it.
public enum PercentDecoding {
    /// Decodes `%XX` sequences; a `%` not followed by two hex digits is kept as written.
    /// - Parameters:
    ///   - bytes: the encoded bytes.
    ///   - plusAsSpace: decode `+` as a space, as `application/x-www-form-urlencoded` does.
    /// - Returns: the decoded bytes.
    public static func decode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool = false) -> [UInt8] {
        var input = Array(bytes)[...]
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        while let byte = input.popFirst() {
            if plusAsSpace, byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2, let high = hexValue(input[input.startIndex]),
                let low = hexValue(input[input.startIndex + 1])
            {
                out.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
