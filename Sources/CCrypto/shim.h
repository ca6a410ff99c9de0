#ifndef TICK_CCRYPTO_SHIM_H
#define TICK_CCRYPTO_SHIM_H

// OpenSSL's libcrypto: SHA-256 and HMAC-SHA-256 for signed HTTP deliveries. libcurl (the OpenSSL
// flavour) loads libcrypto anyway, so linking it directly costs no start-up time or memory.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#endif
