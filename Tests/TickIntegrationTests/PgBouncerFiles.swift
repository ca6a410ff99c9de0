import Foundation

/// The private directory of a test's `pgbouncer`: mode 0700, its files 0600, owned by the user pgbouncer runs
/// as (the PostgreSQL OS user when this process is root: pgbouncer refuses to run as root).
enum PgBouncerFiles {
    /// The user to pass to `pgbouncer -u` when this process is root (`TICK_DEV_PG_OS_USER`, as in
    /// `scripts/dev-services`, default `postgres`); `nil` otherwise.
    static var runAsUser: String? {
        guard getuid() == 0 else { return nil }
        let name = ProcessInfo.processInfo.environment["TICK_DEV_PG_OS_USER"] ?? ""
        return name.isEmpty ? "postgres" : name
    }

    /// Creates the directory and writes `pgbouncer.ini` and `userlist.txt` into it.
    /// - Returns: the directory.
    static func write(_ configuration: PgBouncerConfiguration) throws -> URL {
        let manager = FileManager.default
        // As root, /tmp rather than TMPDIR: the pgbouncer user must be able to reach the directory.
        let base = runAsUser == nil ? manager.temporaryDirectory : URL(fileURLWithPath: "/tmp")
        let directory = base.appendingPathComponent("tick-pgbouncer-\(UUID().uuidString)")
        try manager.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let files = [
                ("pgbouncer.ini", configuration.ini(directory: directory)),
                ("userlist.txt", configuration.authFile),
            ]
            for (name, text) in files {
                let path = directory.appendingPathComponent(name).path
                guard manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw Problem(description: "could not write \(path)")
                }
            }
            if let user = runAsUser { try hand(directory, to: user, files: files.map(\.0)) }
        } catch {
            try? manager.removeItem(at: directory)
            throw error
        }
        return directory
    }

    private static func hand(_ directory: URL, to user: String, files: [String]) throws {
        guard let entry = getpwnam(user) else {
            throw Problem(description: "running as root, pgbouncer needs the OS user \(user) (TICK_DEV_PG_OS_USER), which does not exist: run scripts/dev-services start, which creates it")
        }
        let (uid, gid) = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        for path in [directory.path] + files.map({ directory.appendingPathComponent($0).path }) {
            guard chown(path, uid, gid) == 0 else { throw Problem(description: "chown \(path) to \(user) failed (errno \(errno))") }
        }
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }
}
