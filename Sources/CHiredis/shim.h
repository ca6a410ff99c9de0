#ifndef TICK_CHIREDIS_SHIM_H
#define TICK_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>
#include <sys/time.h>

/*
 * Typed wrappers around the few hiredis calls whose C signatures are awkward from Swift
 * (`void **` out-parameters, `struct timeval` by value). Everything else is called directly.
 * The logic stays in Swift; these only adapt types.
 */

/// Builds a `struct timeval` from milliseconds.
static inline struct timeval tick_hiredis_timeval(long milliseconds) {
    struct timeval tv;
    tv.tv_sec = milliseconds / 1000;
    tv.tv_usec = (milliseconds % 1000) * 1000;
    return tv;
}

/// `redisConnectWithTimeout` with the timeout given in milliseconds. Returns NULL only when
/// hiredis could not allocate a context; otherwise check `c->err`.
static inline redisContext *tick_hiredis_connect(const char *host, int port, long timeout_ms) {
    return redisConnectWithTimeout(host, port, tick_hiredis_timeval(timeout_ms));
}

/// `redisSetTimeout` (read and write timeout of the blocking socket) in milliseconds.
static inline int tick_hiredis_set_timeout(redisContext *c, long timeout_ms) {
    return redisSetTimeout(c, tick_hiredis_timeval(timeout_ms));
}

/// `redisGetReply` with a typed out-parameter. Returns REDIS_OK or REDIS_ERR; on REDIS_OK
/// `*reply` owns a reply tree the caller must release with `freeReplyObject`.
static inline int tick_hiredis_get_reply(redisContext *c, redisReply **reply) {
    void *raw = NULL;
    int rc = redisGetReply(c, &raw);
    *reply = (redisReply *)raw;
    return rc;
}

#endif
