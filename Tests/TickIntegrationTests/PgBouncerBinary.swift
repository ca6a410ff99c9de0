import Foundation
import Testing

/// Finds the `pgbouncer` executable: on `PATH`, else where Debian's package puts it (`/usr/sbin`, which is not
/// on a normal user's `PATH`).
enum PgBouncerBinary {
    static let fallbackDirectories = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin"]

    /// The executable's path.
    /// - Throws: after recording an issue that says how to install it, when there is none.
    static func locate(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + fallbackDirectories
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("pgbouncer").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PgBouncer.failure(
            "pgbouncer is not installed (looked on PATH and in \(fallbackDirectories.joined(separator: ", "))): "
                + "`apt-get install -y pgbouncer`, or run scripts/test, which installs it", sourceLocation)
    }
}
