"""Alerts (tick.json `alerts`, docs/monitoring.md) against the real services and a real HTTPS receiver that
verifies every delivery with examples/endpoints/verify.py (PyJWT): a dead-lettered job is exactly one signed
`job.dead` delivery; a receiver that is down delays the run by at most its timeout and loses nothing (a later
run sends it); a failed run sends `run.failed`; `tick serve` sends `ticks.missed` once per silence."""

import json
import os
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

from conftest import REPO, TIMEOUT, fail
from test_http_endpoint import KEY_A, Endpoint, certificate, endpoint, enqueue, free_port, ids, keys_under, prefix, tick_run  # noqa: F401

BOOM = {"kind": "exec", "command": ["/bin/sh", "-c", "exit 65"]}


def alerts_config(workdir, endpoint, events, **sink):
    """tick.json with an exec handler `boom` that fails for good and one alert sink at the endpoint's /alerts."""
    entry = {"url": endpoint.base + "/alerts", "signing_key": "${TICK_SIGNING_KEY}", "ca_bundle": endpoint.ca_bundle, "events": events}
    entry.update(sink)
    path = workdir / f"tick-alerts-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps({"handlers": {"boom": BOOM}, "alerts": [entry]}))
    endpoint.url = endpoint.base + "/alerts"
    return path, {"TICK_SIGNING_KEY": KEY_A}


def events_of(record):
    body = json.loads(record.body)
    assert body["source"] == "tick", body
    return body["events"]


def test_a_dead_job_is_one_signed_job_dead_delivery(tick, endpoint, workdir, prefix, ids, redis):
    config, env = alerts_config(workdir, endpoint, ["job.dead", "run.failed"])
    first, second = ids("dead-1"), ids("dead-2")
    enqueue(tick, prefix, {"id": first, "handler": "boom", "items": [1]}, {"id": second, "handler": "boom", "items": [2]})
    report = tick_run(tick, prefix, config, env)
    assert report["jobs_dead"] == 2 and report["exit_code"] == 0, report
    assert [r.outcome for r in endpoint.requests] == ["ok"], "one request, verified by PyJWT (verify.py)"
    [record] = endpoint.requests
    events = events_of(record)
    assert sorted(e["job"]["id"] for e in events) == sorted([first, second])
    for event in events:
        assert event["event"] == "job.dead" and event["id"] == f"job.dead:{event['job']['id']}:1", event
        assert event["job"]["handler"] == "boom" and event["job"]["attempts"] == 1 and "65" in event["job"]["reason"], event
    assert record.header("Tick-Alert-Count") == "2" and record.header("Idempotency-Key").startswith("alerts:")
    assert redis.llen(f"{prefix}:alerts") == 0, "delivered events leave the outbox"
    idle = tick_run(tick, prefix, config, env)
    assert idle["claimed"] == 0 and idle["redis_requests"] == 1, idle
    assert len(endpoint.requests) == 1, "nothing is sent twice"


def test_a_receiver_that_is_down_delays_the_run_by_its_timeout_at_most_and_loses_nothing(tick, endpoint, workdir, prefix, ids, redis):
    # A receiver that takes the connection and never answers: the worst case for the run's wait.
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(16)
    down = f"http://127.0.0.1:{hanging.getsockname()[1]}/alerts"
    config = workdir / f"tick-alerts-{uuid.uuid4().hex[:8]}.json"
    config.write_text(json.dumps({"handlers": {"boom": BOOM}, "alerts": [{"url": down, "unsigned": True, "events": ["job.dead"], "timeout_ms": 500}]}))
    job = ids("down")
    enqueue(tick, prefix, {"id": job, "handler": "boom", "items": [1]})
    started = time.monotonic()
    report = tick_run(tick, prefix, config, {})
    elapsed = time.monotonic() - started
    hanging.close()
    assert report["jobs_dead"] == 1 and report["exit_code"] == 0, report
    assert elapsed < 0.5 + 2.0, f"the run took {elapsed:.2f} s with a 500 ms alert timeout"
    assert elapsed >= 0.5, "it did wait for the receiver, up to its timeout"
    assert redis.llen(f"{prefix}:alerts") == 1, "kept for a later run"
    print(f"alerts: receiver hanging, the run took {elapsed:.2f} s in all (alert timeout 500 ms)")

    # The receiver is back: the next run, idle, sends it, once.
    live, env = alerts_config(workdir, endpoint, ["job.dead"])
    idle = tick_run(tick, prefix, live, env)
    assert idle["claimed"] == 0, idle
    [record] = endpoint.requests
    assert record.outcome == "ok" and [e["job"]["id"] for e in events_of(record)] == [job]
    assert redis.llen(f"{prefix}:alerts") == 0
    tick_run(tick, prefix, live, env)
    assert len(endpoint.requests) == 1


def test_a_failed_run_sends_run_failed(tick, endpoint, workdir, prefix, ids, redis):
    config, env = alerts_config(workdir, endpoint, ["run.failed"])
    enqueue(tick, prefix, {"id": ids("unreached"), "handler": "boom", "items": [1]})
    env["DATABASE_URL"] = f"postgresql://tick@127.0.0.1:{free_port()}/tick?connect_timeout=2"
    done = tick("run", "--prefix", prefix, "--config", str(config), "--budget", "10", env=env, check=False)
    assert done.returncode == 79, done.stderr
    [record] = endpoint.requests
    [event] = events_of(record)
    assert record.outcome == "ok" and event["event"] == "run.failed", event
    assert event["run"]["exit_code"] == 79 and event["run"]["exit_reason"] == "postgres_unavailable", event
    assert redis.llen(f"{prefix}:alerts") == 0


def test_tick_serve_sends_ticks_missed_once_per_silence(tick, endpoint, workdir, prefix, base_env):
    config, env = alerts_config(workdir, endpoint, ["ticks.missed"], max_silence_s=2, format="slack")
    serve_bin = Path(os.environ.get("TICK_SERVE_BIN") or REPO / ".build" / "debug" / "tick-serve")
    if not serve_bin.is_file():
        fail(f"no tick-serve binary at {serve_bin}: run `swift build`")
    tick("run", "--prefix", prefix, "--config", str(config), env=env)  # a heartbeat to be silent after
    port = free_port()
    serve = subprocess.Popen(
        [str(serve_bin), "--insecure-no-auth", "--port", str(port), "--prefix", prefix, "--config", str(config), "--alert-check-interval", "1"],
        env={**base_env, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)  # 2 s of allowed silence, then a check every second: one alert, not three
        assert len(endpoint.requests) == 1, [r.body for r in endpoint.requests]
        first = json.loads(endpoint.requests[0].body)
        assert endpoint.requests[0].outcome == "ok" and "no run for" in first["text"], first
        tick("run", "--prefix", prefix, "--config", str(config), env=env)  # runs again: a new silence starts
        time.sleep(5)
        assert len(endpoint.requests) == 2, [r.body for r in endpoint.requests]
    finally:
        serve.terminate()
        serve.wait(timeout=TIMEOUT)
