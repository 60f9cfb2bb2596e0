"""Streams in RDB files and DUMP payloads against the real Redis 7.0.15, over generated
streams (explicit IDs, several nodes, tombstones, trimming, consumer groups, PELs, consumers).

What is compared, and how times are dealt with: a PEL entry's delivery time and a consumer's
seen time are the server's clock when the command ran, which the spec (a virtual clock) and
the real server (the wall clock) cannot share. So:

- DEBUG DIGEST-VALUE of every key: equal (7.0.15's digest does not include groups).
- DUMP of a key whose groups hold no PEL entry and no consumer: byte-identical.
- DUMP of the others: byte-identical once every delivery and seen time is set to 0 in both
  payloads (decoded by the spec, re-encoded); and times included, byte-identical both ways
  through RESTORE: the real server's payload RESTOREd into the spec DUMPs to the same bytes,
  ours RESTOREd into the real server DUMPs there to our bytes.
- Files: the real server's SAVE loads into the spec with the same DEBUG DIGEST and every key
  DUMPs to the real server's bytes (times travel in the file); our SAVE is accepted by
  ``redis-check-rdb`` and a real server started on it has the same DEBUG DIGEST and DUMPs
  every key to our bytes.
- The older ``RDB_TYPE_STREAM_LISTPACKS`` (15) payload, RESTOREd into both, DUMPs to the
  same type-19 bytes (first ID, entries added and groups' read counters derived alike).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from immutables import Map

from redspec.spec import rdb
from redspec.spec import server as S
from redspec.spec.persist import load_state, save_state
from redspec.spec.types.stream import Consumer, Group, Nack, StreamValue
from tests.test_rdb_interop import NOW, _Redis, pytestmark  # noqa: F401  (skip without redis)
from tests.test_rdb_serve import Proc, _redspec
from tests.test_rdb_streams import _type15_payload

KEYS = [b"s0", b"s1"]
_value = st.sampled_from([b"1", b"-5", b"300000", b"5000000000", b"v", b"", b"x" * 70,
                          b"abc" * 30, b"007", b"3.5"])
_fields = st.sampled_from([(b"a",), (b"a", b"b"), (b"b", b"a"), (b"c",), (b"12",)])


@st.composite
def _stream_commands(draw: st.DrawFn) -> list[list[bytes]]:
    """Commands building up to three streams (every reply, error or not, is allowed: both
    servers run the same sequence)."""
    out: list[list[bytes]] = [
        [b"CONFIG", b"SET", b"stream-node-max-entries", draw(st.sampled_from([b"2", b"3", b"100"]))],
        [b"CONFIG", b"SET", b"stream-node-max-bytes", draw(st.sampled_from([b"0", b"150", b"4096"]))],
    ]
    last = {k: 0 for k in KEYS}
    added: dict[bytes, list[bytes]] = {k: [b"0-1"] for k in KEYS}
    groups = [b"g1", b"g2"]
    consumers = [b"alice", b"bob"]
    for k in KEYS:
        if draw(st.booleans()):
            out.append([b"XGROUP", b"CREATE", k, b"g1", b"0", b"MKSTREAM"])
    for _ in range(draw(st.integers(8, 40))):
        k = draw(st.sampled_from(KEYS))
        op = draw(st.sampled_from(["add"] * 6 + ["del", "del", "trim", "create", "create",
                                                 "setid", "read", "read", "reread", "ack",
                                                 "claim", "autoclaim", "createconsumer",
                                                 "delconsumer", "destroy"]))
        g, c = draw(st.sampled_from(groups)), draw(st.sampled_from(consumers))
        some_id = draw(st.sampled_from(added[k]))
        if op == "add":
            last[k] += draw(st.integers(1, 9))
            fields = draw(_fields)
            pairs = [x for f in fields for x in (f, draw(_value))]
            added[k].append(b"%d-%d" % divmod(last[k], 4))
            out.append([b"XADD", k, added[k][-1], *pairs])
        elif op == "del":
            out.append([b"XDEL", k, some_id])
        elif op == "trim":
            approx = [b"~"] if draw(st.booleans()) else []
            out.append([b"XTRIM", k, b"MAXLEN", *approx, b"%d" % draw(st.integers(0, 8))])
        elif op == "create":
            start = draw(st.sampled_from([b"0", b"$", some_id]))
            er = [b"ENTRIESREAD", b"%d" % draw(st.integers(0, 5))] if draw(st.booleans()) else []
            out.append([b"XGROUP", b"CREATE", k, g, start, b"MKSTREAM", *er])
        elif op == "setid":
            out.append([b"XGROUP", b"SETID", k, g, some_id])
        elif op == "read":
            out.append([b"XREADGROUP", b"GROUP", g, c, b"COUNT",
                        b"%d" % draw(st.integers(1, 4)), b"STREAMS", k, b">"])
        elif op == "reread":
            out.append([b"XREADGROUP", b"GROUP", g, c, b"STREAMS", k, b"0"])
        elif op == "ack":
            out.append([b"XACK", k, g, some_id])
        elif op == "claim":
            out.append([b"XCLAIM", k, g, c, b"0", some_id])
        elif op == "autoclaim":
            out.append([b"XAUTOCLAIM", k, g, c, b"0", b"0-0", b"COUNT", b"2"])
        elif op == "createconsumer":
            out.append([b"XGROUP", b"CREATECONSUMER", k, g, c])
        elif op == "delconsumer":
            out.append([b"XGROUP", b"DELCONSUMER", k, g, c])
        else:
            out.append([b"XGROUP", b"DESTROY", k, g])
    return out


def _spec(cmds: list[list[bytes]]) -> tuple[Any, int]:
    state = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    state, cid = S.client_connect(state, now_ms=NOW)
    for argv in cmds:
        state, _ = S.run_command(state, cid, argv, now_ms=NOW)
    return state, cid


def _real_run(c: redis.Redis, cmds: list[list[bytes]]) -> None:
    for argv in cmds:
        try:
            c.execute_command(*argv)
        except redis.ResponseError:
            pass


def _call(state: Any, cid: int, *argv: bytes) -> bytes:
    _, frame = S.run_command(state, cid, list(argv), now_ms=NOW)
    return frame


def _dump(state: Any, cid: int, key: bytes) -> bytes:
    frame = _call(state, cid, b"DUMP", key)
    assert frame.startswith(b"$") and not frame.startswith(b"$-1"), frame
    return frame.split(b"\r\n", 1)[1][:-2]


def _timeless(v: StreamValue) -> StreamValue:
    """The stream with every delivery and seen time 0."""
    groups = {}
    for name, g in v.groups.items():
        pel = Map({i: Nack(n.consumer, 0, n.delivery_count) for i, n in g.pel.items()})
        cons = Map({cn: Consumer(cn, 0, cc.pel) for cn, cc in g.consumers.items()})
        groups[name] = Group(g.last_id, g.entries_read, pel, cons)
    return v.with_meta(groups=Map(groups))


def _timeless_payload(payload: bytes) -> bytes:
    v = rdb.restore_payload(payload, rdb.Limits())
    assert isinstance(v, StreamValue)
    return rdb.dump_payload(_timeless(v))


def _has_times(v: StreamValue) -> bool:
    return any(g.consumers for g in v.groups.values())


#: No shrinking: every shrink step restarts a real server (minutes); a failure shows its
#: commands as drawn.
_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
_SETTINGS = settings(max_examples=10, deadline=None, phases=_NO_SHRINK,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@_SETTINGS
@given(_stream_commands(), st.booleans())
def test_stream_payloads_and_digests_match_redis(tmp_path: Path, cmds: list[list[bytes]],
                                                 compress: bool) -> None:
    cmds = [[b"CONFIG", b"SET", b"rdbcompression", b"yes" if compress else b"no"], *cmds]
    state, cid = _spec(cmds)
    real = _Redis(tmp_path)
    try:
        c = real.client
        _real_run(c, cmds)
        keys = sorted(state.dbs[0].keys)
        assert sorted(c.keys()) == keys
        for k in keys:
            assert _call(state, cid, b"DEBUG", b"DIGEST-VALUE", k) == (
                b"*1\r\n+" + c.execute_command("DEBUG", "DIGEST-VALUE", k)[0] + b"\r\n"), k
            ours, theirs = _dump(state, cid, k), c.dump(k)
            v = state.dbs[0].keys[k]
            if not _has_times(v):
                assert ours == theirs, k
                continue
            assert _timeless_payload(ours) == _timeless_payload(theirs), k
            st2, _ = S.run_command(state, cid, [b"RESTORE", b"copy", b"0", theirs], now_ms=NOW)
            assert _dump(st2, cid, b"copy") == theirs, k
            c.restore(b"copy", 0, ours, replace=True)
            assert c.dump(b"copy") == ours, k
    finally:
        real.stop()


@settings(max_examples=5, deadline=None, phases=_NO_SHRINK,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_stream_commands())
def test_stream_files_both_ways(tmp_path: Path, cmds: list[list[bytes]]) -> None:
    name = f"theirs-{time.monotonic_ns()}.rdb"
    real = _Redis(tmp_path, name)
    try:
        c = real.client
        _real_run(c, cmds)
        assert c.execute_command("SAVE") is True
        digest = c.execute_command("DEBUG", "DIGEST")
        payloads = {k: c.dump(k) for k in c.keys()}
    finally:
        real.stop()
    base = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    state = load_state(base, (tmp_path / name).read_bytes(), NOW)
    state, cid = S.client_connect(state, now_ms=NOW)
    assert _call(state, cid, b"DEBUG", b"DIGEST") == b"+" + digest + b"\r\n"
    for k, p in payloads.items():
        assert _dump(state, cid, k) == p, k
    # and our file of that state in a real server
    ours = f"ours-{time.monotonic_ns()}.rdb"
    (tmp_path / ours).write_bytes(save_state(state, NOW))
    r = subprocess.run(["redis-check-rdb", str(tmp_path / ours)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and "RDB looks OK!" in r.stdout, r.stdout + r.stderr
    real = _Redis(tmp_path, ours)
    try:
        assert real.client.execute_command("DEBUG", "DIGEST") == digest
        for k, p in payloads.items():
            assert real.client.dump(k) == p, k
    finally:
        real.stop()


@pytest.mark.parametrize("seed", range(3))
def test_type_15_payloads_load_as_redis_loads_them(tmp_path: Path, seed: int) -> None:
    adds = [[b"XADD", b"s", b"%d-%d" % (i + 1, seed), b"f", b"%d" % i] for i in range(6 + seed)]
    cmds = [[b"CONFIG", b"SET", b"stream-node-max-entries", b"3"], *adds,
            [b"XDEL", b"s", b"1-%d" % seed], [b"XDEL", b"s", b"4-%d" % seed],
            [b"XGROUP", b"CREATE", b"s", b"g", b"3-0"], [b"XGROUP", b"CREATE", b"s", b"h", b"$"],
            [b"XREADGROUP", b"GROUP", b"g", b"c", b"COUNT", b"2", b"STREAMS", b"s", b">"]]
    state, cid = _spec(cmds)
    payload = _type15_payload(state.dbs[0].keys[b"s"])
    real = _Redis(tmp_path)
    try:
        c = real.client
        c.restore(b"old", 0, payload)
        theirs = c.dump(b"old")
    finally:
        real.stop()
    st2, _ = S.run_command(state, cid, [b"RESTORE", b"old", b"0", payload], now_ms=NOW)
    assert _dump(st2, cid, b"old") == theirs


def test_served_save_reload_and_restart_keep_a_stream(tmp_path: Path) -> None:
    """``redspec serve``: SAVE and DEBUG RELOAD with a stream holding groups, a PEL and
    consumers answer OK and keep serving; a restart on the file has the same stream, and a
    real server started on that file the same DEBUG DIGEST and the same DUMP."""
    started: list[Proc] = []
    try:
        a = _redspec(started, tmp_path, "--enable-debug-command", "yes")
        c = a.client
        for i in range(1, 8):
            c.xadd("st", {"f": i, "g": "x" * i}, id=f"{i}-0")
        c.xdel("st", "3-0")
        c.xgroup_create("st", "g", id="0")
        c.xreadgroup("g", "alice", {"st": ">"}, count=3)
        c.xgroup_createconsumer("st", "g", "bob")
        full = c.execute_command("XINFO", "STREAM", "st", "FULL")
        payload = c.dump("st")
        assert c.execute_command("SAVE") is True
        assert c.execute_command("DEBUG", "RELOAD") == b"OK"
        assert c.execute_command("XINFO", "STREAM", "st", "FULL") == full
        digest = c.execute_command("DEBUG", "DIGEST")
        a.stop()
        b = _redspec(started, tmp_path, "--enable-debug-command", "yes")
        assert b.client.execute_command("XINFO", "STREAM", "st", "FULL") == full
        assert b.client.dump("st") == payload
        b.stop()
    finally:
        for p in started:
            p.stop()
    real = _Redis(tmp_path)
    try:
        assert real.client.execute_command("DEBUG", "DIGEST") == digest
        assert real.client.dump("st") == payload
    finally:
        real.stop()
