#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read: errno and its text.
struct FileReadFailure: Error, Sendable {
    var code: Int32
    var reason: String
}

/// Reads a whole (small) file.
/// - Parameters:
///   - path: the file.
///   - limit: the most bytes accepted; a longer file fails with `EFBIG`.
func readWholeFile(_ path: String, limit: Int) -> Result<[UInt8], FileReadFailure> {
    func failure(_ code: Int32) -> Result<[UInt8], FileReadFailure> {
        .failure(FileReadFailure(code: code, reason: String(cString: strerror(code))))
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return failure(errno) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { return failure(EFBIG) }
        } else if count == 0 {
            return .success(bytes)
        } else if errno != EINTR {
            return failure(errno)
        }
    }
}
