// Verify that a request came from tick's `http` handler. Node 18+ (node:crypto only; no npm packages).
//
//   import { verify, VerificationError } from "./verify.mjs";
//
//   const body = Buffer.from(await request.arrayBuffer());      // the raw bytes, before any JSON parsing
//   try {
//     const claims = verify(request.headers, body, "https://app.example.com/api/tick",
//                           process.env.TICK_SIGNING_KEY, process.env.TICK_SIGNING_KEY_NEXT);
//   } catch (error) {
//     if (error instanceof VerificationError) return new Response(`tick signature: ${error.message}`, { status: 401 });
//     throw error;
//   }
//
// tick signs every request with an HS256 JWT in the Tick-Signature header. Claims: iss "tick"; sub, the
// exact URL tick called (tick.json's url after ${VAR} expansion); iat = nbf = when it was signed; exp,
// iat + signature_ttl_s (default 300); jti, 32 random hex characters; body, base64url (no padding) of the
// SHA-256 of the raw request body; key, the request's Idempotency-Key.
//
// verify() checks in this order and throws a VerificationError whose `code` (and subclass) names the
// failure: missing_signature, malformed_token, bad_signature (neither the current nor the next key),
// expired (exp more than `leeway` seconds ago), not_yet_valid (nbf/iat more than `leeway` seconds ahead),
// wrong_issuer, wrong_subject (sub !== url, byte for byte), body_mismatch, key_mismatch (the
// Idempotency-Key header is not the signed `key`, checked when the claim is there), replayed (only with a
// replayGuard). It returns the claims.
//
// Key rotation: give receivers the new key as nextKey, switch tick's signing_key to it, then make it
// currentKey. The current key is tried first, the next one only when the signature does not match.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

export const SIGNATURE_HEADER = "tick-signature";
const ISSUER = "tick";

export class VerificationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
export class MissingSignature extends VerificationError { constructor(m) { super("missing_signature", m); } }
export class MalformedToken extends VerificationError { constructor(m) { super("malformed_token", m); } }
export class BadSignature extends VerificationError { constructor(m) { super("bad_signature", m); } }
export class Expired extends VerificationError { constructor(m) { super("expired", m); } }
export class NotYetValid extends VerificationError { constructor(m) { super("not_yet_valid", m); } }
export class WrongIssuer extends VerificationError { constructor(m) { super("wrong_issuer", m); } }
export class WrongSubject extends VerificationError { constructor(m) { super("wrong_subject", m); } }
export class BodyMismatch extends VerificationError { constructor(m) { super("body_mismatch", m); } }
export class KeyMismatch extends VerificationError { constructor(m) { super("key_mismatch", m); } }
export class Replayed extends VerificationError { constructor(m) { super("replayed", m); } }

const B64URL = /^[A-Za-z0-9_-]*$/;

function fromBase64url(part, what) {
  if (!B64URL.test(part)) throw new MalformedToken(`${what} is not base64url`);
  return Buffer.from(part, "base64url");
}

/** base64url (no padding) of the SHA-256 of the body: the `body` claim tick signs. */
export function bodyHash(body) {
  return createHash("sha256").update(toBytes(body)).digest("base64url");
}

function toBytes(body) {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("body must be the raw request bytes (Buffer, Uint8Array, ArrayBuffer or string)");
}

// Equal-length buffers compared in constant time; different lengths are simply unequal.
function safeEqual(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

// Every value of header `wanted` (lower case) from a WHATWG Headers (fetch, Next.js), a Node
// IncomingMessage's headers object (lower-case keys, arrays for repeats), or any plain object.
function headerValues(headers, wanted) {
  let values = [];
  if (headers && typeof headers.get === "function" && !(headers instanceof Map)) {
    const value = headers.get(wanted);
    if (value != null) values = [value];
  } else {
    const entries = headers instanceof Map ? headers.entries() : Object.entries(headers ?? {});
    for (const [name, value] of entries) {
      if (name.toLowerCase() === wanted) values.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  return values;
}

// The single Tick-Signature value.
function signatureHeader(headers) {
  const values = headerValues(headers, SIGNATURE_HEADER);
  if (values.length === 0) throw new MissingSignature("no Tick-Signature header");
  // fetch's Headers joins repeated headers with ", "; a JWT never contains a comma.
  if (values.length > 1 || String(values[0]).includes(",")) throw new MissingSignature("more than one Tick-Signature header");
  return String(values[0]).trim();
}

/**
 * Checks tick's signature on one request and returns its claims.
 * @param headers   the request's headers (Headers, IncomingHttpHeaders or a plain object)
 * @param body      the raw body (Buffer / Uint8Array / ArrayBuffer; a string is taken as UTF-8)
 * @param url       the URL tick is configured to call, after ${VAR} expansion; compared exactly with sub
 * @param currentKey, nextKey  signing keys (their UTF-8 bytes are the HMAC key); an empty nextKey is not tried
 * @param options   { leeway = 30 (seconds), now = Date.now() / 1000, replayGuard } where replayGuard is
 *                  { firstUse(jti, expiresAt): boolean } (may be async: then verify returns a Promise)
 */
export function verify(headers, body, url, currentKey, nextKey = null, options = {}) {
  const { leeway = 30, now = Date.now() / 1000, replayGuard = null } = options;
  if (!currentKey) throw new TypeError("currentKey is empty");
  const bytes = toBytes(body);
  const token = signatureHeader(headers);

  const parts = token.split(".");
  if (parts.length !== 3) throw new MalformedToken("Tick-Signature is not a JWT");
  const [headerPart, payloadPart, signaturePart] = parts;
  let header, claims;
  try {
    header = JSON.parse(fromBase64url(headerPart, "JWT header").toString("utf8"));
    claims = JSON.parse(fromBase64url(payloadPart, "JWT payload").toString("utf8"));
  } catch (error) {
    if (error instanceof VerificationError) throw error;
    throw new MalformedToken("Tick-Signature is not a JWT (bad JSON)");
  }
  if (header === null || typeof header !== "object" || header.alg !== "HS256") {
    throw new MalformedToken(`Tick-Signature alg is ${JSON.stringify(header?.alg)}, expected "HS256"`);
  }
  const signature = fromBase64url(signaturePart, "JWT signature");
  const signed = `${headerPart}.${payloadPart}`;
  const keys = nextKey ? [currentKey, nextKey] : [currentKey];
  const matched = keys.some((key) => safeEqual(createHmac("sha256", Buffer.from(key, "utf8")).update(signed).digest(), signature));
  if (!matched) {
    throw new BadSignature(`signature does not match the ${nextKey ? "current or next key" : "current key (no next key set)"}`);
  }

  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) throw new MalformedToken("claims are not an object");
  for (const name of ["iat", "nbf", "exp"]) {
    if (typeof claims[name] !== "number" || !Number.isFinite(claims[name])) throw new MalformedToken(`${name} is missing or not a number`);
  }
  for (const name of ["iss", "sub", "jti", "body"]) {
    if (typeof claims[name] !== "string") throw new MalformedToken(`${name} is missing or not a string`);
  }
  if (claims.exp <= now - leeway) throw new Expired("signature expired");
  if (claims.nbf > now + leeway || claims.iat > now + leeway) throw new NotYetValid("signature not yet valid; check the clocks");
  if (claims.iss !== ISSUER) throw new WrongIssuer(`iss is not "${ISSUER}"`);
  if (!safeEqual(Buffer.from(claims.sub, "utf8"), Buffer.from(url, "utf8"))) {
    throw new WrongSubject(`signed for ${JSON.stringify(claims.sub)}, not for ${JSON.stringify(url)}`);
  }
  if (!safeEqual(Buffer.from(claims.body, "utf8"), Buffer.from(bodyHash(bytes), "utf8"))) {
    throw new BodyMismatch("the body is not the one tick signed");
  }
  if ("key" in claims) {
    if (typeof claims.key !== "string") throw new MalformedToken("key is not a string");
    const sent = headerValues(headers, "idempotency-key");
    if (sent.length !== 1 || !safeEqual(Buffer.from(claims.key, "utf8"), Buffer.from(String(sent[0]).trim(), "utf8"))) {
      throw new KeyMismatch("the Idempotency-Key header is not the one tick signed");
    }
  }
  if (replayGuard) {
    const first = replayGuard.firstUse(claims.jti, Math.floor(claims.exp + leeway));
    if (first && typeof first.then === "function") {
      return first.then((ok) => {
        if (!ok) throw new Replayed(`jti ${claims.jti} was seen before`);
        return claims;
      });
    }
    if (!first) throw new Replayed(`jti ${claims.jti} was seen before`);
  }
  return claims;
}

/** Remembers accepted jti values until their token expires, in this process only (see docs/endpoints.md
 *  for shared storage: Redis SET NX EXAT, or a unique column). */
export class MemoryReplayGuard {
  #seen = new Map();
  firstUse(jti, expiresAt) {
    const now = Date.now() / 1000;
    for (const [old, until] of this.#seen) if (until < now) this.#seen.delete(old);
    if (this.#seen.has(jti)) return false;
    this.#seen.set(jti, expiresAt);
    return true;
  }
}

// Command line, for scripts and tests: reads {"headers": {...}, "body_b64": "...", "url": "...",
// "current_key": "...", "next_key": "..." | null, "leeway": 30} on stdin; prints {"ok": true, "claims": ...}
// or {"ok": false, "code": "...", "message": "..."}.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const request = JSON.parse(input);
  try {
    const claims = verify(request.headers, Buffer.from(request.body_b64, "base64"), request.url, request.current_key,
      request.next_key ?? null, { leeway: request.leeway ?? 30 });
    process.stdout.write(JSON.stringify({ ok: true, claims }) + "\n");
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    process.stdout.write(JSON.stringify({ ok: false, code: error.code, name: error.name, message: error.message }) + "\n");
  }
}
