"""Progress and results an app can read (docs/producers.md, "Tracking a job from your app"), against the real
services: an exec command reporting on TICK_PROGRESS_FD, the tick_job_status view for a running, done, dead and
cancelled job, and examples/producers/track.py following a job to its end."""

import json
import os
import subprocess
import sys
import uuid

from conftest import REPO, TIMEOUT, fail
from test_http_endpoint import enqueue, prefix, tick_run  # noqa: F401

EXAMPLES = REPO / "examples" / "producers"


def psql(base_env, sql):
    done = subprocess.run(["psql", base_env["DATABASE_URL"], "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return [line.split("|") for line in done.stdout.splitlines() if line]


def write_config(workdir, steps, pause, exit_code=0, garbage=True):
    """An exec handler `report` that reports `steps` progress lines `pause` seconds apart (and one malformed
    line), then prints its result and exits with `exit_code` (65: a permanent failure)."""
    script = workdir / f"report-{uuid.uuid4().hex[:8]}.sh"
    script.write_text(
        "#!/bin/sh\n"
        + (f'echo "not a progress line" >&"$TICK_PROGRESS_FD"\n' if garbage else "")
        + f"i=1\nwhile [ $i -le {steps} ]; do\n"
        + f'  echo "{{\\"progress\\": $(awk "BEGIN {{ printf \\"%.3f\\", $i / {steps} }}"), \\"message\\": \\"step $i of {steps}\\"}}" >&"$TICK_PROGRESS_FD"\n'
        + f"  sleep {pause}\n  i=$((i+1))\ndone\n"
        + 'echo \'{"url": "https://example.com/out.mp4"}\'\n'
        + f"exit {exit_code}\n")
    script.chmod(0o755)
    config = workdir / f"tick-progress-{uuid.uuid4().hex[:8]}.json"
    config.write_text(json.dumps({"handlers": {"report": {"kind": "exec", "command": [str(script)], "permanent_exit_codes": [65]}}}))
    return config


def test_progress_is_written_coalesced_and_only_forward(tick, workdir, prefix, base_env):
    """100 reports over about 2 s: at most one write per 50 ms commit window, each moving forward."""
    job = f"progress-{uuid.uuid4().hex[:10]}"
    config = write_config(workdir, steps=100, pause=0.02)
    # A trigger records every change of this job's progress: the writes themselves, counted.
    log = f"progress_log_{uuid.uuid4().hex[:8]}"
    psql(base_env, f"""
        CREATE TABLE {log} (progress real, message text, at timestamptz DEFAULT clock_timestamp());
        CREATE FUNCTION {log}_f() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.job_id = '{job}' AND NEW.progress IS DISTINCT FROM OLD.progress THEN
            INSERT INTO {log} (progress, message) VALUES (NEW.progress, NEW.progress_message);
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER {log}_t AFTER UPDATE ON tick_jobs FOR EACH ROW EXECUTE FUNCTION {log}_f();""")
    try:
        enqueue(tick, prefix, {"id": job, "handler": "report", "items": [{}]})
        report = tick_run(tick, prefix, config, {})
        assert report["jobs_completed"] == 1 and report["items_done"] == 1, report
        rows = psql(base_env, f"SELECT progress, message, extract(epoch FROM at) FROM {log} ORDER BY at")
    finally:
        psql(base_env, f"DROP TRIGGER IF EXISTS {log}_t ON tick_jobs; DROP FUNCTION IF EXISTS {log}_f(); DROP TABLE IF EXISTS {log};")
    fractions = [float(r[0]) for r in rows]
    span = float(rows[-1][2]) - float(rows[0][2]) if len(rows) > 1 else 0
    assert fractions == sorted(fractions), f"progress only moves forward: {fractions}"
    assert 3 <= len(fractions) < 100, f"{len(fractions)} writes for 100 reports: coalesced, and written while the item ran"
    assert len(fractions) <= span / 0.05 + 3, f"{len(fractions)} writes over {span:.2f} s: at most one per 50 ms window"
    assert fractions[-1] == 1.0 and any(0 < f < 1 for f in fractions), fractions
    [[state, progress, message, result, finished]] = psql(
        base_env, f"SELECT state, progress, message, result, finished_at IS NOT NULL FROM tick_job_status WHERE id = '{job}'")
    assert (state, float(progress), message, finished) == ("done", 1.0, "step 100 of 100", "t")
    assert json.loads(result) == {"url": "https://example.com/out.mp4"}
    assert "ignored a progress line" in report["_stderr"], "the malformed line was ignored, with a warning, and the item did not fail"
    print(f"progress: 100 reports over {span:.2f} s became {len(fractions)} writes")


def test_the_view_for_a_dead_and_a_cancelled_job(tick, workdir, prefix, base_env):
    dead, cancelled = f"dead-{uuid.uuid4().hex[:10]}", f"cancelled-{uuid.uuid4().hex[:10]}"
    config = write_config(workdir, steps=2, pause=0.01, exit_code=65, garbage=False)
    enqueue(tick, prefix, {"id": dead, "handler": "report", "items": [{}]}, {"id": cancelled, "handler": "nobody", "items": [{}]})
    tick("cancel", "--prefix", prefix, cancelled)
    report = tick_run(tick, prefix, config, {})
    assert report["jobs_dead"] == 1, report
    rows = {r[0]: r[1:] for r in psql(base_env, f"SELECT id, state, error IS NOT NULL, finished_at IS NOT NULL FROM tick_job_status WHERE id IN ('{dead}', '{cancelled}')")}
    assert rows[dead] == ["dead", "t", "t"], rows
    assert rows[cancelled][0] == "cancelled", rows


def test_the_python_example_follows_a_job_to_its_end(tick, workdir, prefix, base_env):
    config = write_config(workdir, steps=10, pause=0.2, garbage=False)
    env = {**base_env, "TICK_PREFIX": prefix, "PYTHONPATH": str(EXAMPLES)}
    follower = subprocess.Popen([sys.executable, str(EXAMPLES / "track.py"), json.dumps({"handler": "report", "items": [{}]})],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert follower.stdout.readline().startswith("enqueued "), follower.stderr.read()
        tick_run(tick, prefix, config, {})
        out, err = follower.communicate(timeout=TIMEOUT)
    finally:
        follower.kill()
    lines = out.splitlines()
    assert follower.returncode == 0, err
    assert lines[0].startswith("ready"), lines
    running = [line for line in lines if line.startswith("running ")]
    assert len(running) >= 2, f"saw the progress move: {lines}"
    assert lines[-2].startswith("done 100%") and lines[-1] == 'result {"url": "https://example.com/out.mp4"}', lines
    print("track.py saw:", " | ".join(lines))


def test_a_listen_client_receives_the_changes(tick, workdir, prefix, base_env):
    """With "notify" in tick.json, each commit notifies the channel of the jobs it changed (coalesced like the
    writes); a client LISTENs on a direct connection."""
    import psycopg

    script_config = write_config(workdir, steps=5, pause=0.1, garbage=False)
    settings = json.loads(script_config.read_text())
    settings["notify"] = "tick_jobs_test"
    config = workdir / f"tick-notify-{uuid.uuid4().hex[:8]}.json"
    config.write_text(json.dumps(settings))
    job = f"notify-{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base_env["DATABASE_URL"], autocommit=True) as listener:
        listener.execute("LISTEN tick_jobs_test")
        enqueue(tick, prefix, {"id": job, "handler": "report", "items": [{}]})
        tick_run(tick, prefix, config, {})
        seen = [json.loads(n.payload) for n in listener.notifies(timeout=2) if json.loads(n.payload)["id"] == job]
    assert seen, "no notification for the job"
    progress = [n["progress"] for n in seen if n["progress"] is not None]
    assert progress == sorted(progress) and seen[-1]["state"] == "done", seen
    assert any(n["state"] == "running" and n["progress"] is not None and n["progress"] < 1 for n in seen), seen
    print(f"notify: {len(seen)} notifications for 5 reports and the end: {[(n['state'], n['progress']) for n in seen]}")
