"""Fixtures shared by the sdk tests that run the `tick` binary against the local services."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIRED_ENV = ("UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "DATABASE_URL")
TIMEOUT = 60  # seconds, for any subprocess


def fail(message):
    pytest.fail(message + " (this test never skips)", pytrace=False)


@pytest.fixture(scope="session")
def base_env():
    """The services' environment, without tick's settings that would change what a test's tick does."""
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        fail(f"{', '.join(missing)} must be set: run `eval \"$(scripts/dev-services start)\"` first")
    env = dict(os.environ)
    for name in ("TICK_PREFIX", "TICK_CONFIG", "TICK_SIGNING_KEY"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    # tick runs here, away from any tick.json in the caller's directory: built-in handlers unless --config.
    return tmp_path_factory.mktemp("tick-cwd")


@pytest.fixture(scope="session")
def tick(base_env, workdir):
    """Runs the built tick (TICK_BIN, else .build/debug/tick) in `workdir`; migrates once."""
    binary = Path(os.environ.get("TICK_BIN") or REPO / ".build" / "debug" / "tick")
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        fail(f"no tick binary at {binary}: run `swift build --product tick` or set TICK_BIN")

    def run(*args, env=None, input=None, check=True):
        done = subprocess.run([str(binary), *args], cwd=workdir, env={**base_env, **(env or {})}, input=input,
                              capture_output=True, text=True, timeout=TIMEOUT)
        if check and done.returncode != 0:
            pytest.fail(f"tick {' '.join(args)} exited {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}")
        return done

    run("migrate")
    run.env = base_env
    run.binary = str(binary)
    return run


@pytest.fixture(scope="session")
def node():
    path = shutil.which("node")
    if not path:
        fail("node is not on PATH: the JavaScript examples (producers, endpoint verifier) are tested with it")
    return path


@pytest.fixture(scope="session")
def redis(base_env):
    from upstash_redis import Redis
    return Redis(url=base_env["UPSTASH_REDIS_REST_URL"], token=base_env["UPSTASH_REDIS_REST_TOKEN"], allow_telemetry=False)
