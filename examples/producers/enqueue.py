"""Enqueue tick jobs from Python with the official Upstash SDK (pip install upstash-redis): no tick binary.

Library use:

    from upstash_redis import Redis
    from enqueue import enqueue

    redis = Redis(url=os.environ["UPSTASH_REDIS_REST_URL"], token=os.environ["UPSTASH_REDIS_REST_TOKEN"])
    enqueue(redis, [{"handler": "resize", "items": [{"url": "a.png"}, {"url": "b.png"}]}])
    # -> [{"id": "...generated...", "enqueued": True}]
    # Flow control (docs/flow-control.md): "concurrency_key", "rate_key", "unique_key", "unique_policy"
    # ("reject", "replace", "debounce"), "debounce_ms", "debounce_max_ms" on a job.

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
# ARGV: prefix, now (Unix ms), then per job 13 values: id, queue, priority, run_at (Unix ms or ""), max_attempts,
# job JSON, handler, concurrency_key, rate_key, unique_key, unique_policy, debounce_ms, debounce_max_ms (each ""
# when not set). Returns per job 1 (enqueued) or 0 (a job with that id exists, or, under unique_policy "reject",
# one with its unique_key is waiting or running).
ENQUEUE_SCRIPT = r"""local R=redis.call
local p=ARGV[1]
local function job_key(id)return p..':job:'..id end
local function ready_key(q,h)return p..':q:'..q..':ready:'..h end
local function handlers_key(q)return p..':q:'..q..':handlers' end
local function delayed_key(q)return p..':q:'..q..':delayed' end
local function cancelled_key(q)return p..':q:'..q..':cancelled' end
local queues_key,schedules_key,layout_key=p..':queues',p..':schedules',p..':layout'
local function kready_key(q,h,k)return p..':q:'..q..':kready:'..h..'|'..k end
local function keys_key(q,h)return p..':q:'..q..':keys:'..h end
local function parked_key(q,h)return p..':q:'..q..':parked:'..h end
local function keyed_key(q)return p..':q:'..q..':keyed' end
local function uniques_key(q)return p..':q:'..q..':unique' end
local function layout_error()
local found=R('GET',layout_key)
if not found then
if R('EXISTS',queues_key)==0 then
R('SET',layout_key,'2')
return nil
end
found='1'
end
if found~='2' then return redis.error_reply('TICKLAYOUT '..found..' 2')end
return nil
end
local ST={ready='ready',delayed='delayed',leased='leased',done='done',dead='dead',cancelled='cancelled'}
local function handler_of(jk)
local h=R('HGET',jk,'handler')
if h then return h end
local spec=R('HGET',jk,'spec')or ''
local ok,decoded=pcall(function()return cjson.decode(spec)end)
if ok and type(decoded)=='table' and type(decoded['handler'])=='string' then
h=decoded['handler']
else
h=string.match(spec,'"handler"%s*:%s*"([^"]*)"')or ''
end
R('HSET',jk,'handler',h)
return h
end
local function make_ready(q,jk,id,score)
local f=R('HMGET',jk,'handler','flow')
local h,k=f[1]or handler_of(jk),f[2]
if k then
if R('ZADD',kready_key(q,h,k),score,id)==1 then R('HINCRBY',keyed_key(q),h,1)end
if not R('ZSCORE',parked_key(q,h),k)then
local turn=R('ZSCORE',keys_key(q,h),k)
if not turn or tonumber(score)<tonumber(turn)then R('ZADD',keys_key(q,h),score,k)end
end
else
R('ZADD',ready_key(q,h),score,id)
end
R('SADD',handlers_key(q),h)
R('HSET',jk,'state',ST.ready)
end
local function unready(q,jk,id)
local f=R('HMGET',jk,'handler','flow')
local h,k=f[1]or handler_of(jk),f[2]
if not k then return R('ZREM',ready_key(q,h),id)end
if R('ZREM',kready_key(q,h,k),id)==0 then return 0 end
R('HINCRBY',keyed_key(q),h,-1)
if R('EXISTS',kready_key(q,h,k))==0 then R('ZREM',keys_key(q,h),k)end
return 1
end
local function unique_gate(q,u,pol)
local holder=R('HGET',uniques_key(q),u)
if not holder then return 'go' end
local st=R('HGET',job_key(holder),'state')
local waiting=st==ST.ready or st==ST.delayed
if not waiting and st~=ST.leased then return 'go' end
if pol=='reject' or(waiting and pol=='queue_one')then return 'dup' end
if waiting then return 'supersede',holder end
return 'after',holder
end
local function supersede(q,holder,by,now)
local hk=job_key(holder)
unready(q,hk,holder)
R('ZREM',delayed_key(q),holder)
R('HSET',hk,'state',ST.cancelled,'updated_at',now,'error','superseded by '..by,'cancel',now)
R('ZADD',cancelled_key(q),now,holder)
local f=R('HMGET',hk,'after','debounce_since','enqueued_at')
return f[1],tonumber(f[2]or f[3])
end
local bad=layout_error()
if bad then return bad end
local now=tonumber(ARGV[2])
local out={}
for i=3,#ARGV,13 do
if ARGV[i+10]=='debounce' and not tonumber(ARGV[i+11]or '')then
return redis.error_reply('ERR job '..ARGV[i]..': unique_policy debounce needs debounce_ms')
end
end
for i=3,#ARGV,13 do
local id,q,prio,runat,maxa,spec,h=ARGV[i],ARGV[i+1],tonumber(ARGV[i+2]),ARGV[i+3],ARGV[i+4],ARGV[i+5],ARGV[i+6]
local ck,rk,u,pol=ARGV[i+7]or '',ARGV[i+8]or '',ARGV[i+9]or '',ARGV[i+10]or ''
if u~='' and pol=='' then pol=tonumber(ARGV[i+11]or '')and 'debounce' or 'reject' end
local jk=job_key(id)
local verdict,holder='go',nil
if R('EXISTS',jk)==1 then verdict='dup'
elseif u~='' then verdict,holder=unique_gate(q,u,pol)end
if verdict=='dup' then
out[#out+1]=0
else
local after,since=nil,now
if verdict=='supersede' then
local a,s=supersede(q,holder,id,now)
if pol=='debounce' and s then since=s end
if a and R('HGET',job_key(a),'state')==ST.leased then after=a end
elseif verdict=='after' then
after=holder
end
local due=tonumber(runat)or 0
if pol=='debounce' then
local quiet=now+tonumber(ARGV[i+11])
if ARGV[i+12]~='' then quiet=math.min(quiet,since+tonumber(ARGV[i+12]))end
due=math.max(due,quiet)
end
local score=string.format('%.0f',(100 - prio)*1e13+now)
R('HSET',jk,'spec',spec,'queue',q,'attempt',0,'fence',0,'score',score,
'max_attempts',maxa,'enqueued_at',now,'updated_at',now)
if h~=nil and h~='' then R('HSET',jk,'handler',h)end
if ck~='' then R('HSET',jk,'ckey',ck,'flow',ck)end
if rk~='' or ck~='' then R('HSET',jk,'rkey',rk~='' and rk or ck)end
if ck=='' and rk~='' then R('HSET',jk,'flow',rk)end
if u~='' then
R('HSET',jk,'ukey',u,'upolicy',pol,'debounce_since',string.format('%.0f',since))
R('HSET',uniques_key(q),u,id)
end
if after then
local until_=R('HGET',job_key(after),'lease_until')or now
R('HSET',jk,'state',ST.delayed,'after',after,'due',string.format('%.0f',due))
R('ZADD',delayed_key(q),string.format('%.0f',math.max(due,tonumber(until_))),id)
elseif due>now then
R('HSET',jk,'state',ST.delayed)
R('ZADD',delayed_key(q),string.format('%.0f',due),id)
else
make_ready(q,jk,id,score)
end
R('SADD',queues_key,q)
out[#out+1]=1
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


_POLICIES = ("reject", "replace", "debounce", "queue_one")
_POLICY_NAMES = ", ".join(f'"{name}"' for name in _POLICIES)


def _key(job, name, where):
    value = job.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EnqueueError("invalid", f'{where}: "{name}" must be a string')
    if not _ID.fullmatch(value):
        raise EnqueueError("invalid", f'{where}: "{name}" must be 1 to 200 characters of printable ASCII without spaces')
    return value


def flow_arguments(job, where="job"):
    """Checks a job's flow-control fields (docs/flow-control.md) the way tick does and returns the six EVAL
    arguments they become: concurrency_key, rate_key, unique_key, unique_policy, debounce_ms, debounce_max_ms."""
    concurrency_key, rate_key, unique_key = (_key(job, name, where) for name in ("concurrency_key", "rate_key", "unique_key"))
    debounce = _integer(job, "debounce_ms", 1, 86_400_000, None, where)
    debounce_max = _integer(job, "debounce_max_ms", 1, 7 * 86_400_000, None, where)
    policy = job.get("unique_policy")
    if policy is None:
        policy = "reject" if debounce is None else "debounce"
    elif policy not in _POLICIES:
        raise EnqueueError("invalid", f'{where}: "unique_policy" must be one of {_POLICY_NAMES}')
    if unique_key is None and ("unique_policy" in job or debounce is not None):
        raise EnqueueError("invalid", f'{where}: "unique_policy" and "debounce_ms" need a "unique_key": the key whose jobs are deduplicated')
    if policy == "debounce" and debounce is None:
        raise EnqueueError("invalid", f'{where}: "unique_policy": "debounce" needs "debounce_ms": how long the key must be quiet')
    if debounce is not None and policy != "debounce":
        raise EnqueueError("invalid", f'{where}: "debounce_ms" goes with "unique_policy": "debounce"')
    if debounce_max is not None and policy != "debounce":
        raise EnqueueError("invalid", f'{where}: "debounce_max_ms" goes with "unique_policy": "debounce"')
    if debounce_max is not None and debounce is not None and debounce_max < debounce:
        raise EnqueueError("invalid", f'{where}: "debounce_max_ms" ({debounce_max}) must be at least "debounce_ms" ({debounce})')
    return [
        concurrency_key or "", rate_key or "", unique_key or "", policy if unique_key is not None else "",
        "" if debounce is None else str(debounce), "" if debounce_max is None else str(debounce_max),
    ]


def job_arguments(job, index=0):
    """Checks one job the way tick does when it claims it, fills in the id (generated when missing) and
    queue, and returns the 13 EVAL arguments of the job."""
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
    flow = flow_arguments(job, where)
    # The stored JSON carries the id and queue the script is given, and the defaults written out.
    spec = {**job, "id": job_id, "queue": queue, "priority": priority, "max_attempts": max_attempts}
    if flow[2]:
        spec["unique_policy"] = flow[3]
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
    return [job_id, queue, str(priority), "" if run_at is None else str(run_at), str(max_attempts), text, handler] + flow


def enqueue(redis, jobs, prefix="tick", chunk=DEFAULT_CHUNK):
    """Enqueues jobs (dicts in the wire format of docs/data-model.md; "id" is generated when missing) with
    one EVAL request per `chunk` jobs. Every job is checked before anything is sent.

    Returns [{"id": ..., "enqueued": True|False}]; False: a job with that id exists, or under unique_policy
    "reject" one with its unique_key is waiting or running (a duplicate).
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
