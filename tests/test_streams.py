"""Streams (``t_stream.c``) at the spec level: the StreamValue structure (listpack nodes and
their limits, persistence, tombstones, trimming), ID parsing, the rax node count, and what the
byte-exact differential cases cannot see: propagation (recorded from the AOF of Redis 7.0.15,
``appendfsync always``), keyspace events and ``server.dirty``.
Byte-exact replies against Redis 7.0.15 live in ``tests/differential/cases_streams.py``."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec import blocking as B
from redspec.spec import values
from redspec.spec.cron import before_sleep
from redspec.spec.server import client_input
from redspec.spec.types.stream import EMPTY, MAX_ID, U64, StreamValue, parse_id, rax_node_count
from tests.session import NOW, Session, keyspace_events
from tests.test_blocking import World, enc


def _stream(n: int, max_entries: int = 100, max_bytes: int = 4096) -> StreamValue:
    st = EMPTY
    for i in range(1, n + 1):
        st = st.append((i, 1), [b"a", b"%d" % i], max_bytes, max_entries)
    return st


def _prop(eff: Any) -> list[tuple[bytes, ...]]:
    return [tuple(a) for _, a in eff.propagate]


# -- the value -------------------------------------------------------------------------------


def test_append_shares_every_full_node() -> None:
    """A write replaces the last node only: the other nodes are the same objects."""
    st = _stream(250)
    assert st.node_count == 3 and len(st) == 250
    st2 = st.append((999, 0), [b"a", b"x"], 4096, 100)
    first = [st.nodes[p] for p in st.node_positions()]
    second = [st2.nodes[p] for p in st2.node_positions()]
    assert first[0] is second[0] and first[1] is second[1] and first[2] is not second[2]
    assert len(st) == 250 and len(st2) == 251  # the old value is unchanged


def test_node_entry_limit_counts_tombstones() -> None:
    st = _stream(3, max_entries=3)
    st, ok = st.delete((2, 1))
    assert ok and st.node_count == 1 and len(st) == 2
    st = st.append((4, 1), [b"a", b"1"], 4096, 3)  # 2 live + 1 deleted: full
    assert st.node_count == 2


def test_node_byte_limit() -> None:
    st = EMPTY
    for i in range(1, 8):
        st = st.append((i, 0), [b"f", b"v" * 700], 4096, 100)
    sizes = [n.lp_bytes for n in st.iter_nodes()]
    assert st.node_count == 2 and all(sz < 4096 for sz in sizes)


def test_delete_last_live_entry_removes_node_and_range_skips_tombstones() -> None:
    st = _stream(6, max_entries=2)
    st, _ = st.delete((3, 1))
    st, _ = st.delete((4, 1))
    assert st.node_count == 2 and [e.id for e in st.entries()] == [(1, 1), (2, 1), (5, 1), (6, 1)]
    assert [e.id for e in st.range((2, 0), (5, 5), rev=True)] == [(5, 1), (2, 1)]
    assert st.delete((3, 1))[1] is False


def test_trim_exact_and_approx() -> None:
    st = _stream(8, max_entries=3)
    approx, n = st.trim(5, None, True, 0)
    assert n == 3 and len(approx) == 5 and approx.node_count == 2
    exact, n = st.trim(4, None, False, 0)
    assert n == 4 and [e.id for e in exact.entries()][0] == (5, 1) and exact.node_count == 2
    limited, n = st.trim(0, None, True, 2)
    assert n == 0 and limited is st
    by_id, n = st.trim(None, (7, 0), False, 0)
    assert n == 6 and by_id.first_id == (7, 1)


def test_type_and_encoding() -> None:
    assert values.type_name(EMPTY) == "stream" and values.encoding_of(EMPTY) == "stream"


# -- IDs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("arg,expect", [
    (b"5", ((5, 0), True)), (b"5-3", ((5, 3), True)), (b" 7-+1", ((7, 1), True)),
    (b"-", ((0, 0), True)), (b"+", (MAX_ID, True)), (b"12\x00zz", ((12, 0), True)),
    (b"-1", None), (b"1--1", None), (b"", None), (b"18446744073709551616", None),
    (b"-18446744073709551615", None), (b"x", None), (b"1-", None), (b"0x1", None),
    (b"1" * 128, None),
])
def test_parse_id(arg: bytes, expect: Any) -> None:
    assert parse_id(arg) == expect


def test_parse_id_strict_and_seq_star() -> None:
    assert parse_id(b"-", strict=True) is None and parse_id(b"+", strict=True) is None
    assert parse_id(b"5-*", strict=True, seq_star=True) == ((5, 0), False)
    assert parse_id(b"5-*", strict=True) is None
    assert parse_id(b"5", missing_seq=U64) == ((5, U64), True)


# -- the rax ---------------------------------------------------------------------------------


def _key(ms: int, seq: int) -> bytes:
    return ms.to_bytes(8, "big") + seq.to_bytes(8, "big")


def test_rax_node_count() -> None:
    """Counts read from XINFO STREAM radix-tree-nodes on 7.0.15 (one entry per node)."""
    assert rax_node_count([]) == 1
    assert rax_node_count([_key(1, 0)]) == 2
    assert rax_node_count([_key(1, 0), _key(2, 0)]) == 6
    assert rax_node_count([_key(1, 0), _key(1, 1)]) == 4


# -- propagation (the AOF of Redis 7.0.15) -----------------------------------------------------


def test_xadd_auto_id_and_approx_trim_propagate_the_result() -> None:
    s = Session()
    eff = s.effects("XADD", "s", "MAXLEN", "~", "0", "*", "a", "1")
    # the new entry's node is removed whole: the stream is left empty, and says so
    assert _prop(eff) == [(b"XADD", b"s", b"MAXLEN", b"=", b"0", b"%d-0" % NOW, b"a", b"1")]
    eff = s.effects("XADD", "s", "5-*", "a", "1")
    assert eff.propagate == () and s.call("XLEN", "s") == b":0\r\n"
    s.call("XADD", "t", "1-1", "a", "1")
    eff = s.effects("XTRIM", "t", "MINID", "~", "5")
    assert _prop(eff) == [(b"XTRIM", b"t", b"MINID", b"=", b"18446744073709551615-18446744073709551615")]
    s.call("XADD", "t", "2-1", "a", "1")
    eff = s.effects("XTRIM", "t", "MAXLEN", "0")
    assert _prop(eff) == [(b"XTRIM", b"t", b"MAXLEN", b"0")]
    eff = s.effects("XADD", "u", "7-*", "a", "1")
    assert _prop(eff) == [(b"XADD", b"u", b"7-0", b"a", b"1")]


def _xclaim(key: str, g: str, c: str, i: str, t: int, n: int, last: str) -> tuple[bytes, ...]:
    return tuple(x.encode() for x in (
        "XCLAIM", key, g, c, "0", i, "TIME", str(t), "RETRYCOUNT", str(n), "FORCE", "JUSTID",
        "LASTID", last))


def test_xreadgroup_propagates_xclaims_in_multi() -> None:
    s = Session()
    for i in (1, 2, 3):
        s.call("XADD", "s", f"{i}-1", "a", str(i))
    s.call("XGROUP", "CREATE", "s", "g", "0")
    eff = s.effects("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")
    assert _prop(eff) == [(b"MULTI",), _xclaim("s", "g", "c1", "1-1", NOW, 1, "1-1"),
                          _xclaim("s", "g", "c1", "2-1", NOW, 1, "2-1"), (b"EXEC",)]
    eff = s.effects("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0")  # history
    assert eff.propagate == ()
    eff = s.effects("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0")
    assert eff.propagate == ()


def test_xreadgroup_noack_propagates_createconsumer_and_one_setid() -> None:
    s = Session()
    for i in (1, 2, 3):
        s.call("XADD", "s", f"{i}-1", "a", str(i))
    s.call("XGROUP", "CREATE", "s", "g", "0")
    eff = s.effects("XREADGROUP", "GROUP", "g", "c1", "NOACK", "STREAMS", "s", ">")
    assert _prop(eff) == [(b"MULTI",), (b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"c1"),
                          (b"XGROUP", b"SETID", b"s", b"g", b"3-1", b"ENTRIESREAD", b"3"),
                          (b"EXEC",)]
    s.call("XGROUP", "SETID", "s", "g", "0")
    eff = s.effects("XREADGROUP", "GROUP", "g", "c1", "NOACK", "COUNT", "1", "STREAMS", "s", ">")
    assert _prop(eff) == [(b"XGROUP", b"SETID", b"s", b"g", b"1-1", b"ENTRIESREAD", b"1")]


def test_xclaim_and_xautoclaim_propagation() -> None:
    s = Session()
    for i in (1, 2, 3):
        s.call("XADD", "s", f"{i}-1", "a", str(i))
    s.call("XGROUP", "CREATE", "s", "g", "0")
    s.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">")
    eff = s.effects("XCLAIM", "s", "g", "c3", "0", "1-1", "LASTID", "9-9")
    assert _prop(eff) == [_xclaim("s", "g", "c3", "1-1", NOW, 2, "9-9")]
    eff = s.effects("XCLAIM", "s", "g", "c3", "0", "8-8", "LASTID", "10-10")
    assert _prop(eff) == [(b"XGROUP", b"SETID", b"s", b"g", b"10-10", b"ENTRIESREAD", b"2")]
    assert s.effects("XCLAIM", "s", "g", "c3", "0", "8-8").propagate == ()
    s.call("XDEL", "s", "2-1")
    eff = s.effects("XCLAIM", "s", "g", "c3", "0", "2-1", "1-1", "JUSTID")
    assert _prop(eff) == [(b"MULTI",), _xclaim("s", "g", "c1", "2-1", NOW, 1, "10-10"),
                          _xclaim("s", "g", "c3", "1-1", NOW, 2, "10-10"), (b"EXEC",)]
    eff = s.effects("XAUTOCLAIM", "s", "g", "c4", "0", "0")
    assert _prop(eff) == [_xclaim("s", "g", "c4", "1-1", NOW, 3, "10-10")]


def test_exec_wraps_stream_propagation_once() -> None:
    s = Session()
    s.call("MULTI")
    s.call("XADD", "m", "1-1", "a", "1")
    s.call("XGROUP", "CREATE", "m", "g", "0")
    s.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "m", ">")
    eff = s.effects("EXEC")
    assert _prop(eff) == [(b"MULTI",), (b"XADD", b"m", b"1-1", b"a", b"1"),
                          (b"XGROUP", b"CREATE", b"m", b"g", b"0"),
                          _xclaim("m", "g", "c", "1-1", NOW, 1, "1-1"), (b"EXEC",)]


# -- keyspace events and dirty -----------------------------------------------------------------


def test_keyspace_events() -> None:
    setup = [["XADD", "s", "1-1", "a", "1"], ["XGROUP", "CREATE", "s", "g", "0"]]
    assert keyspace_events([], ["XADD", "s", "MAXLEN", "0", "1-1", "a", "1"]) == [
        ("t", "xadd"), ("t", "xtrim")]
    assert keyspace_events(setup, ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"]) == [
        ("t", "xgroup-createconsumer")]
    assert keyspace_events(setup, ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "9"]) == [
        ("t", "xgroup-createconsumer")]
    assert keyspace_events(setup, ["XCLAIM", "s", "g", "c", "0", "9-9"]) == []
    assert keyspace_events(setup, ["XGROUP", "DESTROY", "s", "g"]) == [("t", "xgroup-destroy")]
    assert keyspace_events(setup, ["XSETID", "s", "5-5"]) == [("t", "xsetid")]
    assert keyspace_events(setup, ["XDEL", "s", "1-1"]) == [("t", "xdel")]
    assert keyspace_events([], ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]) == [
        ("t", "xgroup-create")]


def test_dirty_counts() -> None:
    s = Session()
    for i in (1, 2, 3):
        s.call("XADD", "s", f"{i}-1", "a", str(i))
    d = s.state.dirty
    s.call("XDEL", "s", "1-1", "2-1", "9-9")
    assert s.state.dirty == d + 2
    s.call("XGROUP", "CREATE", "s", "g", "0")
    d = s.state.dirty
    s.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")  # consumer + read
    assert s.state.dirty == d + 2
    d = s.state.dirty
    s.call("XACK", "s", "g", "3-1", "3-1")
    assert s.state.dirty == d + 1


# -- blocking ---------------------------------------------------------------------------------


def test_blocked_group_read_is_served_and_propagates_unwrapped() -> None:
    """Two groups' readers blocked on one stream, one XADD: both served, each by an XCLAIM
    propagated after the XADD with no MULTI around them (the 7.0.15 AOF)."""
    w = World(3)
    w.send(2, "XGROUP", "CREATE", "s", "g1", "$", "MKSTREAM")
    w.send(2, "XGROUP", "CREATE", "s", "g2", "$")
    assert w.send(0, "XREADGROUP", "GROUP", "g1", "c1", "BLOCK", "0", "STREAMS", "s", ">") == {}
    assert w.send(1, "XREADGROUP", "GROUP", "g2", "c2", "BLOCK", "0", "STREAMS", "s", ">") == {}
    st, eff = client_input(w.st, w.ids[2], enc("XADD", "s", "1-1", "a", "1"), NOW)
    assert _prop(eff) == [(b"XADD", b"s", b"1-1", b"a", b"1"),
                          _xclaim("s", "g1", "c1", "1-1", NOW, 1, "1-1"),
                          _xclaim("s", "g2", "c2", "1-1", NOW, 1, "1-1")]
    got = w.send(2, "XADD", "s", "1-1", "a", "1")
    entry = b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert got[0] == entry and got[1] == entry and not w.st.blocking.keys


def test_blocked_xread_times_out_on_the_clock() -> None:
    w = World(1)
    w.send(0, "XREAD", "BLOCK", "50", "STREAMS", "s", "$")
    assert B.next_deadline(w.st) == NOW + 50
    st, eff = before_sleep(w.st, NOW + 51)
    assert not st.blocking.clients


def test_xread_block_inside_exec_answers_null() -> None:
    s = Session()
    s.call("MULTI")
    s.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert s.call("EXEC") == b"*1\r\n*-1\r\n"


# -- the Z3 obligation on ID order -------------------------------------------------------------


def test_z3_id_order_holds_and_its_plants_trip() -> None:
    from redspec.properties import z3_streams as z
    assert all(o.prove().held for o in z.obligations())
    assert not z.obligations(seq_star_wraps=True)[1].prove().held
    assert not z.obligations(auto_wraps=True)[0].prove().held


@pytest.mark.parametrize("form", ["auto", "seq-star", "explicit"])
def test_z3_encoding_is_the_spec_generator(form: str) -> None:
    """``z3_streams.generate`` agrees with ``_xadd_id`` (+ the exhausted check) on the
    corner values of the 64-bit range."""
    import z3

    from redspec.properties import z3_streams as z
    from redspec.spec.commands import streams as cmds
    corners = [0, 1, 5, U64 - 1, U64]
    for lms in corners:
        for lseq in corners:
            for ams in (0, 5, U64):
                for aseq in (0, U64):
                    st = EMPTY.with_meta(last_id=(lms, lseq))
                    a = cmds._TrimArgs()
                    a.id_given = form != "auto"
                    a.seq_given = form == "explicit"
                    a.id = (ams, aseq if form == "explicit" else 0)
                    now = ams
                    got = cmds._xadd_id(st, a, now)
                    ok = (lms, lseq) != MAX_ID and not isinstance(got, str)
                    bv = lambda x: z3.BitVecVal(x, 64)  # noqa: E731
                    acc, new = z.generate(form, (bv(lms), bv(lseq)), (bv(ams), bv(a.id[1])), bv(now))
                    acc_v = z3.is_true(z3.simplify(acc))
                    assert acc_v == ok, (form, lms, lseq, ams, aseq)
                    if ok:
                        assert (z3.simplify(new[0]).as_long(), z3.simplify(new[1]).as_long()) == got


# -- MEMORY USAGE, calibrated against 7.0.15 ---------------------------------------------------


def _mem_scenarios() -> list[tuple[str, list[list[bytes]]]]:
    out: list[tuple[str, list[list[bytes]]]] = []
    for fields, vlen, n in [(1, 1, 1), (1, 1, 101), (1, 1, 259), (2, 10, 150), (1, 100, 50),
                            (3, 5, 600), (1, 1000, 20), (1, 3000, 5)]:
        trace = []
        for i in range(1, n + 1):
            argv = [b"XADD", b"s", b"%d-1" % i]
            for f in range(fields):
                argv += [b"f%d" % f, b"v" * vlen]
            trace.append(argv)
        out.append((f"{fields}x{vlen}B-{n}", trace))
    for entries, nbytes in [(b"100", b"4096"), (b"3", b"4096"), (b"0", b"200"), (b"10", b"0")]:
        trace = [[b"CONFIG", b"SET", b"stream-node-max-entries", entries],
                 [b"CONFIG", b"SET", b"stream-node-max-bytes", nbytes]]
        trace += [[b"XADD", b"s", b"%d-1" % i, b"a", b"%d" % i * (1 + i % 7)] for i in range(1, 80)]
        trace += [[b"XDEL", b"s", b"5-1", b"6-1", b"40-1"], [b"XTRIM", b"s", b"MAXLEN", b"~", b"60"],
                  [b"XGROUP", b"CREATE", b"s", b"g1", b"0"],
                  [b"XGROUP", b"CREATE", b"s", b"group-two", b"$"],
                  [b"XREADGROUP", b"GROUP", b"g1", b"alice", b"COUNT", b"7", b"STREAMS", b"s", b">"],
                  [b"XREADGROUP", b"GROUP", b"g1", b"bob", b"STREAMS", b"s", b">"],
                  [b"XACK", b"s", b"g1", b"30-1", b"31-1"],
                  [b"CONFIG", b"SET", b"stream-node-max-entries", b"100"],
                  [b"CONFIG", b"SET", b"stream-node-max-bytes", b"4096"]]
        out.append((f"groups-{entries.decode()}-{nbytes.decode()}", trace))
    return out


MEM_SCENARIOS = _mem_scenarios()


@pytest.mark.parametrize("name,trace", MEM_SCENARIOS, ids=[m[0] for m in MEM_SCENARIOS])
def test_memory_usage_matches_redis(redis_server: Any, name: str,
                                    trace: list[list[bytes]]) -> None:
    """MEMORY USAGE of a stream (default SAMPLES 5) equals 7.0.15's, byte for byte: node
    preallocation, growth and shrink-to-fit, the rax, groups, NACKs and consumers."""
    from tests.differential.rawclient import RawClient
    rc = RawClient("127.0.0.1", redis_server.port)
    try:
        rc.call("FLUSHALL")
        for argv in trace:
            rc.call(*argv)
        want = rc.call("MEMORY", "USAGE", "s")
        rc.call("FLUSHALL")
    finally:
        rc.close()
    s = Session()
    for argv in trace:
        s.call(*argv)
    assert s.call("MEMORY", "USAGE", "s") == want


# -- the cost model and advise -------------------------------------------------------------------


def _queue_traces(n: int) -> tuple[list[list[bytes]], list[list[bytes]]]:
    """A work queue with acknowledgement, as a list (RPUSH, LMOVE to a processing list, LREM
    to acknowledge) and as a stream (XADD, XREADGROUP COUNT 10, XACK of the ten)."""
    lst = [[b"RPUSH", b"jobs", b"job-%d" % i] for i in range(n)]
    for i in range(n):
        lst += [[b"LMOVE", b"jobs", b"jobs:processing", b"LEFT", b"RIGHT"],
                [b"LREM", b"jobs:processing", b"1", b"job-%d" % i]]
    stm = [[b"XADD", b"jobs", b"*", b"job", b"job-%d" % i] for i in range(n)]
    stm.append([b"XGROUP", b"CREATE", b"jobs", b"workers", b"0"])
    for i in range(0, n, 10):
        stm.append([b"XREADGROUP", b"GROUP", b"workers", b"w1", b"COUNT", b"10", b"STREAMS",
                    b"jobs", b">"])
        stm.append([b"XACK", b"jobs", b"workers", *[b"1700000000000-%d" % j
                                                    for j in range(i, i + 10)]])
    return lst, stm


def test_advise_prices_streams() -> None:
    """advise reports stream keys with MEMORY USAGE's model (every node) and the stream
    prices; the queue worked example: acknowledging in batches of ten costs fewer steps than
    the list's LMOVE + LREM per job, and the stream keeps its log (the memory the list
    gives back)."""
    from redspec.spec import advise, cost, memory
    lst, stm = _queue_traces(2000)
    a_list, a_stream = advise.analyse(lst), advise.analyse(stm)
    ks = a_stream.keys[b"jobs"]
    assert ks.type == "stream" and ks.encoding == "stream"
    assert ks.memory == cost.key_memory(b"jobs", memory.stream_memory(ks.contents, 1 << 62))
    assert a_stream.total_steps < a_list.total_steps and a_list.total_memory == 0 < ks.memory
    feed_l = advise.analyse([[b"RPUSH", b"feed", b"post-%d" % i] for i in range(3000)]
                            + [[b"LRANGE", b"feed", b"-20", b"-1"]] * 300)
    feed_s = advise.analyse([[b"XADD", b"feed", b"*", b"post", b"post-%d" % i]
                             for i in range(3000)]
                            + [[b"XREVRANGE", b"feed", b"+", b"-", b"COUNT", b"20"]] * 300)
    assert feed_l.total_memory < feed_s.total_memory and feed_l.total_steps < feed_s.total_steps


def test_stream_op_costs_grow_as_documented() -> None:
    from redspec.spec import cost
    small = cost.op_cost("xrange", "stream", 100, window=10).steps
    big = cost.op_cost("xrange", "stream", 1_000_000, window=10).steps
    assert small < big < small + 20  # O(log N + M): a deeper rax seek only
    assert cost.op_cost("xadd", "stream", 10**6).big_o == "O(1)"
    assert cost.op_cost("xack", "stream", 1000, elems=10).steps == \
        10 * cost.op_cost("xack", "stream", 1000).steps


def test_reference_server_xread_block_times_out_on_virtual_clock() -> None:
    """``redspec serve --clock virtual``: XREAD BLOCK and XREADGROUP BLOCK time out only
    when REDSPEC CLOCK ADVANCE passes their deadline, with a null array."""
    import asyncio
    import contextlib

    from redspec.reference.server import Clock, serve
    from tests.test_blocking import _free_port

    async def scenario() -> tuple[bytes, bytes]:
        port = _free_port()
        ready = asyncio.Event()
        task = asyncio.create_task(serve("127.0.0.1", port, ready=ready,
                                         clock=Clock(virtual=True)))
        await asyncio.wait_for(ready.wait(), 10)
        r1, w1 = await asyncio.open_connection("127.0.0.1", port)
        r2, w2 = await asyncio.open_connection("127.0.0.1", port)
        try:
            w2.write(enc("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"))
            await w2.drain()
            await asyncio.wait_for(r2.read(100), 5)
            w1.write(enc("XREADGROUP", "GROUP", "g", "c", "BLOCK", "200", "STREAMS", "s", ">"))
            await w1.drain()
            early = b""
            with contextlib.suppress(asyncio.TimeoutError):
                early = await asyncio.wait_for(r1.read(100), 0.5)
            w2.write(enc("REDSPEC", "CLOCK", "ADVANCE", "201"))
            await w2.drain()
            await asyncio.wait_for(r2.read(100), 5)
            late = await asyncio.wait_for(r1.read(100), 5)
            return early, late
        finally:
            w1.close()
            w2.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    early, late = asyncio.run(scenario())
    assert early == b"" and late == b"*-1\r\n"
