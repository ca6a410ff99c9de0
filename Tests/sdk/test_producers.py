"""The producer examples of docs/producers.md, run against the gateway and processed by `tick run`.

examples/producers/enqueue.mjs (plain fetch, run by node) and examples/producers/enqueue.py (the official
upstash-redis SDK) enqueue jobs without tick; `tick run` must then claim and finish them. The examples embed
the enqueue script; the first test keeps both copies identical to `tick script enqueue`.

Requires, and FAILS (never skips) without: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, DATABASE_URL
(`eval "$(scripts/dev-services env)"`), node on PATH, and the tick binary ($TICK_BIN, else
<repo>/.build/debug/tick; `swift build --product tick`). Each test uses its own key prefix, deleted
afterwards, and job ids unique to the run (the runs' PostgreSQL rows are keyed by job id).
"""

import hashlib
import importlib.util
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from upstash_redis import Redis

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "producers"
NODE_EXAMPLE = EXAMPLES / "enqueue.mjs"
PYTHON_EXAMPLE = EXAMPLES / "enqueue.py"
TIMEOUT = 60  # seconds, for any subprocess


def fail(message):
    pytest.fail(message + " (this test never skips)", pytrace=False)


# --------------------------------------------------------------------------------------------------
# Fixtures


def keys_under(redis, prefix):
    cursor, found = 0, []
    while True:
        cursor, keys = redis.scan(cursor, match=f"{prefix}:*", count=1000)
        found.extend(keys)
        if int(cursor) == 0:
            return found


@pytest.fixture
def prefix(redis):
    value = f"tick-producers-test-{uuid.uuid4().hex[:12]}"
    yield value
    leftovers = keys_under(redis, value)
    if leftovers:
        redis.delete(*leftovers)
    assert keys_under(redis, value) == []


@pytest.fixture
def ids():
    """Job ids unique to this test run."""
    run = uuid.uuid4().hex[:10]
    return lambda name: f"producers-{run}-{name}"


@pytest.fixture(scope="session")
def producer():
    """The Python example, imported from examples/producers."""
    spec = importlib.util.spec_from_file_location("tick_producer_example", PYTHON_EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_node(node, base_env):
    def run(*args, prefix, stdin=None, **env_overrides):
        env = {**base_env, "TICK_PREFIX": prefix, **env_overrides}
        return subprocess.run(
            [node, str(NODE_EXAMPLE), *args], input=stdin, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )

    return run


def node_results(done):
    assert done.returncode == 0, f"node exited {done.returncode}: {done.stderr}"
    return json.loads(done.stdout)


def tick_run(tick, prefix):
    done = tick("run", "--prefix", prefix, "--budget", "10")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"tick run printed no summary line; stderr: {done.stderr}"
    return json.loads(lines[-1])


def stats(tick, prefix):
    done = tick("stats", "--prefix", prefix, "--json")
    return {row["queue"]: row for row in json.loads(done.stdout)}


# --------------------------------------------------------------------------------------------------
# The embedded script


def test_examples_embed_the_enqueue_script_verbatim(tick, node, base_env, producer):
    source = tick("script", "enqueue").stdout
    sha1 = tick("script", "enqueue", "--sha1").stdout.strip()
    assert source.endswith("return out\n")  # print() adds the newline; the script itself ends at `out`

    assert producer.ENQUEUE_SCRIPT + "\n" == source, "examples/producers/enqueue.py: copy `tick script enqueue` into ENQUEUE_SCRIPT"
    assert hashlib.sha1(producer.ENQUEUE_SCRIPT.encode()).hexdigest() == sha1

    read = (
        "const { pathToFileURL } = await import('node:url');"
        "const m = await import(pathToFileURL(process.env.EXAMPLE).href);"
        "process.stdout.write(m.ENQUEUE_SCRIPT);"
    )
    done = subprocess.run(
        [node, "--input-type=module", "-e", read],
        env={**base_env, "EXAMPLE": str(NODE_EXAMPLE)}, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout + "\n" == source, "examples/producers/enqueue.mjs: copy `tick script enqueue` into ENQUEUE_SCRIPT"


# --------------------------------------------------------------------------------------------------
# Enqueue, then `tick run` processes


def test_node_example_enqueues_dedups_and_tick_runs_the_jobs(tick, run_node, redis, prefix, ids):
    items_job = {"id": ids("items"), "handler": "noop", "items": [{"n": 1}, {"n": 2}, {"n": 3}], "priority": 50}
    cursor_job = {"id": ids("cursor"), "handler": "noop", "cursor": None}

    results = node_results(run_node(json.dumps(items_job), json.dumps(cursor_job), prefix=prefix))
    assert results == [{"id": items_job["id"], "enqueued": True}, {"id": cursor_job["id"], "enqueued": True}]

    record = redis.hgetall(f"{prefix}:job:{items_job['id']}")
    assert record["state"] == "ready" and record["queue"] == "default" and record["max_attempts"] == "5"
    spec = json.loads(record["spec"])
    assert (spec["id"], spec["handler"], spec["queue"], spec["items"]) == (items_job["id"], "noop", "default", items_job["items"])
    assert spec["priority"] == 50
    assert json.loads(redis.hget(f"{prefix}:job:{cursor_job['id']}", "spec"))["cursor"] is None

    # The same id again (JSON lines on stdin this time): a duplicate, not enqueued twice.
    again = node_results(run_node(prefix=prefix, stdin=json.dumps(items_job) + "\n\n"))
    assert again == [{"id": items_job["id"], "enqueued": False}]
    assert stats(tick, prefix)["default"]["ready"] == 2

    report = tick_run(tick, prefix)
    assert (report["claimed"], report["jobs_completed"]) == (2, 2), report
    assert report["items_done"] == 3 + 1, report  # three items and the cursor job's one page
    assert (report["jobs_retried"], report["jobs_dead"], report["exit_code"]) == (0, 0, 0), report
    after = stats(tick, prefix)["default"]
    assert (after["ready"], after["leased"], after["delayed"], after["dead"]) == (0, 0, 0, 0), after

    # A finished job's record stays (24 h), so its id still deduplicates.
    assert redis.hget(f"{prefix}:job:{items_job['id']}", "state") == "done"
    assert node_results(run_node(json.dumps(items_job), prefix=prefix)) == [{"id": items_job["id"], "enqueued": False}]


def test_python_example_enqueues_with_the_sdk_and_tick_runs_the_jobs(tick, producer, redis, prefix, ids):
    jobs = [
        {"id": ids("py-items"), "handler": "noop", "items": ["a", "b"], "max_attempts": 3},
        {"id": ids("py-cursor"), "handler": "noop", "cursor": "page-1", "priority": 100},
        {"handler": "noop", "items": [{"k": "v"}]},  # id generated
        {"id": ids("py-items"), "handler": "noop", "items": ["again"]},  # same id in the same call
    ]
    results = producer.enqueue(redis, jobs, prefix=prefix)
    assert [r["enqueued"] for r in results] == [True, True, True, False]
    assert results[0]["id"] == jobs[0]["id"] and results[3]["id"] == jobs[0]["id"]
    generated = results[2]["id"]
    assert generated and json.loads(redis.hget(f"{prefix}:job:{generated}", "spec"))["id"] == generated
    assert redis.hget(f"{prefix}:job:{jobs[0]['id']}", "max_attempts") == "3"
    # Priority 100 sorts first among the ready jobs of their handler, in the handler's ready set.
    assert redis.zrange(f"{prefix}:q:default:ready:noop", 0, 0) == [jobs[1]["id"]]
    assert redis.hget(f"{prefix}:job:{jobs[1]['id']}", "handler") == "noop"

    report = tick_run(tick, prefix)
    assert (report["claimed"], report["jobs_completed"]) == (3, 3), report
    assert (report["jobs_retried"], report["jobs_dead"], report["exit_code"]) == (0, 0, 0), report
    after = stats(tick, prefix)["default"]
    assert (after["ready"], after["leased"], after["delayed"], after["dead"]) == (0, 0, 0, 0), after
    assert producer.enqueue(redis, [jobs[0]], prefix=prefix) == [{"id": jobs[0]["id"], "enqueued": False}]


@pytest.mark.parametrize("via", ["node", "python"])
def test_a_delayed_job_is_not_claimed_before_run_at(via, tick, run_node, producer, redis, prefix, ids):
    job = {"id": ids(f"delayed-{via}"), "handler": "noop", "items": [1], "run_at": int(time.time() * 1000) + 3_600_000}
    if via == "node":
        results = node_results(run_node(json.dumps(job), prefix=prefix))
    else:
        results = producer.enqueue(redis, [job], prefix=prefix)
    assert results == [{"id": job["id"], "enqueued": True}]
    assert redis.hget(f"{prefix}:job:{job['id']}", "state") == "delayed"

    report = tick_run(tick, prefix)
    assert (report["claimed"], report["jobs_completed"]) == (0, 0), report
    counts = stats(tick, prefix)["default"]
    assert (counts["delayed"], counts["ready"], counts["leased"], counts["due_delayed"]) == (1, 0, 0, 0), counts


# --------------------------------------------------------------------------------------------------
# Errors


def test_a_job_without_handler_is_rejected_before_anything_is_sent(run_node, producer, base_env, redis, prefix, ids):
    good = {"id": ids("good"), "handler": "noop", "items": [1]}
    bad = {"id": ids("bad"), "items": [1]}

    done = run_node(json.dumps(good), json.dumps(bad), prefix=prefix)
    assert done.returncode == 65, (done.returncode, done.stderr)
    assert done.stdout == ""
    assert f'job 2 ({bad["id"]}): "handler" is missing or not a string' in done.stderr, done.stderr

    with pytest.raises(producer.EnqueueError, match=r'job 2 \(.*\): "handler" is missing or not a string') as caught:
        producer.enqueue(redis, [good, bad], prefix=prefix)
    assert caught.value.kind == "invalid"

    python_cli = subprocess.run(
        [sys.executable, str(PYTHON_EXAMPLE)], input=json.dumps({"items": []}) + "\n",
        env={**base_env, "TICK_PREFIX": prefix}, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert python_cli.returncode == 65 and 'job 1: "handler" is missing' in python_cli.stderr, python_cli.stderr

    for job, message in [
        ({"handler": "noop"}, 'neither "items" (an array) nor "cursor"'),
        ({"handler": "noop", "items": [], "cursor": None}, 'either "items" or "cursor", not both'),
        ({"handler": "noop", "items": [], "priority": 101}, '"priority" must be an integer from 0 to 100'),
        ({"handler": "no spaces", "items": []}, '"handler" must be 1 to 64 characters'),
    ]:
        done = run_node(json.dumps(job), prefix=prefix)
        assert done.returncode == 65 and message in done.stderr, (job, done.stderr)
        with pytest.raises(producer.EnqueueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            producer.enqueue(redis, [job], prefix=prefix)

    assert keys_under(redis, prefix) == [], "a rejected batch must not write anything"


def test_a_rejected_token_is_named(run_node, producer, base_env, prefix):
    done = run_node(json.dumps({"handler": "noop", "items": [1]}), prefix=prefix, UPSTASH_REDIS_REST_TOKEN="wrong-token")
    assert done.returncode == 77
    assert "token rejected: check UPSTASH_REDIS_REST_TOKEN" in done.stderr, done.stderr

    wrong = Redis(url=base_env["UPSTASH_REDIS_REST_URL"], token="wrong-token", allow_telemetry=False)
    with pytest.raises(producer.EnqueueError, match="token rejected: check UPSTASH_REDIS_REST_TOKEN") as caught:
        producer.enqueue(wrong, [{"handler": "noop", "items": [1]}], prefix=prefix)
    assert caught.value.kind == "auth"


def test_a_redis_error_is_passed_on(run_node, producer, redis, prefix, ids):
    redis.set(f"{prefix}:q:default:handlers", "not a set")  # the script's SADD then fails with WRONGTYPE
    job = {"id": ids("wrongtype"), "handler": "noop", "items": [1]}

    done = run_node(json.dumps(job), prefix=prefix)
    assert done.returncode == 81 and "WRONGTYPE" in done.stderr, (done.returncode, done.stderr)
    # Another id: Redis does not roll back a failed script, so the first job's hash was written.
    with pytest.raises(producer.EnqueueError, match="WRONGTYPE") as caught:
        producer.enqueue(redis, [{**job, "id": ids("wrongtype-py")}], prefix=prefix)
    assert caught.value.kind == "redis"


# --------------------------------------------------------------------------------------------------
# Keys for flow control (docs/flow-control.md)


def test_a_second_job_with_a_unique_key_is_a_duplicate_under_reject(producer, redis, prefix, ids):
    first = {"id": ids("unique-1"), "handler": "noop", "items": [1], "unique_key": "report:42"}
    second = {**first, "id": ids("unique-2")}
    assert producer.enqueue(redis, [first], prefix=prefix) == [{"id": first["id"], "enqueued": True}]
    assert producer.enqueue(redis, [second], prefix=prefix) == [{"id": second["id"], "enqueued": False}]

    record = redis.hgetall(f"{prefix}:job:{first['id']}")
    assert (record["state"], record["ukey"], record["upolicy"]) == ("ready", "report:42", "reject"), record
    assert json.loads(record["spec"])["unique_policy"] == "reject"
    assert redis.exists(f"{prefix}:job:{second['id']}") == 0
    assert redis.hget(f"{prefix}:q:default:unique", "report:42") == first["id"]


def test_under_replace_the_waiting_job_is_superseded(producer, redis, prefix, ids):
    first = {"id": ids("replace-1"), "handler": "noop", "items": [1], "unique_key": "sync:7", "unique_policy": "replace"}
    second = {**first, "id": ids("replace-2"), "items": [2]}
    results = producer.enqueue(redis, [first], prefix=prefix) + producer.enqueue(redis, [second], prefix=prefix)
    assert [r["enqueued"] for r in results] == [True, True]

    old = redis.hgetall(f"{prefix}:job:{first['id']}")
    assert old["state"] == "cancelled", old
    assert old["error"] == f"superseded by {second['id']}", old
    assert redis.hget(f"{prefix}:job:{second['id']}", "state") == "ready"
    assert redis.zrange(f"{prefix}:q:default:ready:noop", 0, -1) == [second["id"]]


@pytest.mark.parametrize("via", ["node", "python"])
def test_a_concurrency_key_is_written_to_the_job_hash(via, run_node, producer, redis, prefix, ids):
    keyed = {"id": ids(f"ckey-{via}"), "handler": "noop", "items": [1], "concurrency_key": "tenant-9"}
    rated = {"id": ids(f"rkey-{via}"), "handler": "noop", "items": [1], "rate_key": "api.example"}
    if via == "node":
        results = node_results(run_node(json.dumps(keyed), json.dumps(rated), prefix=prefix))
    else:
        results = producer.enqueue(redis, [keyed, rated], prefix=prefix)
    assert [r["enqueued"] for r in results] == [True, True]

    record = redis.hgetall(f"{prefix}:job:{keyed['id']}")
    assert (record["ckey"], record["flow"], record["rkey"]) == ("tenant-9", "tenant-9", "tenant-9"), record
    assert redis.zrange(f"{prefix}:q:default:kready:noop|tenant-9", 0, -1) == [keyed["id"]]
    record = redis.hgetall(f"{prefix}:job:{rated['id']}")
    assert "ckey" not in record and (record["flow"], record["rkey"]) == ("api.example", "api.example"), record


def test_bad_flow_fields_are_rejected_before_anything_is_sent(run_node, producer, redis, prefix):
    base = {"handler": "noop", "items": [1]}
    for fields, message in [
        ({"unique_policy": "replace"}, '"unique_policy" and "debounce_ms" need a "unique_key"'),
        ({"debounce_ms": 100}, '"unique_policy" and "debounce_ms" need a "unique_key"'),
        ({"unique_key": "u", "unique_policy": "debounce"}, '"unique_policy": "debounce" needs "debounce_ms"'),
        ({"unique_key": "u", "unique_policy": "replace", "debounce_ms": 5}, '"debounce_ms" goes with "unique_policy": "debounce"'),
        ({"unique_key": "u", "debounce_ms": 500, "debounce_max_ms": 100}, '"debounce_max_ms" (100) must be at least "debounce_ms" (500)'),
        ({"unique_key": "u", "unique_policy": "sometimes"}, '"unique_policy" must be one of "reject", "replace", "debounce", "queue_one"'),
        ({"concurrency_key": "has space"}, '"concurrency_key" must be 1 to 200 characters'),
    ]:
        job = {**base, **fields}
        done = run_node(json.dumps(job), prefix=prefix)
        assert done.returncode == 65 and message in done.stderr, (job, done.stderr)
        with pytest.raises(producer.EnqueueError) as caught:
            producer.enqueue(redis, [job], prefix=prefix)
        assert message in str(caught.value) and caught.value.kind == "invalid", (job, str(caught.value))
    assert keys_under(redis, prefix) == [], "a rejected batch must not write anything"


def test_debounce_delays_the_job_and_a_burst_keeps_the_latest(producer, redis, prefix, ids):
    job = {"handler": "noop", "items": [1], "unique_key": "digest", "debounce_ms": 60_000, "debounce_max_ms": 120_000}
    before = int(time.time() * 1000)
    first, second = (producer.enqueue(redis, [{**job, "id": ids(f"debounce-{n}")}], prefix=prefix)[0] for n in (1, 2))
    assert first["enqueued"] and second["enqueued"]
    assert redis.hget(f"{prefix}:job:{first['id']}", "state") == "cancelled"
    record = redis.hgetall(f"{prefix}:job:{second['id']}")
    assert (record["state"], record["upolicy"]) == ("delayed", "debounce"), record
    due = redis.zscore(f"{prefix}:q:default:delayed", second["id"])
    assert before + 60_000 <= due <= int(time.time() * 1000) + 60_000
