import CCrypto

/// Hashes and MACs from OpenSSL's libcrypto, which libcurl loads anyway: SHA-1 names Lua scripts for
/// `EVALSHA`; SHA-256 and HMAC-SHA-256 sign HTTP deliveries (``HTTPSigner``).
public enum Digest {
    /// The SHA-1 of `message` (20 bytes).
    static func sha1(_ message: [UInt8]) -> [UInt8] { hash(message, length: Int(SHA_DIGEST_LENGTH), SHA1) }

    /// The SHA-256 of `message` (32 bytes).
    public static func sha256(_ message: [UInt8]) -> [UInt8] { hash(message, length: Int(SHA256_DIGEST_LENGTH), SHA256) }

    private static func hash(
        _ message: [UInt8], length: Int,
        _ function: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?
    ) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        message.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in _ = function(input.baseAddress, input.count, output.baseAddress) }
        }
        return digest
    }

    /// HMAC-SHA-256 of `message` under `key` (32 bytes).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { input in
                digest.withUnsafeMutableBufferPointer { output in
                    _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), input.baseAddress, input.count, output.baseAddress, &length)
                }
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    /// `count` random bytes from the system's secure generator.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Lower-case hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Base64url without padding (RFC 4648 §5), as JWTs use.
    public static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { text.append(alphabet[Int((value >> UInt32(shift)) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let value = UInt32(bytes[index]) << 16
            text.append(alphabet[Int((value >> 18) & 0x3F)])
            text.append(alphabet[Int((value >> 12) & 0x3F)])
        } else if rest == 2 {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            text.append(alphabet[Int((value >> 18) & 0x3F)])
            text.append(alphabet[Int((value >> 12) & 0x3F)])
            text.append(alphabet[Int((value >> 6) & 0x3F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
