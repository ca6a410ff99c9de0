"""Enqueue a job, then follow it until it ends: the tick_job_status view in PostgreSQL once a run has it, the
one-command Redis read before (a producer enqueues straight to Redis, so an unclaimed job has no row yet).

    python track.py '{"handler": "render", "items": [{"scene": 1}]}'

env: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, DATABASE_URL, TICK_PREFIX (default tick).
Prints one line per change: `state progress% message`, then the result. Needs `upstash-redis` and `psycopg`.
Exit 0 when the job is done, 1 when it is dead or cancelled.
"""

import json
import os
import sys
import time

import psycopg
from upstash_redis import Redis

from enqueue import enqueue

FINISHED = {"done", "dead", "cancelled"}


def status(connection, redis, prefix, job_id):
    """The job as the app sees it: the view's row, else its state in Redis (one HGET)."""
    row = connection.execute(
        "SELECT state, progress, message, result, error FROM tick_job_status WHERE id = %s", (job_id,)).fetchone()
    if row:
        state, progress, message, result, error = row
        return {"state": state, "progress": progress, "message": message, "result": result, "error": error}
    return {"state": redis.hget(f"{prefix}:job:{job_id}", "state") or "unknown", "progress": None, "message": None}


def main(argv):
    prefix = os.environ.get("TICK_PREFIX") or "tick"
    redis = Redis(url=os.environ["UPSTASH_REDIS_REST_URL"], token=os.environ["UPSTASH_REDIS_REST_TOKEN"])
    [entry] = enqueue(redis, [json.loads(argv[0])], prefix=prefix)
    job_id = entry["id"]
    print(f"enqueued {job_id}", flush=True)
    seen = None
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        while True:
            now = status(connection, redis, prefix, job_id)
            shown = (now["state"], now["progress"], now["message"])
            if shown != seen:
                percent = "-" if now["progress"] is None else f"{round(now['progress'] * 100)}%"
                print(f"{now['state']} {percent} {now['message'] or ''}".rstrip(), flush=True)
                seen = shown
            if now["state"] in FINISHED:
                print(f"result {json.dumps(now.get('result'))}" + (f" error {now['error']}" if now.get("error") else ""), flush=True)
                return 0 if now["state"] == "done" else 1
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
