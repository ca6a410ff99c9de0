// The build's facts that only the build knows: C, because a Swift `-D` define carries no value.
// scripts/package passes them with -Xcc; a plain `swift build` leaves them empty.
#include "tick_build.h"

#ifndef TICK_BUILD_COMMIT
#define TICK_BUILD_COMMIT ""
#endif
#ifndef TICK_BUILD_SWIFT
#define TICK_BUILD_SWIFT ""
#endif

const char *tick_build_commit(void) { return TICK_BUILD_COMMIT; }

const char *tick_build_swift(void) { return TICK_BUILD_SWIFT; }
