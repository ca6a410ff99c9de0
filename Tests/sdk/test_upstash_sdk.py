"""Conformance test of tick-gateway against the official `upstash-redis` Python SDK and plain httpx.

The SDK was written by Upstash for their real service, so passing it is the proof that the gateway
speaks the same REST dialect. Run against a gateway in front of a redis-server:

    UPSTASH_REDIS_REST_URL=http://127.0.0.1:18079 UPSTASH_REDIS_REST_TOKEN=... pytest Tests/sdk

Both variables are required: without them every test fails (never skips), so a CI run cannot pass
without a gateway. Every key lives under a prefix unique to the run and is deleted at the end.
"""

import base64
import json
import os
import uuid

import httpx
import pytest
from upstash_redis import Redis
from upstash_redis.errors import UpstashError

URL_VARIABLE = "UPSTASH_REDIS_REST_URL"
TOKEN_VARIABLE = "UPSTASH_REDIS_REST_TOKEN"


# --------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def endpoint():
    url = os.environ.get(URL_VARIABLE, "").rstrip("/")
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not url or not token:
        pytest.fail(
            f"{URL_VARIABLE} and {TOKEN_VARIABLE} must be set to a running tick-gateway "
            "(e.g. http://127.0.0.1:18079 and its TICK_GATEWAY_TOKEN); this test never skips",
            pytrace=False,
        )
    return url, token


@pytest.fixture(scope="session")
def prefix():
    return f"tick-gw-test:{uuid.uuid4().hex}:"


@pytest.fixture(scope="session")
def redis(endpoint, prefix):
    url, token = endpoint
    client = Redis(url=url, token=token, allow_telemetry=False)
    yield client
    # Clean up every key of this run.
    cursor, leftovers = 0, []
    while True:
        cursor, keys = client.scan(cursor, match=f"{prefix}*", count=1000)
        leftovers.extend(keys)
        if int(cursor) == 0:
            break
    if leftovers:
        client.delete(*leftovers)
    assert client.scan(0, match=f"{prefix}*", count=1000)[1] == []


@pytest.fixture(scope="session")
def http(endpoint, redis):
    # Depends on `redis` so that its clean-up runs after the raw-HTTP tests too.
    url, token = endpoint
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        yield client


@pytest.fixture
def key(prefix, request):
    """A fresh key name under the run's prefix, named after the test."""
    counter = {"n": 0}

    def make(suffix=""):
        counter["n"] += 1
        return f"{prefix}{request.node.name}:{counter['n']}{suffix}"

    return make


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --------------------------------------------------------------------------------------------------
# Through the official SDK (which asks for base64 encoding by default)


def test_strings(redis, key):
    k, counter, a, b = key(), key(), key(), key()
    assert redis.set(k, "bar") is True
    assert redis.get(k) == "bar"
    assert redis.get(key("-missing")) is None

    assert redis.set(k, "baz", ex=100) is True
    assert 0 < redis.ttl(k) <= 100
    assert redis.ttl(counter) == -2  # missing key
    assert redis.set(counter, 41) is True
    assert redis.ttl(counter) == -1  # no expiry
    assert redis.incr(counter) == 42
    assert redis.incrby(counter, 8) == 50
    assert redis.expire(counter, 50) is True
    assert 0 < redis.ttl(counter) <= 50

    assert redis.mset({a: "1", b: "two"}) is True
    assert redis.mget(a, b, key("-missing")) == ["1", "two", None]
    assert redis.set(a, "x", nx=True) is False  # NX on an existing key -> nil
    assert redis.delete(a, b) == 2
    assert redis.exists(a, b) == 0


def test_hashes(redis, key):
    h = key()
    assert redis.hset(h, values={"field1": "Hello", "field2": "World"}) == 2
    assert redis.hset(h, "n", 5) == 1
    assert redis.hget(h, "field1") == "Hello"
    assert redis.hget(h, "nope") is None
    assert redis.hincrby(h, "n", 10) == 15
    assert redis.hgetall(h) == {"field1": "Hello", "field2": "World", "n": "15"}
    assert redis.hdel(h, "field2") == 1
    assert sorted(redis.hkeys(h)) == ["field1", "n"]


def test_sorted_sets(redis, key):
    z = key()
    assert redis.zadd(z, {"a": 1, "b": 2.5, "c": 3, "d": -1.25}) == 4
    assert redis.zrange(z, 0, -1) == ["d", "a", "b", "c"]
    assert redis.zrange(z, 0, -1, withscores=True) == [("d", -1.25), ("a", 1.0), ("b", 2.5), ("c", 3.0)]
    assert redis.zrangebyscore(z, 2, 3) == ["b", "c"]
    assert redis.zrangebyscore(z, "-inf", "(2.5", withscores=True) == [("d", -1.25), ("a", 1.0)]
    assert redis.zrange(z, 1, 3, sortby="BYSCORE") == ["a", "b", "c"]
    assert redis.zscore(z, "b") == 2.5
    assert redis.zincrby(z, 0.5, "a") == 1.5
    assert redis.zcard(z) == 4


def test_lists(redis, key):
    lst = key()
    assert redis.rpush(lst, "one", "two", "three") == 3
    assert redis.lpush(lst, "zero") == 4
    assert redis.lrange(lst, 0, -1) == ["zero", "one", "two", "three"]
    assert redis.lpop(lst) == "zero"
    assert redis.rpop(lst, 2) == ["three", "two"]
    assert redis.llen(lst) == 1
    assert redis.lpop(key("-missing")) is None


def test_eval_with_keys_and_args_returns_nested_arrays(redis, key):
    k1, k2 = key(), key()
    redis.set(k1, "stored ✓")
    script = """
    local n = tonumber(ARGV[2]) + 1
    return {KEYS[1], ARGV[1], {n, {"deep", KEYS[2]}}, redis.call("GET", KEYS[1]), redis.call("GET", KEYS[2])}
    """
    # GET of a missing key is `false` in Lua, which comes back as nil.
    expected = [k1, "x", [42, ["deep", k2]], "stored ✓", None]
    assert redis.eval(script, keys=[k1, k2], args=["x", "41"]) == expected
    assert redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", keys=[key()], args=["5"]) == 5
    with pytest.raises(UpstashError):
        redis.eval("return redis.call('NOSUCHCOMMAND')", keys=[], args=[])


def test_sdk_pipeline(redis, key):
    k, counter = key(), key()
    pipeline = redis.pipeline()
    pipeline.set(k, "v1")
    pipeline.incr(counter)
    pipeline.incr(counter)
    pipeline.get(k)
    pipeline.mget(k, key("-missing"))
    assert pipeline.exec() == [True, 1, 2, "v1", ["v1", None]]


def test_sdk_transaction(redis, key):
    k, h = key(), key()
    tx = redis.multi()
    tx.set(k, "in-tx")
    tx.hset(h, values={"f": "1"})
    tx.hincrby(h, "f", 2)
    tx.get(k)
    assert tx.exec() == [True, 1, 3, "in-tx"]
    assert redis.get(k) == "in-tx"


@pytest.mark.parametrize(
    "value",
    ["héllo ✓ 日本", "aGVsbG8=", "OK", "T0s=", "", "line\nbreak \"quoted\" \\ tab\t", "🙂 emoji", "1234"],
)
def test_sdk_base64_round_trip(redis, key, value):
    k = key()
    assert redis.set(k, value) is True
    assert redis.get(k) == value
    assert redis.mget(k, k) == [value, value]


# --------------------------------------------------------------------------------------------------
# Raw HTTP: the encoding on the wire


def test_base64_encoding_on_the_wire(http, key):
    k, ok = key(), key()
    text = "héllo ✓ 日本"
    assert http.post("/", json=["SET", k, text]).json() == {"result": "OK"}
    assert http.post("/", json=["SET", ok, "OK"]).json() == {"result": "OK"}
    headers = {"Upstash-Encoding": "base64"}
    # Bulk strings are encoded, "OK" (status or value) is not, integers and nil are untouched.
    assert http.post("/", json=["GET", k], headers=headers).json() == {"result": b64(text.encode())}
    assert http.post("/", json=["GET", ok], headers=headers).json() == {"result": "OK"}
    assert http.post("/", json=["SET", k, text], headers=headers).json() == {"result": "OK"}
    assert http.post("/", json=["STRLEN", k], headers=headers).json() == {"result": len(text.encode())}
    assert http.post("/", json=["GET", key("-missing")], headers=headers).json() == {"result": None}
    # Status strings other than OK are encoded too; arrays recursively.
    assert http.post("/", json=["TYPE", k], headers=headers).json() == {"result": b64(b"string")}
    assert http.post("/", json=["MGET", k, ok], headers=headers).json() == {"result": [b64(text.encode()), "OK"]}
    # Errors are never encoded.
    r = http.post("/", json=["HGET", k, "f"], headers=headers)
    assert r.status_code == 400 and r.json()["error"].startswith("WRONGTYPE")
    # Without the header the value is a plain JSON string.
    assert http.post("/", json=["GET", k]).json() == {"result": text}


def test_json_argument_types(http, key):
    k = key()
    assert http.post("/", json=["SET", k, 1.0]).json() == {"result": "OK"}
    assert http.post("/", json=["GET", k]).json() == {"result": "1"}
    assert http.post("/", json=["INCRBYFLOAT", k, 1.5]).json() == {"result": "2.5"}
    assert http.post("/", json=["SET", k, 12345678901234567890]).json() == {"result": "OK"}
    assert http.post("/", json=["GET", k]).json() == {"result": "12345678901234567890"}
    assert http.post("/", json=["SET", k, True]).json() == {"result": "OK"}
    assert http.post("/", json=["GET", k]).json() == {"result": "true"}
    assert http.post("/", json=["SET", k, "v", "EX", 100]).json() == {"result": "OK"}
    assert 0 < http.post("/", json=["TTL", k]).json()["result"] <= 100
    for bad in (["SET", k, ["nested"]], ["SET", k, {"a": 1}], ["SET", k, None], [], {"cmd": "GET"}):
        r = http.post("/", json=bad)
        assert r.status_code == 400, bad
        assert "error" in r.json()
    r = http.post("/", content=b"[\"GET\", ")
    assert r.status_code == 400 and "error" in r.json()


# --------------------------------------------------------------------------------------------------
# Raw HTTP: auth, methods, headers


def test_missing_token_is_401(endpoint):
    url, _ = endpoint
    r = httpx.post(url + "/", json=["PING"])
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized"}


def test_wrong_token_is_401(endpoint):
    url, token = endpoint
    for wrong in (token + "x", token[:-1], "Bearer", "x" * len(token)):
        r = httpx.post(url + "/", json=["PING"], headers={"Authorization": f"Bearer {wrong}"})
        assert r.status_code == 401, wrong
        assert r.json() == {"error": "Unauthorized"}
    r = httpx.get(url + "/get/foo", params={"_token": token + "x"})
    assert r.status_code == 401


def test_query_token_auth(endpoint, key):
    url, token = endpoint
    k = key()
    r = httpx.post(url + "/", params={"_token": token}, json=["SET", k, "via-query"])
    assert r.status_code == 200 and r.json() == {"result": "OK"}
    r = httpx.get(f"{url}/get/{k}", params={"_token": token})
    assert r.json() == {"result": "via-query"}


def test_method_not_allowed(http):
    for method in ("DELETE", "PATCH", "OPTIONS"):
        r = http.request(method, "/get/foo")
        assert r.status_code == 405, method
        assert "error" in r.json()


def test_sync_token_header(endpoint, http):
    url, _ = endpoint
    first = http.post("/", json=["PING"])
    second = http.post("/", json=["PING"])
    assert first.json() == {"result": "PONG"}
    assert first.headers["upstash-sync-token"]
    assert second.headers["upstash-sync-token"] != first.headers["upstash-sync-token"]
    assert int(second.headers["upstash-sync-token"]) > int(first.headers["upstash-sync-token"])
    assert first.headers["content-type"] == "application/json"
    # Also on errors, 401 and 405.
    assert http.post("/", json=["NOSUCHCOMMAND"]).headers.get("upstash-sync-token")
    assert httpx.post(url + "/", json=["PING"]).headers.get("upstash-sync-token")
    assert http.request("DELETE", "/").headers.get("upstash-sync-token")


def test_redis_error_is_400(http, key):
    k = key()
    http.post("/", json=["SET", k, "text"])
    r = http.post("/", json=["INCR", k])
    assert r.status_code == 400
    assert r.json() == {"error": "ERR value is not an integer or out of range"}
    r = http.post("/", json=["NOSUCHCOMMAND", "x"])
    assert r.status_code == 400 and r.json()["error"].startswith("ERR unknown command")


@pytest.mark.parametrize(
    "command",
    [["BLPOP", "k", "0"], ["BZPOPMIN", "k", "0"], ["SUBSCRIBE", "c"], ["MULTI"], ["EXEC"], ["WATCH", "k"],
     ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], ["MONITOR"], ["SELECT", "1"]],
)
def test_blocking_and_stateful_commands_are_refused(http, command):
    r = http.post("/", json=command)
    assert r.status_code == 400
    assert "not supported" in r.json()["error"]


def test_request_size_limit(http, key):
    big = "x" * (10 * 1024 * 1024 + 16)
    r = http.post("/", json=["SET", key(), big])
    assert r.status_code == 400
    assert r.json() == {"error": "ERR max request size exceeded"}
    # The connection is still usable afterwards.
    assert http.post("/", json=["PING"]).json() == {"result": "PONG"}


# --------------------------------------------------------------------------------------------------
# Raw HTTP: path style and binary values


def test_path_style_get_and_post(http, key):
    k = key()
    assert http.get(f"/set/{k}/hello").json() == {"result": "OK"}
    assert http.get(f"/get/{k}").json() == {"result": "hello"}
    # Percent-encoded segments are decoded; the value carries a slash and a space.
    assert http.get(f"/set/{k}/a%2Fb%20c").json() == {"result": "OK"}
    assert http.get(f"/get/{k}").json() == {"result": "a/b c"}
    assert http.put(f"/set/{k}", content=b"from body").json() == {"result": "OK"}
    assert http.post(f"/get/{k}").json() == {"result": "from body"}
    # Options after the value in the path, value from the path.
    assert http.post(f"/set/{k}/v/EX/100").json() == {"result": "OK"}
    assert 0 < http.get(f"/ttl/{k}").json()["result"] <= 100
    assert http.head(f"/get/{k}").status_code == 200


def test_binary_body_round_trip(http, key):
    k = key()
    payload = b"\x00bin\xff\xfe\x00 end\x80\r\n"
    r = http.post(f"/set/{k}", content=payload, headers={"Content-Type": "application/octet-stream"})
    assert r.json() == {"result": "OK"}
    assert http.get(f"/strlen/{k}").json() == {"result": len(payload)}
    r = http.get(f"/get/{k}", headers={"Upstash-Encoding": "base64"})
    assert base64.b64decode(r.json()["result"]) == payload
    # Without base64, invalid UTF-8 is replaced by U+FFFD (still valid JSON).
    plain = http.get(f"/get/{k}").json()["result"]
    assert "\ufffd" in plain and plain.startswith("\x00bin")


# --------------------------------------------------------------------------------------------------
# Raw HTTP: pipelines and transactions


def test_pipeline_per_entry_errors(http, key):
    k = key()
    body = [["SET", k, "1"], ["NOSUCHCOMMAND"], ["INCR", k], ["HGET", k, "f"], ["BLPOP", k, "0"], ["GET", k]]
    r = http.post("/pipeline", json=body)
    assert r.status_code == 200
    entries = r.json()
    assert len(entries) == 6
    assert entries[0] == {"result": "OK"}
    assert entries[1]["error"].startswith("ERR unknown command")
    assert entries[2] == {"result": 2}
    assert entries[3]["error"].startswith("WRONGTYPE")
    assert "not supported" in entries[4]["error"]
    assert entries[5] == {"result": "2"}
    # With base64: results encoded, errors not.
    r = http.post("/pipeline", json=[["GET", k], ["INCR", key("-h")], ["HGET", k, "f"]],
                  headers={"Upstash-Encoding": "base64"})
    assert r.json()[0] == {"result": b64(b"2")}
    assert r.json()[1] == {"result": 1}
    assert r.json()[2]["error"].startswith("WRONGTYPE")


def test_multi_exec_with_unknown_command_discards_everything(http, key):
    k = key()
    r = http.post("/multi-exec", json=[["SET", k, "should-not-exist"], ["NOSUCHCOMMAND", "x"], ["GET", k]])
    assert r.status_code == 400
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"error"}
    assert "NOSUCHCOMMAND" in body["error"] or "unknown command" in body["error"]
    assert http.post("/", json=["EXISTS", k]).json() == {"result": 0}
    # A wrong number of arguments is a queueing error too.
    r = http.post("/multi-exec", json=[["SET", k, "v"], ["GET"]])
    assert r.status_code == 400 and "error" in r.json()
    assert http.post("/", json=["EXISTS", k]).json() == {"result": 0}


def test_multi_exec_runtime_errors_are_per_entry(http, key):
    k = key()
    r = http.post("/multi-exec", json=[["SET", k, "text"], ["INCR", k], ["APPEND", k, "!"], ["GET", k]])
    assert r.status_code == 200
    entries = r.json()
    assert entries[0] == {"result": "OK"}
    assert entries[1] == {"error": "ERR value is not an integer or out of range"}
    assert entries[2] == {"result": 5}
    assert entries[3] == {"result": "text!"}


def test_multi_exec_is_atomic_and_uses_one_connection(http, key):
    k = key()
    script = "return redis.call('INCR', KEYS[1])"
    commands = [["INCR", k]] * 20 + [["EVAL", script, "1", k], ["GET", k]]
    r = http.post("/multi-exec", json=commands)
    assert r.status_code == 200
    assert [e["result"] for e in r.json()] == list(range(1, 22)) + ["21"]


def test_keep_alive_is_fast(http):
    # 200 sequential requests on one connection: a server that stalls on Nagle + delayed ACK
    # would take ~40 ms each (8 s); a healthy one takes well under a second.
    import time

    start = time.perf_counter()
    for _ in range(200):
        assert http.post("/", json=["PING"]).status_code == 200
    assert time.perf_counter() - start < 2.0
