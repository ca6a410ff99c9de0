"""Enqueue tick jobs from Python with the official Upstash SDK (pip install upstash-redis): no tick binary.

Library use:

    from upstash_redis import Redis
    from enqueue import enqueue

    redis = Redis(url=os.environ["UPSTASH_REDIS_REST_URL"], token=os.environ["UPSTASH_REDIS_REST_TOKEN"])
    enqueue(redis, [{"handler": "resize", "items": [{"url": "a.png"}, {"url": "b.png"}]}])
    # -> [{"id": "...generated...", "enqueued": True}]

Command line (reads UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN and TICK_PREFIX):

    python enqueue.py '{"id":"report-1","handler":"resize","items":[1,2]}' ...
    python enqueue.py < jobs.jsonl          # one job JSON per line

It prints [{"id":...,"enqueued":true|false}] (false: a job with that id exists, so it was not enqueued
again). Exit status: 0 sent (duplicates included), 64 usage, 65 invalid job (nothing sent),
69 Redis unreachable, 77 token rejected, 78 missing environment, 81 Redis error.

The wire format and the script are documented in docs/producers.md and docs/data-model.md.
"""

import json
import os
import re
import sys
import time
import uuid

from upstash_redis import Redis
from upstash_redis.errors import UpstashError

# The enqueue script, verbatim from `tick script enqueue` (Tests/sdk/test_producers.py keeps it identical).
# ARGV: prefix, now (Unix ms), then per job: id, queue, priority, run_at (Unix ms or ""), max_attempts,
# job JSON, handler. Returns per job 1 (enqueued) or 0 (a job with that id exists).
ENQUEUE_SCRIPT = r"""local p = ARGV[1]
local function job_key(id) return p .. ':job:' .. id end
local function ready_key(q, h) return p .. ':q:' .. q .. ':ready:' .. h end
local function handlers_key(q) return p .. ':q:' .. q .. ':handlers' end
local function delayed_key(q) return p .. ':q:' .. q .. ':delayed' end
local queues_key, schedules_key, layout_key = p .. ':queues', p .. ':schedules', p .. ':layout'
local function layout_error()
local found = redis.call('GET', layout_key)
if not found then
if redis.call('EXISTS', queues_key) == 0 then
redis.call('SET', layout_key, '2')
return nil
end
found = '1'
end
if found ~= '2' then return redis.error_reply('TICKLAYOUT ' .. found .. ' 2') end
return nil
end
local ST = {ready = 'ready', delayed = 'delayed', leased = 'leased', done = 'done', dead = 'dead', cancelled = 'cancelled'}
local function handler_of(jk)
local h = redis.call('HGET', jk, 'handler')
if h then return h end
local spec = redis.call('HGET', jk, 'spec') or ''
local ok, decoded = pcall(function() return cjson.decode(spec) end)
if ok and type(decoded) == 'table' and type(decoded['handler']) == 'string' then
h = decoded['handler']
else
h = string.match(spec, '"handler"%s*:%s*"([^"]*)"') or ''
end
redis.call('HSET', jk, 'handler', h)
return h
end
local function make_ready(q, jk, id, score)
local h = handler_of(jk)
redis.call('ZADD', ready_key(q, h), score, id)
redis.call('SADD', handlers_key(q), h)
redis.call('HSET', jk, 'state', ST.ready)
end
local bad = layout_error()
if bad then return bad end
local now = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 7 do
local id, q, prio, runat, maxa, spec, h = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
local jk = job_key(id)
if redis.call('EXISTS', jk) == 1 then
out[#out + 1] = 0
else
local score = string.format('%.0f', (100 - prio) * 1e13 + now)
redis.call('HSET', jk, 'spec', spec, 'queue', q, 'attempt', 0, 'fence', 0, 'score', score,
'max_attempts', maxa, 'enqueued_at', now, 'updated_at', now)
if h ~= nil and h ~= '' then redis.call('HSET', jk, 'handler', h) end
if runat ~= '' and tonumber(runat) > now then
redis.call('HSET', jk, 'state', ST.delayed)
redis.call('ZADD', delayed_key(q), runat, id)
else
make_ready(q, jk, id, score)
end
redis.call('SADD', queues_key, q)
out[#out + 1] = 1
end
end
return out"""

DEFAULT_CHUNK = 500  # jobs per EVAL request (one HTTP request each)
MAX_JOB_BYTES = 1 << 20  # largest job JSON tick accepts

_NAME = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_ID = re.compile(r"[\x21-\x7e]{1,200}")


class EnqueueError(Exception):
    """Why enqueue failed. kind: "invalid" (a job; nothing sent), "auth", "redis", "unavailable"."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def _integer(job, key, low, high, default, where):
    value = job.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EnqueueError("invalid", f'{where}: "{key}" must be an integer from {low} to {high}')
    return value


def job_arguments(job, index=0):
    """Checks one job the way tick does when it claims it, fills in the id (generated when missing) and
    queue, and returns the six EVAL arguments of the job."""
    where = f"job {index + 1}"
    if not isinstance(job, dict):
        raise EnqueueError("invalid", f"{where}: a job must be a JSON object")
    job_id = job.get("id")
    if job_id is None:
        job_id = str(uuid.uuid4())
    elif not isinstance(job_id, str) or not _ID.fullmatch(job_id):
        raise EnqueueError("invalid", f'{where}: "id" must be 1 to 200 characters of printable ASCII without spaces')
    else:
        where = f"job {index + 1} ({job_id})"
    handler = job.get("handler")
    if not isinstance(handler, str):
        raise EnqueueError("invalid", f"{where}: \"handler\" is missing or not a string: name a handler from the worker's config")
    if not _NAME.fullmatch(handler):
        raise EnqueueError("invalid", f"{where}: \"handler\" must be 1 to 64 characters of letters, digits, '.', '_', '-' or ':'")
    queue = job.get("queue")
    if queue is None:
        queue = "default"
    if not isinstance(queue, str) or not _NAME.fullmatch(queue):
        raise EnqueueError("invalid", f"{where}: \"queue\" must be 1 to 64 characters of letters, digits, '.', '_', '-' or ':'")
    has_items, has_cursor = "items" in job, "cursor" in job
    if has_items and has_cursor:
        raise EnqueueError("invalid", f'{where}: a job has either "items" or "cursor", not both')
    if not has_items and not has_cursor:
        raise EnqueueError("invalid", f'{where}: the job has neither "items" (an array) nor "cursor"')
    if has_items and not isinstance(job["items"], (list, tuple)):
        raise EnqueueError("invalid", f'{where}: "items" must be an array')
    if has_cursor and job["cursor"] is not None and not isinstance(job["cursor"], str):
        raise EnqueueError("invalid", f'{where}: "cursor" must be a string or null')
    priority = _integer(job, "priority", 0, 100, 0, where)
    run_at = _integer(job, "run_at", 0, 1 << 50, None, where)
    max_attempts = _integer(job, "max_attempts", 1, 1000, 5, where)
    _integer(job, "item_timeout_ms", 1, 86_400_000, None, where)
    _integer(job, "item_concurrency", 1, 1000, 1, where)
    if job.get("backoff") is not None and not isinstance(job["backoff"], dict):
        raise EnqueueError("invalid", f'{where}: "backoff" must be an object with base_ms and max_ms')
    # The stored JSON carries the id and queue the script is given, and the defaults written out.
    spec = {**job, "id": job_id, "queue": queue, "priority": priority, "max_attempts": max_attempts}
    try:
        text = json.dumps(spec, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise EnqueueError("invalid", f"{where}: not representable as JSON: {error}") from None
    size = len(text.encode("utf-8"))
    if size > MAX_JOB_BYTES:
        raise EnqueueError(
            "invalid",
            f"{where}: the job is {size} bytes, over the limit of {MAX_JOB_BYTES}: store large payloads elsewhere and pass a reference",
        )
    return [job_id, queue, str(priority), "" if run_at is None else str(run_at), str(max_attempts), text, handler]


def enqueue(redis, jobs, prefix="tick", chunk=DEFAULT_CHUNK):
    """Enqueues jobs (dicts in the wire format of docs/data-model.md; "id" is generated when missing) with
    one EVAL request per `chunk` jobs. Every job is checked before anything is sent.

    Returns [{"id": ..., "enqueued": True|False}]; False: a job with that id exists (a duplicate).
    Raises EnqueueError.
    """
    prepared = [job_arguments(job, index) for index, job in enumerate(jobs)]
    chunk = max(1, int(chunk))
    results = []
    for start in range(0, len(prepared), chunk):
        batch = prepared[start : start + chunk]
        args = [prefix, str(int(time.time() * 1000))] + [value for job in batch for value in job]
        try:
            reply = redis.eval(ENQUEUE_SCRIPT, keys=[], args=args)
        except UpstashError as error:
            if str(error) == "Unauthorized":
                raise EnqueueError("auth", "token rejected: check UPSTASH_REDIS_REST_TOKEN") from None
            raise EnqueueError("redis", str(error)) from None
        except Exception as error:  # httpx transport errors after the SDK's retries
            raise EnqueueError("unavailable", f"cannot reach Redis: {error}") from None
        if not isinstance(reply, list) or len(reply) != len(batch):
            raise EnqueueError("redis", f"the enqueue script returned {reply!r} for {len(batch)} jobs")
        results.extend({"id": job[0], "enqueued": reply[i] == 1} for i, job in enumerate(batch))
    return results


# --- command line ----------------------------------------------------------------------------------------

_EXIT = {"usage": 64, "invalid": 65, "unavailable": 69, "auth": 77, "config": 78, "redis": 81}


def main(argv):
    if "-h" in argv or "--help" in argv:
        print("usage: python enqueue.py ['<job JSON>' ...]   (no arguments: JSON lines on stdin)")
        print("env: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, TICK_PREFIX (default tick)")
        return 0
    url, token = os.environ.get("UPSTASH_REDIS_REST_URL"), os.environ.get("UPSTASH_REDIS_REST_TOKEN")
    if not url or not token:
        print("enqueue: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN", file=sys.stderr)
        return _EXIT["config"]
    if argv:
        sources = [(f"argument {i + 1}", text) for i, text in enumerate(argv)]
    elif sys.stdin.isatty():
        print("enqueue: give jobs as arguments or JSON lines on stdin (--help)", file=sys.stderr)
        return _EXIT["usage"]
    else:
        sources = [(f"line {i + 1}", text) for i, text in enumerate(sys.stdin.read().split("\n")) if text.strip()]
    jobs = []
    for label, text in sources:
        try:
            jobs.append(json.loads(text))
        except ValueError:
            print(f"enqueue: {label} is not valid JSON", file=sys.stderr)
            return _EXIT["invalid"]
    try:
        results = enqueue(Redis(url=url, token=token), jobs, prefix=os.environ.get("TICK_PREFIX") or "tick")
    except EnqueueError as error:
        print(f"enqueue: {error}", file=sys.stderr)
        return _EXIT.get(error.kind, 1)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
