"""The command line as people use it (issue 20): unknown commands, help, exit codes, verbosity, secrets,
colour, --json of every read command. Runs the built tick binary ($TICK_BIN, else .build/debug/tick)
against the local services; FAILS (never skips) without them (`eval "$(scripts/dev-services env)"`).
Each test uses its own key prefix, deleted afterwards."""

import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def keys_under(redis, prefix):
    cursor, found = 0, []
    while True:
        cursor, keys = redis.scan(cursor, match=f"{prefix}:*", count=1000)
        found.extend(keys)
        if int(cursor) == 0:
            return found


@pytest.fixture
def prefix(redis):
    value = f"tick-cli-test-{uuid.uuid4().hex[:12]}"
    yield value
    leftovers = keys_under(redis, value)
    if leftovers:
        redis.delete(*leftovers)


# --------------------------------------------------------------------------------------------------
# Errors as people expect


def test_unknown_command_names_the_known_ones_and_the_closest(tick):
    bogus = tick("bogus", check=False)
    assert bogus.returncode == 64
    assert "unknown command 'bogus'" in bogus.stderr
    assert "Commands: run, drain," in bogus.stderr and "schedules" in bogus.stderr
    assert "Unexpected argument" not in bogus.stderr and "Usage: tick run" not in bogus.stderr
    typo = tick("dran", check=False)
    assert typo.returncode == 64
    assert "did you mean 'drain'?" in typo.stderr


def test_help_lists_every_exit_code_of_the_readme(tick):
    readme = (REPO / "README.md").read_text()
    codes = re.findall(r"^\| (\d+) \| ", readme, flags=re.M)
    assert "82" in codes and "130" in codes
    shown = tick("--help").stdout
    listed = re.findall(r"^\s+(\d+)  \S", shown[shown.index("Exit codes:"):], flags=re.M)
    assert listed == codes


def test_serve_help_explains_itself_without_tick_serve(tick):
    done = tick("serve", "--help", env={"TICK_SERVE_BIN": "/nonexistent/tick-serve"}, check=False)
    assert done.returncode == 0, done.stderr
    assert "HTTP wrapper" in done.stdout
    assert "Looked for at /nonexistent/tick-serve (from TICK_SERVE_BIN): not found" in done.stdout


def test_piped_jobs_without_file_dash_say_how(tick, prefix):
    done = tick("enqueue", "--prefix", prefix, input='{"handler":"noop","items":[1]}\n', check=False)
    assert done.returncode == 64
    assert "--file -" in done.stderr
    assert "Usage: tick <subcommand>" not in done.stderr


def test_completion_scripts_for_bash_zsh_fish(tick, workdir):
    for shell, marker in (("bash", "-F _tick tick"), ("zsh", "#compdef tick"), ("fish", "complete -c 'tick'")):
        done = tick("--generate-completion-script", shell)
        assert marker in done.stdout, shell
        assert "drain" in done.stdout and "dead" in done.stdout
    # bash completes a subcommand and a flag of it.
    script = workdir / "tick.bash"
    script.write_text(tick("--generate-completion-script", "bash").stdout)

    def complete(*words):
        line = " ".join(words)
        command = (f"source {script}; COMP_LINE='{line}'; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                   f"COMP_POINT={len(line)}; _tick tick {words[-1]} {words[-2]}; echo \"${{COMPREPLY[@]}}\"")
        return subprocess.run(["bash", "-c", command], env={**tick.env, "PATH": f"{Path(tick.binary).parent}:/usr/bin:/bin"},
                              capture_output=True, text=True, timeout=30).stdout.split()

    assert complete("tick", "dr") == ["drain"]
    assert complete("tick", "drain", "--ba") == ["--batch"]


# --------------------------------------------------------------------------------------------------
# Verbosity: -q, -v, -vv, and no secret at any level


@pytest.fixture
def endpoint():
    """An HTTP endpoint on loopback that accepts every item (200, `{}`)."""
    import http.server
    import threading

    class Accept(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Accept)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/item"
    server.shutdown()


SIGNING_KEY = "sk-" + "s3cr3t-signing-key-0123456789abcdef"
CRON_SECRET = "cron-" + "s3cr3t-0123456789abcdef"
APP_TOKEN = "app-" + "s3cr3t-token-0123456789"


def secrets_of(env):
    from urllib.parse import urlparse
    password = urlparse(env["DATABASE_URL"]).password
    assert password, "the test needs a DATABASE_URL with a password"
    # The dev password is a short word ("tick") found in every label: look for it where it would leak.
    leaks = [env["DATABASE_URL"], f":{password}@", f"password={password}", f"password: {password}"]
    return [env["UPSTASH_REDIS_REST_TOKEN"], CRON_SECRET, SIGNING_KEY, APP_TOKEN] + leaks


def drain_at(tick, prefix, workdir, endpoint, *flags):
    config = workdir / f"{prefix}.json"
    config.write_text(json.dumps({"handlers": {"post": {
        "kind": "http", "url": endpoint, "signing_key": "${TICK_SIGNING_KEY}",
        "headers": {"Authorization": "Bearer ${APP_TOKEN}"}}}}))
    env = {"TICK_SIGNING_KEY": SIGNING_KEY, "CRON_SECRET": CRON_SECRET, "APP_TOKEN": APP_TOKEN}
    tick("enqueue", "--prefix", prefix, "--handler", "post", "--items", "3")
    return tick("drain", "--prefix", prefix, "--config", str(config), "--log-format", "json", *flags, env=env)


def levels_and_messages(stderr):
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    return {line["level"] for line in lines}, {line["msg"] for line in lines}


@pytest.mark.parametrize("flags,levels,present,absent", [
    ((), {"info"}, {"config file read"}, {"claimed", "item finished"}),
    (("-q",), set(), set(), {"config file read", "claimed"}),
    (("-v",), {"info", "debug"},
     {"claim sent", "claimed", "job started", "committed", "acknowledged", "job finished"}, {"item finished", "redis request"}),
    (("-vv",), {"info", "debug", "trace"},
     {"claim sent", "claimed", "job started", "committed", "job finished", "item finished", "redis request", "postgres statement"}, set()),
])
def test_verbosity_levels_and_no_secret(tick, prefix, workdir, endpoint, flags, levels, present, absent):
    done = drain_at(tick, prefix, workdir, endpoint, *flags)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["items_done"] == 3, done.stderr
    seen_levels, messages = levels_and_messages(done.stderr)
    assert seen_levels == levels
    assert present <= messages, messages
    assert not (absent & messages)
    for secret in secrets_of(tick.env):
        assert secret not in done.stderr and secret not in done.stdout


def test_quiet_and_verbose_contradict(tick):
    done = tick("run", "-q", "-v", check=False)
    assert done.returncode == 64
    assert "-q and -v" in done.stderr


# --------------------------------------------------------------------------------------------------
# Read commands: --json for scripts, tables and colour on a terminal


def run_in_pty(argv, env, cwd, timeout=60, on_chunk=None):
    """Runs argv with stdin, stdout and stderr on a pseudo-terminal; returns (exit status, output bytes).
    `on_chunk(seconds_since_start, bytes)` sees the output as it arrives."""
    import os
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(argv[0], argv, env)
    start, output = time.monotonic(), b""
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, start + timeout - time.monotonic()))
        if not ready:
            os.kill(pid, 9)
            raise AssertionError(f"{argv} did not finish within {timeout} s: {output[-2000:]!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if on_chunk:
            on_chunk(time.monotonic() - start, chunk)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output


@pytest.fixture
def populated(tick, prefix, workdir):
    """A queue with a done job, a dead one, a ready one, and a config with a schedule."""
    config = workdir / f"{prefix}-read.json"
    config.write_text(json.dumps({
        "handlers": {"reject": {"kind": "exec", "command": ["sh", "-c", "echo bad input >&2; exit 65"]}},
        "schedules": {"nightly": {"cron": "0 3 * * *", "timezone": "Europe/Paris", "job": {"handler": "noop", "items": [1]}}},
    }))
    tick("enqueue", "--prefix", prefix, "--handler", "noop", "--items", "2", "--id", f"{prefix}-done")
    tick("enqueue", "--prefix", prefix, "--handler", "reject", "--items", "1", "--id", f"{prefix}-dead")
    tick("run", "--prefix", prefix, "--config", str(config))
    tick("enqueue", "--prefix", prefix, "--handler", "noop", "--items", "1", "--id", f"{prefix}-ready")
    return config


def test_every_read_command_prints_json(tick, prefix, populated):
    def parsed(*args):
        done = tick(*args, "--prefix", prefix) if args[0] not in ("runs",) else tick(*args)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, f"{args}: one JSON document expected, got {done.stdout!r}"
        return json.loads(lines[0])

    stats = parsed("stats", "--json")
    assert [(s["queue"], s["ready"], s["dead"], s["paused"]) for s in stats] == [("default", 1, 1, False)]
    cost = parsed("stats", "--cost", "--json")
    assert isinstance(cost, dict) and cost
    job = parsed("job", f"{prefix}-done", "--json")
    assert job["redis"]["state"] == "done" and job["checkpoint"]["items_done"] == 2
    dead = parsed("dead", "list", "--json")
    assert dead["total"] == 1 and dead["jobs"][0]["id"] == f"{prefix}-dead" and "exit 65" in dead["jobs"][0]["reason"]
    jobs = parsed("jobs", "--state", "ready", "--json")
    assert [j["id"] for j in jobs["jobs"]] == [f"{prefix}-ready"] and jobs["next"] is None
    schedules = parsed("schedules", "--config", str(populated), "--json")
    assert schedules[0]["name"] == "nightly" and schedules[0]["timezone"] == "Europe/Paris" and len(schedules[0]["next_utc"]) == 3
    doctor = tick("doctor", "--prefix", prefix, "--config", str(populated), "--json", check=False)
    report = json.loads(doctor.stdout)
    assert report["exit_code"] == doctor.returncode and {c["check"] for c in report["checks"]} >= {"redis.token", "postgres.connect"}
    runs = parsed("runs", "--since", "1h", "--json")
    assert runs["runs"] and {"run_id", "started_at", "trigger", "exit_reason"} <= set(runs["runs"][0])


def test_tables_are_coloured_on_a_terminal_unless_no_color(tick, prefix, populated, workdir):
    env = {**tick.env, "TERM": "xterm"}
    argv = [tick.binary, "stats", "--prefix", prefix]
    status, coloured = run_in_pty(argv, env, workdir)
    assert status == 0
    assert b"\x1b[32mactive\x1b[0m" in coloured and b"queue" in coloured
    status, plain = run_in_pty(argv, {**env, "NO_COLOR": "1"}, workdir)
    assert status == 0 and b"\x1b[" not in plain and b"active" in plain
    status, never = run_in_pty(argv + ["--color", "never"], env, workdir)
    assert b"\x1b[" not in never
    forced = tick("stats", "--prefix", prefix, "--color", "always")  # not a terminal, but asked for
    assert "\x1b[32m" in forced.stdout
    piped = tick("stats", "--prefix", prefix)
    assert "\x1b[" not in piped.stdout
    # errors: `error` in red on a terminal, plain with NO_COLOR
    status, error = run_in_pty([tick.binary, "job", f"{prefix}-nothing", "--prefix", prefix], env, workdir)
    assert status == 65 and b"tick: \x1b[1;31merror\x1b[0m: no job" in error
    status, error = run_in_pty([tick.binary, "job", f"{prefix}-nothing", "--prefix", prefix], {**env, "NO_COLOR": "1"}, workdir)
    assert b"tick: error: no job" in error


# --------------------------------------------------------------------------------------------------
# Live progress of tick drain on a terminal; nothing of it when stderr is a file


def enqueue_backlog(tick, prefix, jobs=50, items=4, ms=120):
    lines = "".join(json.dumps({"handler": "sleep", "items": [{"ms": ms}] * items}) + "\n" for _ in range(jobs))
    assert json.loads(tick("enqueue", "--prefix", prefix, "--file", "-", input=lines).stdout)["enqueued"] == jobs


def test_drain_shows_live_progress_on_a_terminal(tick, prefix, workdir):
    enqueue_backlog(tick, prefix)  # 200 items of 120 ms at concurrency 4: about 6 s
    frames = []  # (seconds since start, text) of each redraw

    def on_chunk(at, chunk):
        for piece in chunk.decode(errors="replace").split("\r\x1b[K")[1:]:
            frames.append((at, piece))

    status, output = run_in_pty([tick.binary, "drain", "--prefix", prefix, "--batch", "5"], {**tick.env, "TERM": "xterm"}, workdir,
                                on_chunk=on_chunk)
    assert status == 0, output[-2000:]
    progress = [(at, text.strip()) for at, text in frames if text.startswith("drain ")]
    assert len(progress) >= 8, frames
    times = [at for at, _ in progress]
    assert times[-1] - times[0] >= 4, "the backlog should take several seconds"
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert max(gaps) <= 1.0, f"the line must change at least once a second: gaps {gaps}"
    items = [int(re.search(r" (\d+) items?", text).group(1)) for _, text in progress]
    assert items == sorted(items) and items[-1] > items[0]
    assert any("items/s" in text and "jobs left" in text and "ETA" in text for _, text in progress), progress
    summary = [text for _, text in frames if text.startswith("drain: ")]
    assert len(summary) == 1 and "50 jobs done" in summary[0] and "200 items done" in summary[0], frames[-3:]
    assert frames[-1][1].startswith("drain: "), "the summary replaces the progress line, last"
    last_json = output.decode().strip().splitlines()[-1]
    assert json.loads(last_json)["jobs_completed"] == 50


def test_drain_with_stderr_to_a_file_writes_only_json_lines(tick, prefix, workdir):
    enqueue_backlog(tick, prefix, jobs=10, items=2, ms=50)
    log = workdir / f"{prefix}.log"
    with open(log, "w") as stderr:
        done = subprocess.run([tick.binary, "drain", "--prefix", prefix, "-v"], cwd=workdir, env=tick.env, stdout=subprocess.PIPE,
                              stderr=stderr, text=True, timeout=60)
    assert done.returncode == 0
    text = log.read_text()
    assert "\r" not in text and "\x1b" not in text
    lines = text.splitlines()
    assert lines and all(json.loads(line)["msg"] for line in lines)
    assert json.loads(done.stdout)["jobs_completed"] == 10


def test_run_on_a_terminal_ends_with_its_summary_line(tick, prefix, workdir):
    enqueue_backlog(tick, prefix, jobs=3, items=2, ms=10)
    status, output = run_in_pty([tick.binary, "run", "--prefix", prefix], {**tick.env, "TERM": "xterm"}, workdir)
    assert status == 0
    text = output.decode()
    assert "\r\x1b[Krun: 3 claimed, 3 jobs done (0 retried, 0 dead, 0 released), 6 items done, 0 failed in " in text
    assert json.loads(text.strip().splitlines()[-1])["jobs_completed"] == 3
    piped = tick("run", "--prefix", prefix)  # stderr a pipe: JSON lines only
    assert "\r" not in piped.stderr and all(json.loads(line) for line in piped.stderr.splitlines())
