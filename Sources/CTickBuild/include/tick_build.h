#ifndef TICK_BUILD_H
#define TICK_BUILD_H

/// The commit this binary was built from, as passed by scripts/package
/// (`-Xcc -DTICK_BUILD_COMMIT="…"`); an empty string for a plain `swift build`.
const char *tick_build_commit(void);

/// The Swift toolchain version scripts/package built with (`-Xcc -DTICK_BUILD_SWIFT="6.3.1"`); an empty
/// string for a plain `swift build` (TickVersion then reports the compiler's major.minor).
const char *tick_build_swift(void);

#endif
