"""`tick serve`'s watch endpoints against the real services (docs/monitoring.md).

`/healthz?max_silence=` flips from 503 (no run ever) to 200 after a run, to 503 after ~3 s without a run and back
to 200 after a run; a flood of 200 concurrent requests costs at most a couple of Redis requests, counted on the
wire by a proxy between tick-serve and the gateway (every REST request tick-serve sends goes through it, and
nothing else does); `/metrics` parses with the official Prometheus text parser (prometheus_client.parser), its
counters match the runs made here exactly, one scrape is one Redis request of three commands, 401 without the
token, 404 without TICK_METRICS_TOKEN.

Requires, and FAILS (never skips) without: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, DATABASE_URL
(`eval "$(scripts/dev-services env)"`), the tick and tick-serve binaries ($TICK_BIN / $TICK_SERVE_BIN, else
<repo>/.build/debug/), and prometheus-client in the venv (scripts/test installs it).
"""

import http.client
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "metrics-token-" + uuid.uuid4().hex
CRON_SECRET = "cron-secret-" + uuid.uuid4().hex


def fail(message):
    pytest.fail(message + " (this test never skips)", pytrace=False)


class CountingProxy:
    """A loopback HTTP proxy in front of the REST gateway that counts requests and the commands in them."""

    def __init__(self, upstream):
        target = urlsplit(upstream)
        self.upstream = (target.hostname, target.port or 80)
        self.requests = 0
        self.commands = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body in one write (flushed after each request): no delayed-ACK stall
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                commands = 1
                if self.path.startswith("/pipeline") or self.path.startswith("/multi-exec"):
                    commands = len(json.loads(body or b"[]"))
                with proxy.lock:
                    proxy.requests += 1
                    proxy.commands += commands
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
                upstream.request("POST", self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return self.requests, self.commands

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Serve:
    """tick-serve on a free loopback port, Redis through a counting proxy, under its own key prefix."""

    def __init__(self, base_env, workdir, prefix, metrics_token=METRICS_TOKEN):
        binary = Path(os.environ.get("TICK_SERVE_BIN") or REPO / ".build" / "debug" / "tick-serve")
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            fail(f"no tick-serve binary at {binary}: run `swift build --product tick-serve` or set TICK_SERVE_BIN")
        self.proxy = CountingProxy(base_env["UPSTASH_REDIS_REST_URL"])
        self.port = free_port()
        env = {**base_env, "UPSTASH_REDIS_REST_URL": self.proxy.url, "TICK_PREFIX": prefix, "CRON_SECRET": CRON_SECRET}
        env.pop("TICK_METRICS_TOKEN", None)
        if metrics_token:
            env["TICK_METRICS_TOKEN"] = metrics_token
        self.process = subprocess.Popen([str(binary), "--port", str(self.port)], cwd=workdir, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.close()
        fail(f"tick-serve did not answer /healthz within 30 s: {self.process.stderr.read()}")

    def get(self, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            reply = connection.getresponse()
            return reply.status, reply.read().decode()
        finally:
            connection.close()

    def health(self, max_silence):
        status, body = self.get(f"/healthz?max_silence={max_silence}")
        return status, json.loads(body)

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.proxy.close()


@pytest.fixture
def prefix(tick):
    return "mon-" + uuid.uuid4().hex[:10]


def run(tick, prefix, *queues):
    done = tick("run", "--prefix", prefix, "--budget", "20", *(arg for queue in queues for arg in ("--queue", queue)))
    return json.loads(done.stdout.strip().splitlines()[-1])


def until(condition, seconds, step=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def test_healthz_max_silence_flips_and_a_flood_costs_one_redis_request(tick, base_env, workdir, prefix):
    serve = Serve(base_env, workdir, prefix)
    try:
        status, body = serve.health(2)
        assert status == 503 and body["last_run_age_s"] is None and "no run was ever recorded" in body["error"], body

        def healthy_after_a_run():
            run(tick, prefix)
            status, body = serve.health(2)
            return body if status == 200 else None

        # The heartbeat is read at most every 5 s: runs every ~second until one is seen (a cron running that often).
        body = until(healthy_after_a_run, 15, step=0.5)
        assert body and body["ok"] is True and body["last_run_age_s"] <= 2 and body["last_trigger"] == "cron", body

        time.sleep(3)
        status, body = serve.health(2)
        assert status == 503 and body["ok"] is False and body["last_run_age_s"] >= 2, body
        assert "no run for" in body["error"] and body["last_trigger"] == "cron", body

        body = until(healthy_after_a_run, 15, step=0.5)
        assert body and body["ok"] is True, "no 200 after runs resumed"

        status, body = serve.get("/healthz?max_silence=soon")
        assert status == 400 and "max_silence must be a number of seconds" in json.loads(body)["error"], body
        assert serve.get("/healthz") == (200, '{"ok":true}\n')

        time.sleep(5.5)  # past the cache's lifetime: the flood must read once, and only once
        before = serve.proxy.count()
        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(lambda _: serve.health(600)[0], range(200)))
        after = serve.proxy.count()
        requests = after[0] - before[0]
        print(f"\n200 concurrent /healthz?max_silence=600: {requests} Redis request(s), {after[1] - before[1]} command(s)")
        assert statuses == [200] * 200
        assert 1 <= requests <= 2, f"{requests} Redis requests for 200 /healthz?max_silence requests"
    finally:
        serve.close()


def families(text):
    out = {}
    for family in text_string_to_metric_families(text):
        out[family.name] = family
    return out


def sample(found, family, name, **labels):
    for s in found[family].samples:
        if s.name == name and s.labels == labels:
            return s.value
    raise AssertionError(f"no sample {name}{labels} in {family}: {found[family].samples}")


def test_metrics_parse_and_match_the_runs(tick, base_env, workdir, prefix):
    serve = Serve(base_env, workdir, prefix)
    try:
        for job, items in (("a", 3), ("b", 3), ("c", 2)):
            spec = {"id": f"{prefix}-{job}", "handler": "sleep", "items": [{"ms": 1}] * items}
            if job == "c":
                spec["queue"] = "other"
            tick("enqueue", "--prefix", prefix, "--file", "-", input=json.dumps(spec) + "\n")
        # Claims the two jobs of `default`, then the one of `other`, then nothing (an idle run).
        reports = [run(tick, prefix), run(tick, prefix, "default", "other"), run(tick, prefix, "default", "other")]
        assert [r["claimed"] for r in reports] == [2, 1, 0], reports
        done_jobs = sum(r["jobs_completed"] for r in reports)
        assert done_jobs == 3 and sum(r["items_done"] for r in reports) == 8, reports

        assert serve.get("/metrics")[0] == 401
        assert serve.get("/metrics", {"Authorization": "Bearer " + CRON_SECRET})[0] == 401
        before = serve.proxy.count()
        started = time.monotonic()
        status, text = serve.get("/metrics", {"Authorization": "Bearer " + METRICS_TOKEN})
        took = time.monotonic() - started
        after = serve.proxy.count()
        assert status == 200, text
        cost = (after[0] - before[0], after[1] - before[1])
        print(f"\none scrape: {cost[0]} Redis request(s), {cost[1]} command(s), {took * 1000:.1f} ms")
        assert cost == (1, 3), cost

        found = families(text)
        assert found["tick_runs"].type == "counter"
        assert sum(s.value for s in found["tick_runs"].samples if s.name == "tick_runs_total") == 3
        assert sample(found, "tick_runs", "tick_runs_total", trigger="cron") == 3
        assert sample(found, "tick_jobs", "tick_jobs_total", outcome="done") == 3
        assert sample(found, "tick_jobs", "tick_jobs_total", outcome="dead") == 0
        assert sample(found, "tick_items", "tick_items_total", outcome="done") == 8
        assert sample(found, "tick_items", "tick_items_total", outcome="failed") == 0
        assert sample(found, "tick_redis_requests", "tick_redis_requests_total") == sum(r["redis_requests"] for r in reports)
        assert sample(found, "tick_redis_commands", "tick_redis_commands_total") == sum(r["redis_commands"] for r in reports)
        claiming = sum(1 for r in reports if r["claimed"] > 0)
        assert found["tick_run_duration_seconds"].type == "histogram"
        assert sample(found, "tick_run_duration_seconds", "tick_run_duration_seconds_count") == claiming
        assert sample(found, "tick_run_duration_seconds", "tick_run_duration_seconds_bucket", le="+Inf") == claiming
        for queue in ("default", "other"):
            for state in ("ready", "delayed", "leased", "dead", "cancelled"):
                assert sample(found, "tick_queue_jobs", "tick_queue_jobs", queue=queue, state=state) == 0
            assert sample(found, "tick_queue_paused", "tick_queue_paused", queue=queue) == 0
        assert 0 <= sample(found, "tick_last_run_age_seconds", "tick_last_run_age_seconds") < 30
        assert 0 <= sample(found, "tick_trigger_last_run_age_seconds", "tick_trigger_last_run_age_seconds", trigger="cron") < 30
    finally:
        serve.close()


def test_metrics_is_off_without_a_token(tick, base_env, workdir, prefix):
    serve = Serve(base_env, workdir, prefix, metrics_token=None)
    try:
        assert serve.get("/metrics", {"Authorization": "Bearer " + METRICS_TOKEN})[0] == 404
    finally:
        serve.close()
