import CTickBuild

/// The version of `tick` and the build it comes from: what `tick --version` (and `tick-serve`, `tick-gateway`)
/// print, and the version the Debian package gets.
///
/// ``current`` is the one place the version number is written: `scripts/package` reads it from this file,
/// and docs/install.md names the same number (`scripts/test-package` checks both). The commit and the exact
/// Swift version are passed in by `scripts/package`; a plain `swift build` reports the commit as unknown.
public enum TickVersion: Sendable {
    /// The version number, `MAJOR.MINOR.PATCH`.
    public static let current = "0.1.0"

    /// The commit the binary was built from (`git describe`-style, with `-dirty` for uncommitted changes), or
    /// `nil` when the build did not say (a plain `swift build`, not `scripts/package`).
    public static var commit: String? {
        let value = String(cString: tick_build_commit())
        return value.isEmpty ? nil : value
    }

    /// The Swift toolchain that built the binary: the exact version when `scripts/package` passed it in,
    /// else the compiler's major and minor version as the compiler knows it.
    public static var swift: String {
        let value = String(cString: tick_build_swift())
        return value.isEmpty ? compilerVersion : value
    }

    /// The line `--version` prints, such as `0.1.0 (commit 477b2afc1e2d, Swift 6.3.1)`.
    public static var description: String {
        "\(current) (commit \(commit ?? "unknown: not built by scripts/package"), Swift \(swift))"
    }

    /// The compiler's version to the minor number, from compile-time checks.
    static var compilerVersion: String {
        #if compiler(>=6.5)
        "6.5 or later"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1 or earlier"
        #endif
    }
}
