import CCrypto

/// HMAC-SHA-256 from libcrypto (loaded by libcurl anyway), for the dashboard's session cookies and CSRF tokens.
enum DashboardHMAC {
    /// HMAC-SHA-256 of `message` under `key`, as 64 lower-case hex digits.
    static func hex(key: String, message: String) -> String {
        let key = Array(key.utf8)
        let message = Array(message.utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { input in
                digest.withUnsafeMutableBufferPointer { output in
                    _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count), input.baseAddress, input.count, output.baseAddress, &length)
                }
            }
        }
        return hex(Array(digest.prefix(Int(length))))
    }

    /// `count` random bytes from the system's secure generator, as hex.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Lower-case hexadecimal.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
