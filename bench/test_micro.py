"""pytest-benchmark micro-suite for the spec's hot transitions (no timing assertions).

Not part of the test run (the test paths are ``tests/`` and ``properties/``). Run it with
``bench/micro.sh`` or ``.venv/bin/pytest bench/test_micro.py --benchmark-only``.

- decode: ``parse_command`` over a pipeline of 16 SET requests (``processMultibulkBuffer``);
- dispatch: ``run_and_encode`` of PING on an open Step (``processCommand`` + ``call`` +
  reply encoding, with the cheapest handler);
- SET / GET: one request through ``client_input`` (``readQueryFromClient`` →
  ``processInputBuffer`` → ``call`` → reply buffer) on a state holding 100k keys, and the same
  for a 16-request pipeline.

Each benchmark checks its result once, so a broken transition fails here instead of being
timed.
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec import server as S
from redspec.spec.dispatch import run_and_encode
from redspec.spec.resp import Limits, parse_command
from redspec.spec.state import ServerState, replace
from redspec.spec.step import Step

NOW = 1_700_000_000_000
KEYS = 100_000


def _cmd(*argv: bytes) -> bytes:
    return b"".join([b"*%d\r\n" % len(argv)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in argv])


def _key(i: int) -> bytes:
    return b"key:%012d" % i


SET_ONE = _cmd(b"SET", _key(4242), b"0123456789")
GET_ONE = _cmd(b"GET", _key(4242))
SET_16 = b"".join(_cmd(b"SET", _key(i * 6007 % KEYS), b"0123456789") for i in range(16))
GET_16 = b"".join(_cmd(b"GET", _key(i * 6007 % KEYS)) for i in range(16))


@pytest.fixture(scope="module")
def loaded() -> tuple[ServerState, int]:
    """A server with ``KEYS`` string keys in db 0 and one connected RESP2 client."""
    state = S.new_server(now_ms=NOW)
    db0 = state.dbs[0]
    keys = db0.keys.update({_key(i): b"%010d" % i for i in range(KEYS)})
    state = replace(state, dbs=(replace(db0, keys=keys), *state.dbs[1:]))
    state, cid = S.client_connect(state, now_ms=NOW)
    return state, cid


def _reply(result: tuple[ServerState, Any], cid: int) -> bytes:
    """The reply bytes a transition handed to the client's connection."""
    return S.output_for(result[1], cid)


def test_decode_pipeline_16(benchmark: Any) -> None:
    limits = Limits()

    def decode() -> int:
        pos, n = 0, 0
        while True:
            req, pos = parse_command(SET_16, pos, limits)
            if req is None:
                return n
            n += 1

    assert benchmark(decode) == 16


def test_dispatch_ping(benchmark: Any, loaded: tuple[ServerState, int]) -> None:
    state, cid = loaded
    s = Step(state, NOW, cid)
    argv = [b"PING"]
    assert benchmark(run_and_encode, s, argv) == b"+PONG\r\n"


def test_set_client_input(benchmark: Any, loaded: tuple[ServerState, int]) -> None:
    state, cid = loaded
    res = benchmark(S.client_input, state, cid, SET_ONE, NOW)
    assert _reply(res, cid) == b"+OK\r\n"
    assert res[0].dbs[0].keys[_key(4242)] == b"0123456789"


def test_get_client_input(benchmark: Any, loaded: tuple[ServerState, int]) -> None:
    state, cid = loaded
    res = benchmark(S.client_input, state, cid, GET_ONE, NOW)
    assert _reply(res, cid) == b"$10\r\n%010d\r\n" % 4242


def test_set_pipeline_16_client_input(benchmark: Any, loaded: tuple[ServerState, int]) -> None:
    state, cid = loaded
    res = benchmark(S.client_input, state, cid, SET_16, NOW)
    assert _reply(res, cid) == b"+OK\r\n" * 16


def test_get_pipeline_16_client_input(benchmark: Any, loaded: tuple[ServerState, int]) -> None:
    state, cid = loaded
    res = benchmark(S.client_input, state, cid, GET_16, NOW)
    assert _reply(res, cid).count(b"$10\r\n") == 16
