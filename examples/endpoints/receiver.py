"""A minimal endpoint for tick's `http` handler: Python standard library + verify.py (PyJWT).

    TICK_SIGNING_KEY=... [TICK_SIGNING_KEY_NEXT=...] python receiver.py \
        --port 8080 --url http://127.0.0.1:8080/api/tick [--db receiver.sqlite3]

`--url` is the URL exactly as tick.json calls it (tick signs it as `sub`); the server answers on its path
only. Every request is verified (401 with the reason when it is not a valid, fresh request from tick),
then processed once per Idempotency-Key: the key is inserted into a table with a unique constraint in the
same transaction as the work's own writes (INSERT ... ON CONFLICT DO NOTHING), so a delivery tick repeats
(at least once) finds the key and gets the stored answer without doing the work again.

Two kinds of work, to show both job shapes:
- an items job: each item (any JSON) is stored in the `effects` table; the answer is {"stored": <item>}.
- a cursor job (the request has a Tick-Page header; the body is {"cursor": ..., "page": N}): walks a fixed
  list of 25 records, 10 per page; the cursor is the offset. The answer is {"next": "<offset>", "result":
  {"count": 10}}, with "next": null on the last page, which ends the job (tick stores "result").

Answers: 200 done, 400 bad request (permanent: tick dead-letters the job), 401 verification failed
(permanent), 404 another path, 405 another method, 411 no Content-Length.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify import MemoryReplayGuard, VerificationError, verify  # noqa: E402

RECORDS = [f"record-{i}" for i in range(25)]
PAGE_SIZE = 10
MAX_BODY = 1 << 20  # tick refuses jobs over 1 MiB, so no item is larger

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    idempotency_key TEXT PRIMARY KEY,   -- '<job id>:<index>' or '<job id>:page:<n>'
    response        TEXT                -- the answer given, repeated to a duplicate delivery
);
CREATE TABLE IF NOT EXISTS effects (
    idempotency_key TEXT NOT NULL,
    value           TEXT NOT NULL
);
"""


def process(db: sqlite3.Connection, key: str, payload, is_page: bool) -> tuple[bytes, bool]:
    """Does the work for one delivery at most once per key. Returns (answer body, was it a duplicate)."""
    db.execute("BEGIN IMMEDIATE")  # one writer at a time: a concurrent duplicate waits, then sees the key
    try:
        inserted = db.execute(
            "INSERT INTO deliveries (idempotency_key) VALUES (?) ON CONFLICT DO NOTHING", (key,)
        ).rowcount
        if inserted == 0:
            (stored,) = db.execute("SELECT response FROM deliveries WHERE idempotency_key = ?", (key,)).fetchone()
            db.execute("COMMIT")
            return stored.encode(), True
        if is_page:
            start = int(payload["cursor"] or 0)
            page = RECORDS[start:start + PAGE_SIZE]
            for record in page:
                db.execute("INSERT INTO effects VALUES (?, ?)", (key, record))
            following = start + PAGE_SIZE
            answer = {"next": str(following) if following < len(RECORDS) else None, "result": {"count": len(page)}}
        else:
            db.execute("INSERT INTO effects VALUES (?, ?)", (key, json.dumps(payload)))
            answer = {"stored": payload}
        response = json.dumps(answer, separators=(",", ":"))
        db.execute("UPDATE deliveries SET response = ? WHERE idempotency_key = ?", (response, key))
        db.execute("COMMIT")  # the key and the work's writes commit together, or neither does
        return response.encode(), False
    except BaseException:
        db.execute("ROLLBACK")
        raise


def make_handler(url: str, db_path: str, current_key: str, next_key: str | None, log=print):
    path = urlsplit(url).path or "/"
    replay_guard = MemoryReplayGuard()  # one process; see verify.MemoryReplayGuard for shared storage

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: tick reuses its connections

        def answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def refuse(self, status: int, reason: str) -> None:
            self.answer(status, reason.encode(), "text/plain; charset=utf-8")

        def do_POST(self) -> None:
            if self.path.split("?")[0] != path:
                return self.refuse(404, "not found")
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                return self.refuse(411, "Content-Length required")
            if int(length) > MAX_BODY:
                return self.refuse(413, "body too large")
            body = self.rfile.read(int(length))
            try:
                claims = verify(self.headers, body, url, current_key, next_key, replay_guard=replay_guard)
            except VerificationError as error:
                log(f"401 {type(error).__name__}: {error}")
                return self.refuse(401, f"tick signature: {error}")
            key = self.headers.get("Idempotency-Key")
            if not key:
                return self.refuse(400, "Idempotency-Key header missing")
            try:
                payload = json.loads(body)
            except ValueError:
                return self.refuse(400, "body is not JSON")
            is_page = self.headers.get("Tick-Page") is not None
            db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
            try:
                response, duplicate = process(db, key, payload, is_page)
            finally:
                db.close()
            log(f"200 {key} attempt={self.headers.get('Tick-Attempt')} jti={claims['jti']}"
                + (" (duplicate: stored answer)" if duplicate else ""))
            self.answer(200, response)

        do_PUT = do_POST
        do_PATCH = do_POST

        def log_message(self, format, *args):  # the default logs every request line; we log outcomes
            pass

    return Handler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="A minimal endpoint for tick's http handler.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--url", required=True, help="the URL exactly as tick calls it (the signed sub)")
    parser.add_argument("--db", default="receiver.sqlite3", help="SQLite file for deliveries and effects")
    args = parser.parse_args(argv)
    current_key = os.environ.get("TICK_SIGNING_KEY")
    if not current_key:
        print("receiver: TICK_SIGNING_KEY must be set", file=sys.stderr)
        return 78
    next_key = os.environ.get("TICK_SIGNING_KEY_NEXT") or None

    db = sqlite3.connect(args.db)
    db.executescript(SCHEMA)
    db.close()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.url, args.db, current_key, next_key,
                                                                      log=lambda line: print(line, flush=True)))
    print(f"receiver: listening on http://{args.host}:{server.server_address[1]}, verifying for {args.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
