"""Verify that a request came from tick's `http` handler (pip install PyJWT; nothing else).

    from verify import verify, VerificationError

    try:
        claims = verify(request.headers, raw_body_bytes, "https://app.example.com/api/tick",
                        current_key=os.environ["TICK_SIGNING_KEY"],
                        next_key=os.environ.get("TICK_SIGNING_KEY_NEXT"))
    except VerificationError as error:
        return 401, f"tick signature: {error}"

tick signs every request with an HS256 JWT in the `Tick-Signature` header. Its claims:
iss "tick"; sub, the exact URL tick called (the `url` of tick.json after ${VAR} expansion); iat = nbf = the
time it was signed; exp, iat + signature_ttl_s (default 300); jti, 32 random hex characters; body,
base64url (no padding) of the SHA-256 of the raw request body; key, the request's Idempotency-Key.

`verify` checks, in this order, and raises one exception class per failure (all subclasses of
VerificationError):

    MissingSignature  no Tick-Signature header (or more than one)
    MalformedToken    not a JWT, not HS256, or a required claim missing or of the wrong type
    BadSignature      the signature matches neither the current nor the next key
    Expired           exp is more than `leeway` seconds in the past (a captured request is useless after it)
    NotYetValid       nbf or iat is more than `leeway` seconds in the future (a clock far behind tick's)
    WrongIssuer       iss is not "tick"
    WrongSubject      sub is not exactly `url`
    BodyMismatch      the body's SHA-256 is not the one tick signed
    KeyMismatch       the Idempotency-Key header is not the `key` tick signed (checked when the claim is there)
    Replayed          only with `replay_guard`: this jti was accepted before

Key rotation: give receivers the new key as `next_key`, then switch tick's signing_key to it, then make it
the `current_key` (and drop or replace `next_key`). Each request is tried against the current key first and
the next key only when the signature does not match.

`url` is compared byte for byte with `sub`: pass the URL exactly as tick is configured to call it (scheme,
host, port if any, path, query), not one rebuilt from the request's Host header, which proxies rewrite.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from typing import Any, Mapping

import jwt

__all__ = [
    "verify",
    "body_hash",
    "MemoryReplayGuard",
    "VerificationError",
    "MissingSignature",
    "MalformedToken",
    "BadSignature",
    "Expired",
    "NotYetValid",
    "WrongIssuer",
    "WrongSubject",
    "BodyMismatch",
    "KeyMismatch",
    "Replayed",
]

SIGNATURE_HEADER = "Tick-Signature"
ISSUER = "tick"
REQUIRED_CLAIMS = ("iss", "sub", "iat", "nbf", "exp", "jti", "body")


class VerificationError(Exception):
    """The request is not a valid, fresh request from tick. Answer 401; never run the item."""


class MissingSignature(VerificationError):
    pass


class MalformedToken(VerificationError):
    pass


class BadSignature(VerificationError):
    pass


class Expired(VerificationError):
    pass


class NotYetValid(VerificationError):
    pass


class WrongIssuer(VerificationError):
    pass


class WrongSubject(VerificationError):
    pass


class BodyMismatch(VerificationError):
    pass


class KeyMismatch(VerificationError):
    pass


class Replayed(VerificationError):
    pass


def body_hash(body: bytes) -> str:
    """base64url (no padding) of the SHA-256 of `body`: the `body` claim tick signs."""
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode("ascii")


def _header_values(headers: Any, wanted: str) -> list:
    """Every value of header `wanted`, from a dict (any case), an http.server/email Message, or Starlette/
    werkzeug-style headers."""
    values: list = []
    get_all = getattr(headers, "get_all", None) or getattr(headers, "getlist", None)
    if callable(get_all):  # email.message.Message (http.server), werkzeug, starlette
        values = [v for v in (get_all(wanted) or [])]
    else:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            if name.lower() == wanted.lower():
                values.extend(value if isinstance(value, (list, tuple)) else [value])
    return values


def _signature_header(headers: Any) -> str:
    """The one Tick-Signature value."""
    values = _header_values(headers, SIGNATURE_HEADER)
    if not values:
        raise MissingSignature(f"no {SIGNATURE_HEADER} header")
    if len(values) > 1:
        raise MissingSignature(f"{len(values)} {SIGNATURE_HEADER} headers; expected one")
    value = values[0]
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value.strip()


def _key_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8")


def verify(
    headers: Any,
    body: bytes,
    url: str,
    current_key: str | bytes,
    next_key: str | bytes | None = None,
    leeway: float = 30,
    *,
    replay_guard: "MemoryReplayGuard | Any | None" = None,
) -> dict:
    """Checks tick's signature on one request and returns its claims (a dict).

    - `headers`: the request's headers (any mapping or message type; the name is matched case-insensitively).
    - `body`: the raw body bytes, exactly as received: read them before any JSON parsing.
    - `url`: the URL tick is configured to call, after ${VAR} expansion; compared exactly with `sub`.
    - `current_key`, `next_key`: the signing keys (their UTF-8 bytes are the HMAC key). An empty or None
      `next_key` is not tried.
    - `leeway`: seconds of clock difference tolerated for exp, nbf and iat.
    - `replay_guard`: optional; an object with `first_use(jti: str, exp: int) -> bool` (see
      MemoryReplayGuard). It is asked only after every other check passed.
    """
    if not current_key:
        raise ValueError("current_key is empty")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError("body must be the raw request bytes")
    token = _signature_header(headers)

    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as error:
        raise MalformedToken(f"{SIGNATURE_HEADER} is not a JWT: {error}") from None
    if header.get("alg") != "HS256":
        raise MalformedToken(f"{SIGNATURE_HEADER} alg is {header.get('alg')!r}, expected 'HS256'")

    keys = [current_key] + ([next_key] if next_key else [])
    options = {"require": list(REQUIRED_CLAIMS), "verify_sub": False, "verify_jti": False}
    claims = None
    for key in keys:
        try:
            claims = jwt.decode(
                token, _key_bytes(key), algorithms=["HS256"], options=options, issuer=ISSUER, leeway=leeway
            )
            break
        except jwt.InvalidSignatureError:
            continue  # try the next key
        except jwt.ExpiredSignatureError:
            raise Expired("signature expired") from None
        except jwt.ImmatureSignatureError as error:
            raise NotYetValid(f"signature not yet valid ({error}); check the clocks") from None
        except jwt.InvalidIssuerError:
            raise WrongIssuer(f"iss is not {ISSUER!r}") from None
        except (jwt.MissingRequiredClaimError, jwt.InvalidIssuedAtError, jwt.DecodeError) as error:
            raise MalformedToken(str(error)) from None
        except jwt.InvalidTokenError as error:  # any other claim PyJWT refuses
            raise MalformedToken(str(error)) from None
    if claims is None:
        tried = "current or next key" if next_key else "current key (no next key set)"
        raise BadSignature(f"signature does not match the {tried}")

    for claim in ("sub", "jti", "body"):
        if not isinstance(claims[claim], str):
            raise MalformedToken(f"{claim} is not a string")
    if not hmac.compare_digest(claims["sub"].encode("utf-8"), url.encode("utf-8")):
        raise WrongSubject(f"signed for {claims['sub']!r}, not for {url!r}")
    if not hmac.compare_digest(claims["body"].encode("ascii", "replace"), body_hash(bytes(body)).encode("ascii")):
        raise BodyMismatch("the body is not the one tick signed")
    if "key" in claims:
        if not isinstance(claims["key"], str):
            raise MalformedToken("key is not a string")
        sent = _header_values(headers, "Idempotency-Key")
        sent_text = sent[0].decode("latin-1") if sent and isinstance(sent[0], bytes) else (sent[0] if sent else None)
        if len(sent) != 1 or not hmac.compare_digest(claims["key"].encode("utf-8"), str(sent_text).strip().encode("utf-8")):
            raise KeyMismatch("the Idempotency-Key header is not the one tick signed")
    if replay_guard is not None and not replay_guard.first_use(claims["jti"], int(claims["exp"] + leeway)):
        raise Replayed(f"jti {claims['jti']} was seen before")
    return claims


class MemoryReplayGuard:
    """Remembers accepted jti values until their token expires (plus leeway), in this process only.

    With several instances (serverless, replicas), use shared storage instead, with the same one-call
    semantics: Redis `SET tick:jti:<jti> 1 NX EXAT <exp>` (first use when the answer is OK), or a table
    with a unique jti column and INSERT ... ON CONFLICT DO NOTHING (first use when a row was inserted).
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, jti: str, expires_at: float) -> bool:
        now = time.time()
        with self._lock:
            for old in [j for j, until in self._seen.items() if until < now]:
                del self._seen[old]
            if jti in self._seen:
                return False
            self._seen[jti] = expires_at
            return True
