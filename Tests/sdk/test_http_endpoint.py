"""tick's `http` handler seen from the receiving end, and the verifiers of docs/endpoints.md.

Two parts:

1. The verifiers alone (examples/endpoints/verify.py, PyJWT; examples/endpoints/verify.mjs, node:crypto):
   tokens signed here with PyJWT, one case per failure, the same table for both languages. Needs node.
2. tick against a real HTTPS endpoint: a Python server on a free loopback port (a self-signed certificate
   given to tick as `ca_bundle`) that verifies every request with verify.py and records it. Jobs are
   enqueued with `tick enqueue` under a key prefix of the test's own, then `tick run --config` calls the
   endpoint. Checked: every request verifies with the current key and carries the specified headers and
   body; after a key rotation (tick signs with the receiver's NEXT key) requests still verify, and an
   unknown key gets a 401 that dead-letters the job; a captured request re-sent after its signature
   expired (signature_ttl_s 1) is rejected as expired, one re-sent with a changed body is rejected as a
   body mismatch, one re-sent unchanged is caught by the replay guard; a retried item keeps its
   Idempotency-Key and counts Tick-Attempt, and Retry-After sets its due time (seconds, an HTTP date, capped
   at 15 minutes); Tick-Deadline is when tick gives up; cursor pages; what each answer means (stored
   results, redirects and other 4xx dead-lettered with their reasons); config errors exit 78; secrets stay
   out of the logs; and examples/endpoints/receiver.py end to end.

Part 2 requires, and FAILS (never skips) without: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN,
DATABASE_URL (`eval "$(scripts/dev-services env)"`), the tick binary ($TICK_BIN, else <repo>/.build/debug/tick)
with the `http` handler kind, openssl (for the test certificate), psql (to read stored results) and node.
"""

import base64
import hashlib
import http.client
import importlib.util
import json
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "endpoints"
TIMEOUT = 60  # seconds, for any subprocess

KEY_A = "tick-test-key-A-" + "a" * 32  # signing keys: at least 32 bytes
KEY_B = "tick-test-key-B-" + "b" * 32
KEY_C = "tick-test-key-C-" + "c" * 32


def fail(message):
    pytest.fail(message + " (this test never skips)", pytrace=False)


def load_verify():
    spec = importlib.util.spec_from_file_location("tick_endpoint_verify", EXAMPLES / "verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


V = load_verify()


def node_verify(node, headers, body, url, current_key, next_key=None, leeway=30):
    """Runs examples/endpoints/verify.mjs on one request; returns its JSON verdict."""
    request = {"headers": dict(headers), "body_b64": base64.b64encode(body).decode(), "url": url,
               "current_key": current_key, "next_key": next_key, "leeway": leeway}
    done = subprocess.run([node, str(EXAMPLES / "verify.mjs")], input=json.dumps(request), capture_output=True,
                          text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ==================================================================================================
# Part 1: the verifiers, with tokens signed here

URL = "https://app.example.com/api/tick?x=1"
BODY = json.dumps({"id": 7, "name": "é"}, ensure_ascii=False).encode()


def sign(key=KEY_A, body=BODY, url=URL, now=None, ttl=300, algorithm="HS256", drop=(), **overrides):
    now = int(time.time()) if now is None else now
    claims = {"iss": "tick", "sub": url, "iat": now, "nbf": now, "exp": now + ttl, "jti": uuid.uuid4().hex,
              "body": base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()}
    claims.update(overrides)
    for name in drop:
        claims.pop(name)
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": "JWT"})


def alg_none_token():
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return part({"alg": "none", "typ": "JWT"}) + "." + part({"iss": "tick", "sub": URL, "iat": now, "nbf": now,
                                                             "exp": now + 300, "jti": "x" * 32, "body": V.body_hash(BODY)}) + "."


# name, headers, body, (current key, next key), expected Python class, expected node code
CASES = [
    ("valid, current key", lambda: {"Tick-Signature": sign()}, BODY, (KEY_A, None), None, None),
    ("valid, next key", lambda: {"Tick-Signature": sign(KEY_B)}, BODY, (KEY_A, KEY_B), None, None),
    ("next key but none configured", lambda: {"Tick-Signature": sign(KEY_B)}, BODY, (KEY_A, None), V.BadSignature, "bad_signature"),
    ("unknown key", lambda: {"Tick-Signature": sign(KEY_C)}, BODY, (KEY_A, KEY_B), V.BadSignature, "bad_signature"),
    ("lower-case header name", lambda: {"tick-signature": sign()}, BODY, (KEY_A, None), None, None),
    ("missing header", lambda: {"Content-Type": "application/json"}, BODY, (KEY_A, KEY_B), V.MissingSignature, "missing_signature"),
    ("not a JWT", lambda: {"Tick-Signature": "not.a-jwt"}, BODY, (KEY_A, None), V.MalformedToken, "malformed_token"),
    ("alg none", lambda: {"Tick-Signature": alg_none_token()}, BODY, (KEY_A, None), V.MalformedToken, "malformed_token"),
    ("HS512", lambda: {"Tick-Signature": sign(algorithm="HS512")}, BODY, (KEY_A, None), V.MalformedToken, "malformed_token"),
    ("no body claim", lambda: {"Tick-Signature": sign(drop=("body",))}, BODY, (KEY_A, None), V.MalformedToken, "malformed_token"),
    ("no exp claim", lambda: {"Tick-Signature": sign(drop=("exp",))}, BODY, (KEY_A, None), V.MalformedToken, "malformed_token"),
    ("expired beyond leeway", lambda: {"Tick-Signature": sign(now=int(time.time()) - 400)}, BODY, (KEY_A, None), V.Expired, "expired"),
    ("expired within leeway", lambda: {"Tick-Signature": sign(now=int(time.time()) - 310)}, BODY, (KEY_A, None), None, None),
    ("expired and unknown key", lambda: {"Tick-Signature": sign(KEY_C, now=int(time.time()) - 400)}, BODY, (KEY_A, None), V.BadSignature, "bad_signature"),
    ("expired, next key", lambda: {"Tick-Signature": sign(KEY_B, now=int(time.time()) - 400)}, BODY, (KEY_A, KEY_B), V.Expired, "expired"),
    ("signed in the future", lambda: {"Tick-Signature": sign(now=int(time.time()) + 120)}, BODY, (KEY_A, None), V.NotYetValid, "not_yet_valid"),
    ("wrong issuer", lambda: {"Tick-Signature": sign(iss="qstash")}, BODY, (KEY_A, None), V.WrongIssuer, "wrong_issuer"),
    ("other URL", lambda: {"Tick-Signature": sign(url="https://app.example.com/api/other?x=1")}, BODY, (KEY_A, None), V.WrongSubject, "wrong_subject"),
    ("other query", lambda: {"Tick-Signature": sign(url="https://app.example.com/api/tick?x=2")}, BODY, (KEY_A, None), V.WrongSubject, "wrong_subject"),
    ("trailing slash", lambda: {"Tick-Signature": sign(url="https://app.example.com/api/tick/?x=1")}, BODY, (KEY_A, None), V.WrongSubject, "wrong_subject"),
    ("tampered body", lambda: {"Tick-Signature": sign()}, BODY.replace(b"7", b"8"), (KEY_A, None), V.BodyMismatch, "body_mismatch"),
    ("body re-serialised", lambda: {"Tick-Signature": sign()}, json.dumps(json.loads(BODY)).encode(), (KEY_A, None), V.BodyMismatch, "body_mismatch"),
    ("empty body", lambda: {"Tick-Signature": sign(body=b"")}, b"", (KEY_A, None), None, None),
]


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")  # HS512 with a 48-byte key, on purpose
@pytest.mark.parametrize("name,headers,body,keys,error,code", CASES, ids=[c[0] for c in CASES])
def test_python_verifier(name, headers, body, keys, error, code):
    h = headers()
    if error is None:
        claims = V.verify(h, body, URL, *keys)
        assert claims["iss"] == "tick" and claims["sub"] == URL and claims["body"] == V.body_hash(body)
    else:
        with pytest.raises(error) as caught:
            V.verify(h, body, URL, *keys)
        assert type(caught.value) is error and isinstance(caught.value, V.VerificationError)
        assert str(caught.value)


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
@pytest.mark.parametrize("name,headers,body,keys,error,code", CASES, ids=[c[0] for c in CASES])
def test_node_verifier(node, name, headers, body, keys, error, code):
    verdict = node_verify(node, headers(), body, URL, *keys)
    if code is None:
        assert verdict["ok"], verdict
        assert verdict["claims"]["sub"] == URL and verdict["claims"]["body"] == V.body_hash(body)
    else:
        assert not verdict["ok"] and verdict["code"] == code, verdict


def test_python_verifier_reads_every_header_type():
    token = sign()
    message = http.client.parse_headers(__import__("io").BytesIO(f"Tick-Signature: {token}\r\n\r\n".encode()))
    assert V.verify(message, BODY, URL, KEY_A)["sub"] == URL  # http.server's headers
    assert V.verify([("TICK-SIGNATURE", token)], BODY, URL, KEY_A)["sub"] == URL  # a list of pairs
    twice = http.client.parse_headers(__import__("io").BytesIO(f"Tick-Signature: {token}\r\nTick-Signature: {token}\r\n\r\n".encode()))
    with pytest.raises(V.MissingSignature, match="2 Tick-Signature headers"):
        V.verify(twice, BODY, URL, KEY_A)
    with pytest.raises(TypeError):
        V.verify({"Tick-Signature": token}, json.loads(BODY), URL, KEY_A)  # parsed JSON instead of the bytes


def test_replay_guard_rejects_a_second_use():
    guard = V.MemoryReplayGuard()
    headers = {"Tick-Signature": sign()}
    claims = V.verify(headers, BODY, URL, KEY_A, replay_guard=guard)
    with pytest.raises(V.Replayed, match=claims["jti"]):
        V.verify(headers, BODY, URL, KEY_A, replay_guard=guard)
    V.verify({"Tick-Signature": sign()}, BODY, URL, KEY_A, replay_guard=guard)  # another jti passes
    # A request that fails another check is not remembered: it can't use up a jti.
    bad = {"Tick-Signature": sign()}
    with pytest.raises(V.BodyMismatch):
        V.verify(bad, b"{}", URL, KEY_A, replay_guard=guard)
    V.verify(bad, BODY, URL, KEY_A, replay_guard=guard)


def test_node_verifier_accepts_fetch_headers_and_a_replay_guard(node):
    script = r"""
const { verify, MemoryReplayGuard, Replayed, VerificationError } = await import(process.env.MODULE);
const [token, url, key, body] = JSON.parse(process.env.ARGS);
const headers = new Headers({ "Tick-Signature": token, "Content-Type": "application/json" });
const bytes = new TextEncoder().encode(body);
const out = {};
out.fetchHeaders = verify(headers, bytes, url, key).sub;
out.arrayBuffer = verify({ "tick-signature": [token] }, bytes.buffer, url, key).sub;
const guard = new MemoryReplayGuard();
verify(headers, bytes, url, key, null, { replayGuard: guard });
try { verify(headers, bytes, url, key, null, { replayGuard: guard }); out.replay = "accepted"; }
catch (e) { out.replay = e instanceof Replayed && e instanceof VerificationError ? e.code : String(e); }
try { verify(new Headers([["Tick-Signature", token], ["Tick-Signature", token]]), bytes, url, key); out.twice = "accepted"; }
catch (e) { out.twice = e.code; }
try { verify(headers, bytes, url, key, null, { now: Date.now() / 1000 + 400 }); out.later = "accepted"; }
catch (e) { out.later = e.code; }
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, "MODULE": (EXAMPLES / "verify.mjs").as_uri(),
             "ARGS": json.dumps([sign(), URL, KEY_A, BODY.decode()])},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"fetchHeaders": URL, "arrayBuffer": URL, "replay": "replayed",
                                       "twice": "missing_signature", "later": "expired"}


# ==================================================================================================
# Part 2: tick calling a real endpoint


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the endpoint's), which tick trusts through ca_bundle."""
    if not shutil.which("openssl"):
        fail("openssl is not on PATH: it makes the test endpoint's certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    done = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return cert, key


class Recorded:
    """One request as the endpoint received it, and what verify.py said of it."""

    def __init__(self, method, path, headers, body, outcome, claims, received_at):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.outcome, self.claims, self.received_at = outcome, claims, received_at

    def header(self, name):
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0] if values else None

    def __repr__(self):
        return f"<{self.method} {self.path} {self.outcome} key={self.header('Idempotency-Key')}>"


class Endpoint:
    """A real HTTPS server on a free loopback port. Every request is verified with verify.py against
    `current_key` / `next_key` (leeway `leeway`, replay guard on) and recorded; failures get 401 with the
    reason; verified ones get what `respond(recorded)` returns: (status, headers, body bytes)."""

    def __init__(self, certificate, path="/hook"):
        self.current_key, self.next_key, self.leeway = KEY_A, None, 30
        self.requests: list[Recorded] = []
        self.respond = self.default_response
        self.guard = V.MemoryReplayGuard()
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with endpoint.lock:
                    current, following, leeway = endpoint.current_key, endpoint.next_key, endpoint.leeway
                try:
                    claims = V.verify(self.headers, body, endpoint.url, current, following, leeway, replay_guard=endpoint.guard)
                    outcome = "ok"
                except V.VerificationError as error:
                    claims, outcome = None, type(error).__name__
                record = Recorded(self.command, self.path, list(self.headers.items()), body, outcome, claims, time.time())
                with endpoint.lock:
                    endpoint.requests.append(record)
                if outcome != "ok":
                    status, headers, reply = 401, {"Content-Type": "text/plain"}, f"tick signature: {outcome}".encode()
                else:
                    status, headers, reply = endpoint.respond(record)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_PUT = do_PATCH = do_POST

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # tick hung up (a timeout test): not an error here
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ssl.SSLError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self.server.server_address[1]
        self.base = f"https://127.0.0.1:{self.port}"
        self.url = f"{self.base}{path}"  # the signed sub; tests set it to the expanded URL they configure
        self.ca_bundle = str(certificate[0])
        self.client_context = ssl.create_default_context(cafile=self.ca_bundle)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def default_response(record):
        return 200, {"Content-Type": "application/json"}, json.dumps({"seen": record.header("Idempotency-Key")}).encode()

    def resend(self, record, body=None, replace_headers=None):
        """Sends a recorded request again, byte for byte (or with another body, or some headers replaced);
        returns (status, reply)."""
        body = record.body if body is None else body
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.client_context, timeout=10)
        try:
            headers = {k: v for k, v in record.headers if k.lower() not in ("content-length", "host", "connection")}
            for name, value in (replace_headers or {}).items():
                headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
                headers[name] = value
            connection.request(record.method, record.path, body=body, headers=headers)
            reply = connection.getresponse()
            return reply.status, reply.read()
        finally:
            connection.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(certificate):
    server = Endpoint(certificate)
    yield server
    server.close()


def keys_under(redis, prefix):
    cursor, found = 0, []
    while True:
        cursor, keys = redis.scan(cursor, match=f"{prefix}:*", count=1000)
        found.extend(keys)
        if int(cursor) == 0:
            return found


@pytest.fixture
def prefix(tick, redis):
    value = f"tick-http-test-{uuid.uuid4().hex[:12]}"
    yield value
    leftovers = keys_under(redis, value)
    if leftovers:
        redis.delete(*leftovers)


@pytest.fixture
def ids():
    run = uuid.uuid4().hex[:10]
    return lambda name: f"http-{run}-{name}"


def write_config(directory, endpoint, **handler):
    """tick.json with handler `hook` calling the endpoint (a ${VAR} in the URL and in a header); returns
    (path, env for tick). Sets endpoint.url to the expanded URL: the sub tick must sign."""
    config = {
        "kind": "http",
        "url": endpoint.base + "/hook?x=${TICK_TEST_X}",
        "headers": {"Authorization": "Bearer ${TICK_TEST_APP_TOKEN}"},
        "timeout_ms": 10000,
        "signing_key": "${TICK_SIGNING_KEY}",
        "ca_bundle": endpoint.ca_bundle,
    }
    config.update(handler)
    path = directory / f"tick-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps({"handlers": {"hook": config}}))
    env = {"TICK_SIGNING_KEY": KEY_A, "TICK_TEST_X": "v1", "TICK_TEST_APP_TOKEN": "app-token-" + uuid.uuid4().hex}
    endpoint.url = endpoint.base + "/hook?x=v1"
    return path, env


def enqueue(tick, prefix, *jobs):
    done = tick("enqueue", "--prefix", prefix, "--file", "-", input="".join(json.dumps(job) + "\n" for job in jobs))
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary.get("enqueued") == len(jobs), summary
    return summary


def tick_run(tick, prefix, config, env, *extra, budget=10):
    done = tick("run", "--prefix", prefix, "--config", str(config), "--budget", str(budget), *extra, env=env)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"tick run printed no summary line; stderr: {done.stderr}"
    report = json.loads(lines[-1])
    report["_stderr"] = done.stderr
    return report


def stored_results(base_env, job):
    """tick_items for a job, read with psql: {item_index: (state, result as JSON or None)}."""
    if not shutil.which("psql"):
        fail("psql is not on PATH: the test reads the stored results with it")
    done = subprocess.run(
        ["psql", base_env["DATABASE_URL"], "-AtX", "-v", "ON_ERROR_STOP=1", "-v", f"job={job}", "-f", "-"],
        input="SELECT json_build_array(item_index, state, result) FROM tick_items WHERE job_id = :'job' ORDER BY item_index;\n",
        capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {index: (state, result) for index, state, result in rows}


def dead_letters(tick, prefix):
    return json.loads(tick("dead", "list", "--prefix", prefix, "--json").stdout)["jobs"]


def ok_requests(endpoint):
    return [r for r in endpoint.requests if r.outcome == "ok"]


def by_index(records):
    return {int(r.header("Tick-Item-Index")): r for r in records}


def test_requests_verify_with_the_current_key_and_carry_the_specified_headers(tick, endpoint, workdir, prefix, ids, node):
    config, env = write_config(workdir, endpoint)  # signature_ttl_s not set: 300
    items = [{"n": 0, "text": "é ✓", "nested": [True, None, 1.5]}, "plain string", 42, [1, 2, 3]]
    job = ids("headers")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": items})

    started = time.time()
    report = tick_run(tick, prefix, config, env, "--log-level", "trace")
    finished = time.time()
    assert (report["claimed"], report["jobs_completed"], report["items_done"]) == (1, 1, len(items)), report
    for secret in (env["TICK_SIGNING_KEY"], env["TICK_TEST_APP_TOKEN"]):  # never logged, even at trace level
        assert secret not in report["_stderr"]
    assert (report["jobs_retried"], report["jobs_dead"]) == (0, 0), report

    assert len(endpoint.requests) == len(items), endpoint.requests
    assert [r.outcome for r in endpoint.requests] == ["ok"] * len(items)  # current key only (no next key set)
    records = by_index(endpoint.requests)
    assert sorted(records) == list(range(len(items)))
    jtis = set()
    for index, record in records.items():
        assert record.method == "POST" and record.path == "/hook?x=v1"
        assert json.loads(record.body) == items[index], (index, record.body)
        assert record.header("Content-Type") == "application/json"
        assert re.fullmatch(r"tick/\S+", record.header("User-Agent") or ""), record.header("User-Agent")
        assert record.header("Authorization") == "Bearer " + env["TICK_TEST_APP_TOKEN"]  # ${VAR} in a header
        assert record.header("Tick-Job-Id") == job
        assert record.header("Tick-Queue") == "default"
        assert record.header("Tick-Handler") == "hook"
        assert record.header("Tick-Item-Index") == str(index)
        assert record.header("Tick-Page") is None
        assert record.header("Tick-Attempt") == "1"
        assert record.header("Idempotency-Key") == f"{job}:{index}"
        deadline = int(record.header("Tick-Deadline"))
        assert started * 1000 < deadline <= (finished + 10 + 1) * 1000, (started, deadline, finished)
        claims = record.claims
        assert claims["iss"] == "tick" and claims["sub"] == endpoint.url
        assert claims["iat"] == claims["nbf"] and claims["exp"] - claims["iat"] == 300
        assert int(started) - 1 <= claims["iat"] <= finished + 1
        assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"]) and claims["jti"] not in jtis
        jtis.add(claims["jti"])
        assert claims["body"] == V.body_hash(record.body)
        # The Node verifier agrees on what tick sent.
        verdict = node_verify(node, record.headers, record.body, endpoint.url, KEY_A)
        assert verdict["ok"] and verdict["claims"] == claims, verdict

    # Each 2xx JSON body is stored as the item's result.
    assert stored_results(tick.env, job) == {i: ("done", {"seen": f"{job}:{i}"}) for i in range(len(items))}

    # A captured request sent again unchanged, within its ttl: only the replay guard (jti) catches it.
    status, reply = endpoint.resend(records[0])
    assert (status, endpoint.requests[-1].outcome) == (401, "Replayed"), reply
    with pytest.raises(V.WrongSubject):  # signed for the URL with x=v1, not for another query
        V.verify(records[0].headers, records[0].body, endpoint.base + "/hook?x=v2", KEY_A)


def test_rotation_tick_signing_with_the_receivers_next_key(tick, endpoint, workdir, prefix, ids, node):
    config, env = write_config(workdir, endpoint)
    endpoint.current_key, endpoint.next_key = KEY_A, KEY_B  # step 1: receivers learn the new key as NEXT
    env["TICK_SIGNING_KEY"] = KEY_B  # step 2: tick signs with it
    first = ids("rotate-1")
    enqueue(tick, prefix, {"id": first, "handler": "hook", "items": [{"k": 1}, {"k": 2}]})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["items_done"]) == (1, 2), report
    assert [r.outcome for r in endpoint.requests] == ["ok", "ok"]
    for record in endpoint.requests:  # they verified with the next key: the current one alone refuses them
        with pytest.raises(V.BadSignature):
            V.verify(record.headers, record.body, endpoint.url, KEY_A, None)
        assert node_verify(node, record.headers, record.body, endpoint.url, KEY_A, KEY_B)["ok"]
        assert node_verify(node, record.headers, record.body, endpoint.url, KEY_A)["code"] == "bad_signature"

    endpoint.current_key, endpoint.next_key = KEY_B, None  # step 3: the new key becomes CURRENT
    second = ids("rotate-2")
    enqueue(tick, prefix, {"id": second, "handler": "hook", "items": [{"k": 3}]})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["items_done"]) == (1, 1), report
    assert [r.outcome for r in endpoint.requests] == ["ok"] * 3

    # tick signing with a key the receiver does not have: 401, a permanent failure: dead-lettered, with the
    # status and the start of the body as the reason.
    env["TICK_SIGNING_KEY"] = KEY_C
    third = ids("rotate-3")
    enqueue(tick, prefix, {"id": third, "handler": "hook", "items": [{"k": 4}], "max_attempts": 5})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["jobs_dead"]) == (0, 1), report
    assert [r.outcome for r in endpoint.requests[3:]] == ["BadSignature"]
    dead = {letter["id"]: letter for letter in dead_letters(tick, prefix)}
    assert "401" in dead[third]["reason"] and "BadSignature" in dead[third]["reason"], dead[third]


def test_a_captured_request_replayed_after_its_signature_expired_is_rejected(tick, endpoint, workdir, prefix, ids):
    config, env = write_config(workdir, endpoint, signature_ttl_s=1)
    job = ids("expiry")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": [{"transfer": 100}]})
    # The live delivery is verified with the default leeway: `iat` is whole seconds, so with a 1 s lifetime
    # and no leeway a request signed at x.99 s and checked at x+1.01 s would already count as expired.
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["items_done"]) == (1, 1), report
    [captured] = endpoint.requests
    assert captured.outcome == "ok" and captured.claims["exp"] - captured.claims["iat"] == 1
    endpoint.guard = V.MemoryReplayGuard()  # forget the jti: expiry alone must refuse the replay
    endpoint.leeway = 0  # the replay window is ttl + leeway: no leeway now, so 1 s

    time.sleep(max(0.0, captured.claims["exp"] + 1.1 - time.time()))
    status, reply = endpoint.resend(captured)
    assert status == 401 and endpoint.requests[-1].outcome == "Expired", reply
    with pytest.raises(V.Expired):
        V.verify(captured.headers, captured.body, endpoint.url, KEY_A, leeway=0)


def test_a_tampered_body_is_rejected(tick, endpoint, workdir, prefix, ids, node):
    config, env = write_config(workdir, endpoint)
    job = ids("tamper")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": [{"amount": 10, "to": "alice"}]})
    tick_run(tick, prefix, config, env)
    [captured] = endpoint.requests
    assert captured.outcome == "ok"
    endpoint.guard = V.MemoryReplayGuard()  # so that only the body check can refuse it

    forged = captured.body.replace(b"alice", b"mallory")
    assert forged != captured.body
    status, _ = endpoint.resend(captured, body=forged)
    assert status == 401 and endpoint.requests[-1].outcome == "BodyMismatch"
    assert node_verify(node, captured.headers, forged, endpoint.url, KEY_A)["code"] == "body_mismatch"
    # The unchanged request still verifies (the guard was reset): the body, not the transport, was refused.
    status, _ = endpoint.resend(captured)
    assert status == 200 and endpoint.requests[-1].outcome == "ok"


def test_a_captured_request_resent_under_another_idempotency_key_is_rejected(tick, endpoint, workdir, prefix, ids, node):
    """The signature also covers the Idempotency-Key (claim `key`): within its lifetime a captured request
    cannot be replayed as new work by changing the key."""
    config, env = write_config(workdir, endpoint)
    job = ids("key")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": [{"amount": 10}]})
    tick_run(tick, prefix, config, env)
    [captured] = endpoint.requests
    assert captured.outcome == "ok" and captured.claims["key"] == f"{job}:0"
    endpoint.guard = V.MemoryReplayGuard()  # so that only the key check can refuse it

    status, _ = endpoint.resend(captured, replace_headers={"Idempotency-Key": f"{job}:other"})
    assert status == 401 and endpoint.requests[-1].outcome == "KeyMismatch"
    forged = [(k, f"{job}:other" if k.lower() == "idempotency-key" else v) for k, v in captured.headers]
    assert node_verify(node, forged, captured.body, endpoint.url, KEY_A)["code"] == "key_mismatch"
    with pytest.raises(V.KeyMismatch):
        V.verify(forged, captured.body, endpoint.url, KEY_A)
    status, _ = endpoint.resend(captured)
    assert status == 200 and endpoint.requests[-1].outcome == "ok", "the unchanged request still verifies"


def test_a_retried_item_keeps_its_idempotency_key_and_counts_attempts(tick, endpoint, workdir, prefix, ids, redis):
    config, env = write_config(workdir, endpoint, concurrency=1)
    job = ids("retry")
    failed_once = set()

    def respond(record):
        index = int(record.header("Tick-Item-Index"))
        if index == 1 and index not in failed_once:
            failed_once.add(index)
            return 503, {"Retry-After": "2", "Content-Type": "text/plain"}, b"busy, try again"
        return Endpoint.default_response(record)

    endpoint.respond = respond
    # Backoff without Retry-After would be random in [0, 60 s): a due time 2 s after the answer is Retry-After's.
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": ["a", "b", "c"], "backoff": {"base_ms": 60000, "max_ms": 60000}})
    report = tick_run(tick, prefix, config, env)
    finished = time.time()
    assert (report["jobs_retried"], report["jobs_completed"], report["jobs_dead"]) == (1, 0, 0), report
    first_run = list(endpoint.requests)
    done_first = {int(r.header("Tick-Item-Index")) for r in first_run if int(r.header("Tick-Item-Index")) != 1}
    assert all(r.header("Tick-Attempt") == "1" for r in first_run)
    [answered_503] = [r for r in first_run if r.header("Tick-Item-Index") == "1"]
    due = redis.zscore(f"{prefix}:q:default:delayed", job)
    assert due is not None, "the retried job is not in the delayed set"
    assert answered_503.received_at * 1000 + 2000 - 100 <= due <= finished * 1000 + 2000 + 100, (answered_503.received_at, due, finished)

    deadline = time.time() + 20
    while time.time() < deadline:
        time.sleep(max(0.2, due / 1000 - time.time() + 0.1))
        report = tick_run(tick, prefix, config, env)
        if report["claimed"]:
            break
    assert report["jobs_completed"] == 1, report
    second_run = endpoint.requests[len(first_run):]
    retried = [r for r in second_run if r.header("Tick-Item-Index") == "1"]
    assert len(retried) == 1, second_run
    [before] = [r for r in first_run if r.header("Tick-Item-Index") == "1"]
    assert retried[0].header("Tick-Attempt") == "2"
    assert retried[0].header("Idempotency-Key") == before.header("Idempotency-Key") == f"{job}:1"
    assert retried[0].claims["jti"] != before.claims["jti"]  # a fresh signature for every request
    assert retried[0].outcome == "ok"
    # Items finished in the first run are not sent again.
    assert not {int(r.header("Tick-Item-Index")) for r in second_run} & done_first, second_run


def test_a_cursor_job_pages_until_next_is_null(tick, endpoint, workdir, prefix, ids):
    config, env = write_config(workdir, endpoint)
    job = ids("cursor")
    pages = {None: "c1", "c1": "c2", "c2": None}

    def respond(record):
        cursor = json.loads(record.body)["cursor"]
        return 200, {"Content-Type": "application/json"}, json.dumps({"next": pages[cursor], "result": {"rows": 10}}).encode()

    endpoint.respond = respond
    enqueue(tick, prefix, {"id": job, "handler": "hook", "cursor": None})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["items_done"], report["jobs_dead"]) == (1, 3, 0), report
    assert [r.outcome for r in endpoint.requests] == ["ok"] * 3
    for n, (record, cursor) in enumerate(zip(endpoint.requests, [None, "c1", "c2"])):
        assert json.loads(record.body) == {"cursor": cursor, "page": n}
        assert record.header("Tick-Page") == record.header("Tick-Item-Index") == str(n)
        assert record.header("Idempotency-Key") == f"{job}:page:{n}"
        assert record.header("Tick-Job-Id") == job and record.header("Tick-Attempt") == "1"
    assert stored_results(tick.env, job) == {n: ("done", {"rows": 10}) for n in range(3)}  # each page's "result"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_receiver_example_end_to_end(tick, workdir, tmp_path, prefix, ids):
    """examples/endpoints/receiver.py as a real process: tick's items and cursor jobs are processed once;
    a duplicate delivery (same Idempotency-Key, fresh signature) gets the stored answer and does nothing."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/tick"
    db = tmp_path / "receiver.sqlite3"
    receiver = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "receiver.py"), "--port", str(port), "--url", url, "--db", str(db)],
        env={**os.environ, "TICK_SIGNING_KEY": KEY_A, "TICK_SIGNING_KEY_NEXT": KEY_B},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert "listening" in receiver.stdout.readline()
        config = workdir / f"tick-{uuid.uuid4().hex[:8]}.json"
        config.write_text(json.dumps({"handlers": {"hook": {"kind": "http", "url": url, "signing_key": "${TICK_SIGNING_KEY}"}}}))
        env = {"TICK_SIGNING_KEY": KEY_B}  # signing with the receiver's next key
        items_job, cursor_job = ids("rx-items"), ids("rx-cursor")
        enqueue(tick, prefix, {"id": items_job, "handler": "hook", "items": [{"a": 1}, {"b": 2}, {"c": 3}]},
                {"id": cursor_job, "handler": "hook", "cursor": None})
        report = tick_run(tick, prefix, config, env)
        assert (report["jobs_completed"], report["items_done"], report["jobs_dead"]) == (2, 3 + 3, 0), report

        with sqlite3.connect(db) as connection:
            effects = connection.execute("SELECT idempotency_key, value FROM effects ORDER BY rowid").fetchall()
        assert sorted(v for k, v in effects if k.startswith(items_job + ":")) == ['{"a": 1}', '{"b": 2}', '{"c": 3}']
        assert [v for k, v in effects if k.startswith(cursor_job + ":page:")] == [f"record-{i}" for i in range(25)]

        # tick delivering item 1 again (at least once): a new signature, the same Idempotency-Key.
        body = json.dumps({"b": 2}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/api/tick", body=body, headers={
            "Content-Type": "application/json", "Tick-Signature": sign(KEY_B, body=body, url=url),
            "Idempotency-Key": f"{items_job}:1", "Tick-Attempt": "2"})
        reply = connection.getresponse()
        assert (reply.status, json.loads(reply.read())) == (200, {"stored": {"b": 2}})
        # Unsigned for this URL: refused before any work.
        connection.request("POST", "/api/tick", body=body, headers={
            "Tick-Signature": sign(KEY_B, body=body, url=url + "?x"), "Idempotency-Key": "other:0"})
        reply = connection.getresponse()
        assert reply.status == 401 and b"signed for" in reply.read()
        connection.close()
        with sqlite3.connect(db) as check:
            assert check.execute("SELECT count(*) FROM effects").fetchone() == (len(effects),)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def test_what_each_answer_means(tick, endpoint, workdir, prefix, ids):
    """The response semantics endpoints rely on (docs/endpoints.md's table), with PUT as the method."""
    config, env = write_config(workdir, endpoint, method="PUT", max_result_bytes=1024)
    answers = {
        "json": (200, {"Content-Type": "application/json"}, b' {"ok": true} '),
        "text": (201, {"Content-Type": "text/plain"}, "plain text ✓".encode()),
        "empty": (204, {}, b""),
        "large": (200, {"Content-Type": "application/json"}, json.dumps({"blob": "x" * 2000}).encode()),
        "redirect": (302, {"Location": "https://elsewhere.example/hook?token=secret"}, b""),
        "gone": (410, {"Content-Type": "text/plain"}, b"no such order: 42 " + b"y" * 1000),
    }

    def respond(record):
        return answers[json.loads(record.body)["answer"]]

    endpoint.respond = respond
    done_job, redirect_job, gone_job = ids("answers"), ids("redirect"), ids("gone")
    enqueue(tick, prefix,
            {"id": done_job, "handler": "hook", "items": [{"answer": a} for a in ("json", "text", "empty", "large")]},
            {"id": redirect_job, "handler": "hook", "items": [{"answer": "redirect"}]},
            {"id": gone_job, "handler": "hook", "items": [{"answer": "gone"}]})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_completed"], report["jobs_dead"], report["jobs_retried"]) == (1, 2, 0), report
    assert {r.method for r in endpoint.requests} == {"PUT"} and len(endpoint.requests) == 6
    assert all(r.outcome == "ok" for r in endpoint.requests)

    results = stored_results(tick.env, done_job)
    assert results[0] == ("done", {"ok": True})
    assert results[1] == ("done", "plain text ✓")
    assert results[2] == ("done", None)
    state, omitted = results[3]
    assert state == "done" and isinstance(omitted, dict) and "omitted" in json.dumps(omitted), omitted

    dead = {letter["id"]: letter["reason"] for letter in dead_letters(tick, prefix)}
    assert "302" in dead[redirect_job] and "redirect" in dead[redirect_job] and "not followed" in dead[redirect_job]
    assert "token=secret" not in dead[redirect_job]
    assert "410" in dead[gone_job] and "no such order: 42" in dead[gone_job]
    assert len(dead[gone_job]) < 1000  # the start of the body, not all of it


@pytest.mark.parametrize("problem", ["missing variable", "short key", "no key"])
def test_configuration_errors_exit_78(tick, endpoint, workdir, prefix, ids, problem):
    overrides = {"missing variable": {"url": endpoint.base + "/hook?x=${TICK_TEST_NOT_SET_ANYWHERE}"},
                 "short key": {"signing_key": "too-short-" + "k" * 10},
                 "no key": {"signing_key": None}}[problem]
    config, env = write_config(workdir, endpoint)
    handler = json.loads(config.read_text())["handlers"]["hook"]
    handler.update(overrides)
    handler = {k: v for k, v in handler.items() if v is not None}
    config.write_text(json.dumps({"handlers": {"hook": handler}}))
    enqueue(tick, prefix, {"id": ids("config"), "handler": "hook", "items": [1]})
    done = tick("run", "--prefix", prefix, "--config", str(config), env=env, check=False)
    assert done.returncode == 78, (done.returncode, done.stderr)
    assert endpoint.requests == []
    assert env["TICK_SIGNING_KEY"] not in done.stderr


def test_retry_after_as_a_date_and_capped_at_15_minutes(tick, endpoint, workdir, prefix, ids, redis):
    from email.utils import formatdate

    config, env = write_config(workdir, endpoint)
    date_job, long_job = ids("retry-date"), ids("retry-long")
    target = int(time.time()) + 120

    def respond(record):
        if record.header("Tick-Job-Id") == date_job:
            return 429, {"Retry-After": formatdate(target, usegmt=True)}, b"slow down"
        return 503, {"Retry-After": "86400"}, b"maintenance"

    endpoint.respond = respond
    backoff = {"base_ms": 3_600_000, "max_ms": 3_600_000}  # without Retry-After: random in [0, 1 h)
    enqueue(tick, prefix, {"id": date_job, "handler": "hook", "items": [1], "backoff": backoff},
            {"id": long_job, "handler": "hook", "items": [1], "backoff": backoff})
    started = time.time()
    report = tick_run(tick, prefix, config, env)
    finished = time.time()
    assert (report["jobs_retried"], report["jobs_dead"]) == (2, 0), report
    assert redis.zscore(f"{prefix}:q:default:delayed", date_job) == pytest.approx(target * 1000, abs=1500)
    due = redis.zscore(f"{prefix}:q:default:delayed", long_job)
    assert started * 1000 + 900_000 - 100 <= due <= finished * 1000 + 900_000 + 100, (started, due, finished)


def test_tick_deadline_is_when_tick_gives_up(tick, endpoint, workdir, prefix, ids):
    config, env = write_config(workdir, endpoint, timeout_ms=1000)
    release = threading.Event()

    def respond(record):
        release.wait(5)  # answer only after tick gave up
        return Endpoint.default_response(record)

    endpoint.respond = respond
    job = ids("deadline")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": [1], "backoff": {"base_ms": 60000, "max_ms": 60000}})
    try:
        started = time.time()
        report = tick_run(tick, prefix, config, env)
        gave_up = time.time()
    finally:
        release.set()
    assert (report["jobs_retried"], report["jobs_completed"]) == (1, 0), report
    [record] = endpoint.requests
    deadline = int(record.header("Tick-Deadline"))
    # The item's timeout (1 s, shorter than the run's budget) starts about when the request is sent.
    assert record.received_at * 1000 <= deadline <= record.received_at * 1000 + 1000 + 50, (record.received_at, deadline)
    assert deadline - 50 <= gave_up * 1000, "tick returned before the deadline it announced"
    assert gave_up - started < 5, "tick waited for the answer past its deadline"


def test_tls_verification_is_on_unless_the_ca_is_given(tick, endpoint, workdir, prefix, ids, redis):
    """Without ca_bundle, the self-signed endpoint fails verification: nothing reaches it, the job is
    retried with the reason; with it (the other tests), the same endpoint is trusted."""
    config, env = write_config(workdir, endpoint)
    settings = json.loads(config.read_text())
    del settings["handlers"]["hook"]["ca_bundle"]
    config.write_text(json.dumps(settings))
    job = ids("tls")
    enqueue(tick, prefix, {"id": job, "handler": "hook", "items": [{"n": 1}]})
    report = tick_run(tick, prefix, config, env)
    assert (report["jobs_retried"], report["items_done"]) == (1, 0), report
    assert endpoint.requests == [], "no request got past the TLS handshake"
    reason = redis.hget(f"{prefix}:job:{job}", "error") or ""
    assert "cannot connect" in reason and ("certificate" in reason.lower() or "ssl" in reason.lower()), reason
