"""The replication backlog (``spec/backlog.py``): blocks, trimming, the window, PSYNC's rule.

The numbers in ``test_replays_a_real_7_0_15_session`` were read from INFO of redis-server
7.0.15 (``mem_total_replication_buffers``, ``repl_backlog_first_byte_offset``,
``repl_backlog_histlen``) after the same commands; ``test_agrees_with_real_redis`` repeats
that session live against the installed server.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import attrs
import pytest

from redspec.spec import backlog as bl
from redspec.spec.backlog import Backlog, PsyncVerdict

ROOM = 20440  # a block for <= 16 KiB: je_size(16384 + 40) = 20480, less the 40-byte header


def _enc(*argv: bytes) -> bytes:
    return b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)


class Stream:
    """A master's view: the backlog and ``master_repl_offset``, fed command by command, each
    followed by ``beforeSleep``'s trim."""

    def __init__(self, size: int = 1 << 20, start: int = 0) -> None:
        self.master = start
        self.b = bl.create_backlog(size, start)

        self.seldb = -1

    def feed(self, data: bytes, pinned: tuple[int, ...] = (), before_sleep: bool = True) -> None:
        self.b = bl.feed(self.b, data, self.master, pinned)
        self.master += len(data)
        if before_sleep:
            self.b = bl.trim(self.b, self.master, pinned, bl.BEFORE_SLEEP_TRIM_BLOCKS)

    def command(self, *argv: bytes, db: int = 0) -> None:
        """``replicationFeedSlaves``: SELECT when needed, the command piece by piece, then
        the event loop's ``beforeSleep`` trim."""
        pieces = bl.command_pieces(argv)
        if db != self.seldb:
            pieces = (bl.select_piece(db), *pieces)
            self.seldb = db
        self.b = bl.feed_pieces(self.b, pieces, self.master)
        self.master += sum(map(len, pieces))
        self.b = bl.trim(self.b, self.master, (), bl.BEFORE_SLEEP_TRIM_BLOCKS)


def _filled(n_blocks: int, size: int = 16384) -> tuple[Backlog, int, bytes]:
    """A backlog of ``n_blocks`` full blocks (the last is the tail, full), untrimmed."""
    b, m, chunks = bl.create_backlog(1 << 40, 0), 0, []
    for i in range(n_blocks):
        chunk = bytes([65 + i % 26]) * ROOM
        b = bl.feed(b, chunk, m)
        m += ROOM
        chunks.append(chunk)
    return attrs.evolve(b, size=size), m, b"".join(chunks)


# -- blocks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "size", "room"), [
    (1, 1 << 20, ROOM), (16384, 1 << 20, ROOM), (20440, 1 << 20, ROOM),
    (20441, 1 << 20, 24576 - 40), (39670, 1 << 20, 40960 - 40),
    (65536, 1 << 20, 81920 - 40),  # the cap: 1 MiB / 16
    (10_000_000, 1 << 20, 81920 - 40), (10_000_000, 1 << 40, 10_485_760 - 40),
    (10_000_000, 16384, ROOM), (1, 1, ROOM)])
def test_block_room_is_the_jemalloc_class_less_the_header(n: int, size: int, room: int) -> None:
    assert bl.block_room(n, size) == room


def test_create_is_empty_and_starts_after_the_master_offset() -> None:
    b = bl.create_backlog(1 << 20, 1234)
    assert (b.histlen, b.offset, b.blocks, bl.repl_buffer_mem(b)) == (0, 1235, (), 0)
    assert bl.backlog_from(b, 1235) == b""


def test_first_feed_allocates_one_block_of_20440_bytes_room() -> None:
    s = Stream(start=100)
    s.feed(b"x" * 50)
    (blk,) = s.b.blocks
    assert (blk.repl_offset, blk.size, blk.used) == (101, ROOM, 50)
    assert (s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)) == (101, 50, 20480 + 24)


def test_feed_fills_the_tail_then_opens_a_block_for_the_rest() -> None:
    s = Stream()
    s.feed(b"a" * (ROOM - 10))
    s.feed(b"b" * 30)
    a, b = s.b.blocks
    assert (a.used, a.size, a.data()[-10:]) == (ROOM, ROOM, b"b" * 10)
    assert (b.repl_offset, b.used, b.size, b.data()) == (ROOM + 1, 20, ROOM, b"b" * 20)


def test_a_big_write_gets_a_block_of_its_own_size_class() -> None:
    s = Stream()
    s.feed(b"s" * 50)
    s.feed(b"y" * (39670 + ROOM - 50))
    a, b = s.b.blocks
    assert (a.used, b.used, b.size) == (ROOM, 39670, 40960 - 40)
    assert bl.repl_buffer_mem(s.b) == 20504 + 40984


def test_a_huge_write_is_cut_into_blocks_of_a_sixteenth_of_the_backlog() -> None:
    s = Stream(size=1 << 20)
    s.feed(b"h" * 300_000)
    assert [(x.size, x.used) for x in s.b.blocks] == [(81880, 81880)] * 3 + [
        (57304, 54360)]


def test_a_tail_filled_exactly_opens_a_new_block_on_the_next_byte() -> None:
    s = Stream()
    s.feed(b"a" * ROOM)
    assert len(s.b.blocks) == 1
    s.feed(b"b")
    assert [(x.repl_offset, x.used) for x in s.b.blocks] == [(1, ROOM), (ROOM + 1, 1)]


def test_many_small_feeds_keep_every_byte() -> None:
    s, whole = Stream(), b""
    for i in range(3000):
        d = bytes([i % 251]) * (i % 17 + 1)
        s.feed(d)
        whole += d
    assert bl.backlog_from(s.b, 1) == whole
    assert all(len(blk.chunks) <= 64 for blk in s.b.blocks)


def test_blocks_with_the_same_bytes_are_equal_however_fed() -> None:
    a, b = Stream(), Stream()
    a.feed(b"abcdef")
    for c in b"abcdef":
        b.feed(bytes([c]))
    assert a.b == b.b and hash(a.b.tail) == hash(b.b.tail)
    t = a.b.tail
    assert t is not None and t != "abcdef" and t != attrs.evolve(t, indexed=True)
    assert t != attrs.evolve(t, chunks=(b"abcdeF",)) and t != attrs.evolve(t, size=t.size + 1)
    assert bl.master_offset(a.b) == a.master == 6
    assert bl.master_offset(bl.create_backlog(100, 41)) == 41


def test_an_empty_feed_changes_nothing() -> None:
    b, m, _ = _filled(5, size=16384)  # over its size: a trim would free blocks
    assert bl.feed(b, b"", m) is b
    e = bl.create_backlog(100, 7)
    assert bl.feed(e, b"", 7) == e


# -- trimming ---------------------------------------------------------------------------------


def test_trim_keeps_more_than_size_bytes() -> None:
    """The first block goes only if what remains is still more than ``size``."""
    b, m, _ = _filled(4, size=2 * ROOM)  # histlen 4 blocks: one more than size + a block
    t = bl.trim(b, m)
    assert (t.histlen, t.offset) == (3 * ROOM, ROOM + 1)
    exact = bl.Backlog(3 * ROOM, b.histlen, b.offset, b.head, b.tail)  # histlen - first == size
    assert bl.trim(exact, m) == exact
    one_less = bl.Backlog(3 * ROOM - 1, b.histlen, b.offset, b.head, b.tail)
    assert bl.trim(one_less, m).histlen == 3 * ROOM


def test_trim_needs_histlen_above_size() -> None:
    b, m, _ = _filled(3, size=3 * ROOM)
    assert bl.trim(b, m).histlen == 3 * ROOM


def test_trim_never_frees_the_last_block() -> None:
    b, m, _ = _filled(1, size=1)
    assert bl.trim(b, m, max_blocks=1000) == b
    b, m, _ = _filled(2, size=1)
    t = bl.trim(b, m, max_blocks=1000)
    assert t.blocks == b.blocks[1:] and t.histlen == ROOM


def test_the_trim_budgets_measured_on_7_0_15() -> None:
    """64 per call (``REPL_BACKLOG_TRIM_BLOCKS_PER_CALL``) and 640 per event-loop turn in
    ``beforeSleep``: ``test_before_sleep_trims_640_blocks_a_turn_on_real_redis`` measures both
    (here for the runs that cannot start a server)."""
    assert (bl.REPL_BACKLOG_TRIM_BLOCKS_PER_CALL, bl.BEFORE_SLEEP_TRIM_BLOCKS) == (64, 640)
    b, m, _ = _filled(700, size=16384)
    assert len(bl.trim(b, m, max_blocks=bl.BEFORE_SLEEP_TRIM_BLOCKS).blocks) == 60


def test_trim_frees_at_most_max_blocks() -> None:
    b, m, _ = _filled(100, size=16384)
    t = bl.trim(b, m)
    assert len(t.blocks) == 36 and t.offset == 64 * ROOM + 1
    t = bl.trim(b, m, max_blocks=bl.BEFORE_SLEEP_TRIM_BLOCKS)
    assert len(t.blocks) == 1 and t.histlen == ROOM  # the last block is never freed


def test_only_a_feed_that_opens_a_block_trims() -> None:
    b, m, _ = _filled(100, size=16384)
    t = bl.feed(b, b"x", m)  # the tail is full: a block opens, 64 go
    assert len(t.blocks) == 37 and t.offset == m + 2 - t.histlen
    u = bl.feed(t, b"y", m + 1)  # fits in the new tail: no trim
    assert len(u.blocks) == 37 and u.histlen == t.histlen + 1 and u.offset == t.offset


def test_a_replica_pins_the_block_of_its_next_unsent_byte() -> None:
    b, m, _ = _filled(6, size=16384)
    # next unsent byte inside block 2 (0-based): blocks 0 and 1 go, 2 stays
    t = bl.trim(b, m, pinned=(2 * ROOM + 5,))
    assert t.offset == 2 * ROOM + 1
    assert bl.trim(b, m, pinned=(2 * ROOM + 2,)).offset == 2 * ROOM + 1
    # at the first byte of block 2: block 1 is still referred to (sent to its end)
    assert bl.trim(b, m, pinned=(2 * ROOM + 1,)).offset == ROOM + 1
    # at the last byte of block 1: block 1 stays
    assert bl.trim(b, m, pinned=(2 * ROOM,)).offset == ROOM + 1
    # the earliest replica decides
    assert bl.trim(b, m, pinned=(5 * ROOM, 2 * ROOM)).offset == ROOM + 1


def test_a_caught_up_replica_pins_only_the_tail() -> None:
    b, m, _ = _filled(6, size=16384)
    assert bl.trim(b, m, pinned=(m + 1,)) == bl.trim(b, m)


def test_resize_clamps_to_16k_and_trims_64_blocks() -> None:
    b, m, _ = _filled(100, size=1 << 30)
    t = bl.resize(b, 1, m)
    assert t.size == 16384 and len(t.blocks) == 36
    assert bl.resize(b, 1 << 31, m).histlen == b.histlen  # growing keeps what is there


def test_replays_a_real_7_0_15_session() -> None:
    """SELECT+SET, SET of 20000 and 40000 bytes, 100 SETs of 20000, CONFIG SET
    repl-backlog-size 1, SET: 7.0.15's INFO after each (see the module docstring)."""
    s = Stream()
    seen = []
    s.command(b"SET", b"k", b"v")
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    s.command(b"SET", b"k", b"x" * 20000)
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    s.command(b"SET", b"k", b"y" * 40000)
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    for _ in range(100):
        s.command(b"SET", b"k", b"x" * 20000)
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    s.b = bl.resize(s.b, 1, s.master)
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    s.command(b"SET", b"k", b"v")
    seen.append((s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)))
    assert seen == [(50, 1, 50, 20504), (20080, 1, 20080, 20504), (60110, 1, 60110, 61488),
                    (2063110, 1001601, 1061510, 1066208), (2063110, 2044041, 19070, 20504),
                    (2063137, 2044041, 19097, 20504)]


def test_memory_split_between_backlog_and_replicas() -> None:
    b, m, _ = _filled(3, size=16384)
    mem = bl.repl_buffer_mem(b)
    assert mem == 3 * (20480 + 24)
    assert bl.backlog_memory(b, 0) == (mem + 4, 0)  # + the empty index's head node
    assert bl.backlog_memory(b, 2) == (16384 + 4, mem - 16384)
    assert bl.backlog_memory(None, 0) == (0, 0)
    exact = attrs.evolve(b, size=mem)  # the buffer is not more than the setting
    assert bl.backlog_memory(exact, 2) == (mem + 4, 0)
    assert bl.backlog_memory(attrs.evolve(b, size=mem - 1), 2) == (mem - 1 + 4, 1)


def test_rax_nodes_of_an_index_measured_on_7_0_15() -> None:
    """The 11 indexed blocks of ``test_the_block_index_memory_agrees_with_real_redis`` after
    its 700 writes (INFO gave 26 nodes): a compressed node over 4 zero bytes, the node where
    byte 4 parts 0x00 from 0x01, under each a node where byte 5 parts them, and under each of
    those a compressed node over bytes 6-7 and a leaf."""
    offsets = [0x1a6629, 0x36bc29, 0x534229, 0x6fa829, 0x8bde29, 0xa7c429, 0xc3ba29,
               0xdff029, 0xfc4629, 0x1189c29, 0x1350229]
    keys = [o.to_bytes(8, "big") for o in offsets]
    assert bl._rax_nodes(keys, 0) == 1 + 1 + (1 + 9 * 2) + (1 + 2 * 2)
    # parting at the last byte: the children are leaves
    assert bl._rax_nodes([b"\0" * 7 + b"\1", b"\0" * 7 + b"\2"], 0) == 1 + 1 + 2
    # parting at the first byte: no compressed node above
    assert bl._rax_nodes([b"\1" + b"\0" * 7, b"\2" + b"\0" * 7], 0) == 1 + 2 * 2
    # one shared byte, then parting
    assert bl._rax_nodes([b"\0\1" + b"\0" * 6, b"\0\2" + b"\0" * 6], 0) == 1 + 1 + 2 * 2
    blocks = tuple(bl.ReplBlock(o << 56, 1, 1, (b"x",), True) for o in (1, 2))
    far = bl.Backlog(1, 2, 1 << 56, blocks[:1], blocks[1])
    assert bl.index_memory(far) == (1 + 2 * 2) * 4 + 2 * 8


def test_every_64th_block_is_indexed() -> None:
    b, m, _ = _filled(130)
    assert [i for i, blk in enumerate(b.blocks) if blk.indexed] == [63, 127]
    assert b.unindexed == 2
    # two 8-byte keys: a compressed node over their common bytes, the node where they part,
    # and a compressed node and a leaf under each: 6 nodes, 2 pointers
    assert bl.index_memory(b) == 6 * 4 + 2 * 8
    one = bl.trim(attrs.evolve(b, size=16384), m, max_blocks=64)  # the first indexed goes
    assert sum(blk.indexed for blk in one.blocks) == 1 and bl.index_memory(one) == 2 * 4 + 8
    assert bl.index_memory(bl.create_backlog(16384, 0)) == 4


# -- the window and addReplyReplicationBacklog ------------------------------------------------


def test_backlog_from_at_the_boundaries() -> None:
    b, m, whole = _filled(40, size=10 * ROOM)
    b = bl.trim(b, m, max_blocks=100)
    first, end = b.offset, b.offset + b.histlen
    assert end == m + 1
    assert bl.backlog_from(b, first) == whole[first - 1:]
    assert bl.backlog_from(b, first + 1) == whole[first:]
    assert bl.backlog_from(b, end) == b""
    assert bl.backlog_from(b, end - 1) == whole[-1:]
    for o in (first + ROOM - 1, first + ROOM, first + ROOM + 1):  # around a block boundary
        assert bl.backlog_from(b, o) == whole[o - 1:]
    for o in (first - 1, end + 1):
        with pytest.raises(ValueError):
            bl.backlog_from(b, o)


# -- PSYNC ------------------------------------------------------------------------------------

ID1, ID2 = "a" * 40, "b" * 40


def _verdict(b: Backlog | None, req: str, off: int, second: int = 1000) -> PsyncVerdict:
    return bl.psync_verdict(ID1, ID2, second, b, req, off)


def test_psync_window_boundaries() -> None:
    s = Stream(size=16384)
    for _ in range(10):
        s.feed(b"x" * 5000)
    b = s.b
    lo, hi = b.offset, b.offset + b.histlen
    assert lo > 1 and hi == s.master + 1
    assert _verdict(b, ID1, lo - 1) is PsyncVerdict.NOT_IN_BACKLOG
    assert _verdict(b, ID1, lo) is PsyncVerdict.ACCEPTED
    assert _verdict(b, ID1, hi) is PsyncVerdict.ACCEPTED
    assert _verdict(b, ID1, hi + 1) is PsyncVerdict.NOT_IN_BACKLOG
    assert not bl.psync_accepts(ID1, ID2, 0, None, ID1, lo)
    assert _verdict(None, ID1, lo) is PsyncVerdict.NOT_IN_BACKLOG


def test_psync_ids() -> None:
    s = Stream(start=500)
    s.feed(b"x" * 1000)  # window [501, 1501]
    b = s.b
    assert _verdict(b, ID1.upper(), 600) is PsyncVerdict.ACCEPTED  # strcasecmp
    assert _verdict(b, ID1 + "\0zz", 600) is PsyncVerdict.ACCEPTED  # C string: up to the NUL
    assert _verdict(b, ID1[:-1], 600) is PsyncVerdict.REPLID_MISMATCH
    kid = "k" * 40  # the Kelvin sign folds to "k" in Unicode, not in strcasecmp
    assert bl.psync_verdict(kid, ID2, -1, b, "\u212a" + kid[1:], 600) is (
        PsyncVerdict.REPLID_MISMATCH)
    assert bl.psync_verdict(kid, ID2, -1, b, "K" + kid[1:], 600) is PsyncVerdict.ACCEPTED
    assert _verdict(b, ID2, 1000, second=1000) is PsyncVerdict.ACCEPTED  # up to second offset
    assert _verdict(b, ID2, 1001, second=1000) is PsyncVerdict.SECOND_ID_TOO_FAR
    assert _verdict(b, ID2, 1001, second=1001) is PsyncVerdict.ACCEPTED
    assert _verdict(b, ID1, 1001, second=0) is PsyncVerdict.ACCEPTED  # replid1: no limit
    assert _verdict(b, "c" * 40, 600) is PsyncVerdict.REPLID_MISMATCH
    assert _verdict(b, "?", -1) is PsyncVerdict.FULL_REQUESTED
    # replid2 within its limit but outside the window: lack of backlog
    assert _verdict(b, ID2, 400, second=1000) is PsyncVerdict.NOT_IN_BACKLOG


def test_cleared_replid2_never_continues() -> None:
    """``clearReplicationId2``: replid2 all zeros, second_replid_offset -1."""
    s = Stream()
    s.feed(b"x" * 10)
    zeros = "0" * 40
    assert not bl.psync_accepts(ID1, zeros, -1, s.b, zeros, 1)
    assert not bl.psync_accepts(ID1, zeros, -1, s.b, zeros, -1)


# -- live: the installed redis-server 7.0.15 ---------------------------------------------------


def _send(conn: socket.socket, *argv: bytes) -> bytes:
    conn.sendall(_enc(*argv))
    buf = b""
    while True:
        buf += conn.recv(1 << 16)
        if buf.startswith(b"$"):
            n = int(buf[1:buf.index(b"\r\n")])
            if len(buf) >= buf.index(b"\r\n") + 2 + n + 2:
                return buf
        elif buf.endswith(b"\r\n"):
            return buf


def _info(conn: socket.socket) -> dict[str, str]:
    text = (_send(conn, b"INFO", b"replication") + _send(conn, b"INFO", b"memory")).decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


@pytest.fixture
def backlog_master(private_redis: object) -> Iterator[socket.socket]:
    """A real master with a backlog and no replica: a raw replica asks ``PSYNC ? -1`` (which
    creates the backlog) and goes away."""
    port = private_redis.port  # type: ignore[attr-defined]
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    rep = socket.create_connection(("127.0.0.1", port), timeout=10)
    rep.sendall(b"PSYNC ? -1\r\n")
    assert rep.recv(12).startswith(b"+FULLRESYNC")
    rep.close()
    deadline = time.monotonic() + 10
    while _info(conn)["connected_slaves"] != "0":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    yield conn
    conn.close()


def test_agrees_with_real_redis(backlog_master: socket.socket) -> None:
    """The same commands on the real master and on the model give the same window and
    ``mem_total_replication_buffers`` after each (each command: one feed, then beforeSleep)."""
    conn = backlog_master
    info = _info(conn)
    s = Stream(size=int(info["repl_backlog_size"]), start=int(info["master_repl_offset"]))
    assert int(info["repl_backlog_first_byte_offset"]) == s.b.offset
    sizes = [1, 20000, 40000, 5, 300000, 65536 - 300, 16384] + [
        20000 + 1000 * i for i in range(60)] + [7, 3_000_000, 1]
    for i, n in enumerate(sizes):
        if n == 7:
            assert _send(conn, b"CONFIG", b"SET", b"repl-backlog-size", b"100") == b"+OK\r\n"
            s.b = bl.resize(s.b, 100, s.master)
        argv = (b"SET", b"k%d" % i, b"v" * n)
        assert _send(conn, *argv) == b"+OK\r\n"
        s.command(*argv)
        info = _info(conn)
        got = (int(info["master_repl_offset"]), int(info["repl_backlog_first_byte_offset"]),
               int(info["repl_backlog_histlen"]), int(info["mem_total_replication_buffers"]),
               int(info["repl_backlog_size"]), int(info["mem_replication_backlog"]))
        assert got == (s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b), s.b.size,
                       bl.backlog_memory(s.b, 0)[0]), i


# -- Z3 (properties/z3_backlog.py) -----------------------------------------------------------


def test_z3_obligations_hold() -> None:
    from redspec.properties import z3_backlog as z

    for o in z.obligations():
        p = o.prove()
        assert p.held, (p.name, p.problems)


@pytest.mark.parametrize(("make", "plant"), [
    ("served_obligation", "start_exclusive"), ("accepted_obligation", "end_past"),
    ("accepted_obligation", "by_size"), ("window_obligation", "unguarded")])
def test_z3_planted_rules_fail(make: str, plant: str) -> None:
    from redspec.properties import z3_backlog as z

    p = getattr(z, make)(**{plant: True}).prove()
    assert not p.held and p.checks["Inv ∧ Next ⇒ Inv′"].startswith("counterexample")
    assert all(v == "proved" for k, v in p.checks.items() if k.startswith("vacuity"))
    if make != "window_obligation":  # the bug is in the encoding: the spec is not at fault
        assert p.replay is not None and p.replay.startswith("spurious")


def _encoded(off: int, h: int, o: int, has: bool = True, idok: bool = True) -> bool:
    import z3

    from redspec.properties import z3_backlog as z

    e = z.psync_encoding(z3.BoolVal(has), z3.BoolVal(idok), z3.IntVal(off), z3.IntVal(h),
                         z3.IntVal(o))
    return bool(z3.is_true(z3.simplify(e)))


@pytest.mark.parametrize(("off", "h"), [(1, 0), (1, 50), (1001601, 1061510),
                                        ((1 << 62) + 5, 1 << 20), ((1 << 63) - 101, 99)])
def test_z3_encoding_is_the_spec_rule(off: int, h: int) -> None:
    """Below 2^63 - 1 the encoding's verdict is ``psync_accepts``'s, at and around the edges."""
    b = bl.Backlog(1 << 20, h, off)
    for o in (off - 1, off, off + 1, off + h - 1, off + h, off + h + 1):
        for idok in (True, False):
            req = ID1 if idok else "f" * 40
            assert _encoded(off, h, o, idok=idok) == bl.psync_accepts(ID1, ID2, -1, b, req, o)
    assert not _encoded(off, h, off, has=False)


def test_z3_at_llong_max_the_window_end_wraps() -> None:
    """With ``master_repl_offset`` at 2^63 - 1, ``offset + histlen`` wraps in C and every
    PSYNC is refused, even one at the window's start: outside what the obligations allow."""
    top = (1 << 63) - 1
    off = top - 99
    assert not _encoded(off, 100, off) and not _encoded(off, 100, top)
    assert _encoded(off - 1, 100, off - 1)  # one byte lower: master at 2^63 - 2, fine


def test_a_replica_pins_the_backlog_on_real_redis(private_redis: object) -> None:
    """A replica waiting for its BGSAVE (slowed by ``rdb-key-save-delay``) refers to the block
    of the first byte fed after it attached: the backlog keeps everything from there, past its
    size; when the replica goes, the backlog is trimmed back (64 blocks, then beforeSleep)."""
    port = private_redis.port  # type: ignore[attr-defined]
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    for argv in ([b"CONFIG", b"SET", b"repl-diskless-sync", b"no"],
                 [b"CONFIG", b"SET", b"rdb-key-save-delay", b"1000000"],
                 [b"MSET", b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4", b"e", b"5"]):
        assert _send(conn, *argv) == b"+OK\r\n"
    rep = socket.create_connection(("127.0.0.1", port), timeout=10)
    rep.sendall(b"PSYNC ? -1\r\n")
    assert rep.recv(12).startswith(b"+FULLRESYNC")
    info = _info(conn)
    s = Stream(size=int(info["repl_backlog_size"]), start=int(info["master_repl_offset"]))
    pin = (s.master + 1,)  # attached at the first byte fed after the FULLRESYNC

    def check(tag: str) -> None:
        info = _info(conn)
        got = (int(info["master_repl_offset"]), int(info["repl_backlog_first_byte_offset"]),
               int(info["repl_backlog_histlen"]), int(info["mem_total_replication_buffers"]))
        assert got == (s.master, s.b.offset, s.b.histlen, bl.repl_buffer_mem(s.b)), tag

    try:
        for i in range(40):
            argv = (b"SET", b"p%d" % i, b"w" * 60000)
            assert _send(conn, *argv) == b"+OK\r\n"
            pieces = bl.command_pieces(argv)
            if s.seldb != 0:
                pieces, s.seldb = (bl.select_piece(0), *pieces), 0
            s.b = bl.feed_pieces(s.b, pieces, s.master, pin)
            s.master += sum(map(len, pieces))
            s.b = bl.trim(s.b, s.master, pin, bl.BEFORE_SLEEP_TRIM_BLOCKS)
            check(f"pinned {i}")
        assert s.b.histlen > 2 * s.b.size and s.b.offset == pin[0]
    finally:
        rep.close()
    deadline = time.monotonic() + 10
    while _info(conn)["connected_slaves"] != "0":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    s.b = bl.trim(bl.trim(s.b, s.master), s.master, (), bl.BEFORE_SLEEP_TRIM_BLOCKS)
    check("released")
    assert s.b.histlen - s.b.blocks[0].size <= s.b.size
    conn.close()


def test_psync_verdicts_agree_with_real_redis(backlog_master: socket.socket) -> None:
    """PSYNC at the edges of a real master's window (trimmed, so its start is past 1): the
    master continues exactly when ``psync_accepts`` says so. No replica stays connected and
    no PING is due, so the window does not move between INFO and PSYNC."""
    conn = backlog_master
    for argv in ([b"CONFIG", b"SET", b"repl-ping-replica-period", b"3600"],
                 [b"CONFIG", b"SET", b"repl-diskless-sync", b"no"],
                 [b"CONFIG", b"SET", b"repl-backlog-size", b"16384"],
                 *([b"SET", b"k%d" % i, b"z" * 3000] for i in range(40))):
        assert _send(conn, *argv) == b"+OK\r\n"
    info = _info(conn)
    replid, second = info["master_replid"], int(info["second_repl_offset"])
    off, h = int(info["repl_backlog_first_byte_offset"]), int(info["repl_backlog_histlen"])
    assert off > 1 and int(info["master_repl_offset"]) == off + h - 1
    b = bl.Backlog(int(info["repl_backlog_size"]), h, off)
    port = conn.getpeername()[1]
    cases = [(replid, o) for o in (off - 1, off, off + 1, off + h, off + h + 1)]
    cases += [(replid.upper(), off), (replid[:-1], off), (info["master_replid2"], off), ("?", -1)]
    for req, o in cases:
        rep = socket.create_connection(("127.0.0.1", port), timeout=10)
        rep.sendall(_enc(b"PSYNC", req.encode(), b"%d" % o))
        line = b""
        while not line.endswith(b"\r\n"):
            line = (line + rep.recv(1)).lstrip(b"\n")  # newlines: keepalives before a sync
        rep.close()
        want = bl.psync_accepts(replid, info["master_replid2"], second, b, req, o)
        assert line.startswith(b"+CONTINUE" if want else b"+FULLRESYNC"), (req, o, line)
        deadline = time.monotonic() + 10
        while _info(conn)["connected_slaves"] != "0":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        now = _info(conn)
        assert (int(now["repl_backlog_first_byte_offset"]), int(now["repl_backlog_histlen"])) == (
            off, h)


def test_the_block_index_memory_agrees_with_real_redis(backlog_master: socket.socket) -> None:
    """Hundreds of blocks, so that several are in the rax index at once, then the backlog
    shrunk step by step: ``mem_replication_backlog`` (buffer + index) after each step."""
    conn = backlog_master
    assert _send(conn, b"CONFIG", b"SET", b"repl-backlog-size", b"100mb") == b"+OK\r\n"
    info = _info(conn)
    s = Stream(size=int(info["repl_backlog_size"]), start=int(info["master_repl_offset"]))

    def check(tag: str) -> None:
        info = _info(conn)
        got = (int(info["repl_backlog_histlen"]), int(info["mem_total_replication_buffers"]),
               int(info["mem_replication_backlog"]))
        assert got == (s.b.histlen, bl.repl_buffer_mem(s.b), bl.backlog_memory(s.b, 0)[0]), tag

    for i in range(700):
        argv = (b"SET", b"k", b"i" * (20000 + (i % 7) * 3000))
        assert _send(conn, *argv) == b"+OK\r\n"
        s.command(*argv)
        if i % 50 == 49:
            check(f"fed {i}")
    assert sum(blk.indexed for blk in s.b.blocks) >= 8
    for size in (12_000_000, 6_000_000, 3_000_000, 1_500_000, 500_000, 16384):
        assert _send(conn, b"CONFIG", b"SET", b"repl-backlog-size", b"%d" % size) == b"+OK\r\n"
        s.b = bl.resize(s.b, size, s.master)  # 64 blocks, then the turn's 640 (all there is)
        s.b = bl.trim(s.b, s.master, (), bl.BEFORE_SLEEP_TRIM_BLOCKS)
        check(f"resized to {size}")


def test_feed_pieces_is_feeding_each_piece() -> None:
    """The shortcut (pieces that fit in the tail go in as one) changes nothing."""
    for fill in (0, 100, ROOM - 40, ROOM - 31, ROOM - 30, ROOM - 1, ROOM):
        for argv in ([b"SET", b"k", b"v"], [b"SET", b"key", b"x" * 20000],
                     [b"RPUSH", b"l", b"a" * 70_000, b"b"],
                     # after 40 bytes of room: the value's rest fills a block exactly, and
                     # its CRLF opens another (joined, they would share a bigger block)
                     [b"SET", b"k", b"x" * 20452]):
            b0, m = bl.create_backlog(1 << 20, 0), 0
            if fill:
                b0, m = bl.feed(b0, b"f" * fill, 0), fill
            pieces = bl.command_pieces(argv)
            one_by_one, at = b0, m
            for p in pieces:
                one_by_one = bl.feed(one_by_one, p, at)
                at += len(p)
            assert bl.feed_pieces(b0, pieces, m) == one_by_one, (fill, argv[0])


def test_before_sleep_trims_640_blocks_a_turn_on_real_redis(
        backlog_master: socket.socket) -> None:
    """1500 blocks over the setting: CONFIG SET trims 64, then each event-loop turn 640 more
    (how many turns pass before the next INFO is up to the timers: some whole number)."""
    conn = backlog_master
    assert _send(conn, b"CONFIG", b"SET", b"repl-backlog-size", b"100mb") == b"+OK\r\n"
    info = _info(conn)
    s = Stream(size=int(info["repl_backlog_size"]), start=int(info["master_repl_offset"]))
    argv = (b"SET", b"k", b"t" * 20000)
    for _ in range(15):
        conn.sendall(_enc(*argv) * 100)
        got = b""
        while got.count(b"+OK") < 100:
            got += conn.recv(1 << 16)
        for _ in range(100):
            s.command(*argv)
    assert len(s.b.blocks) > 1400 and int(_info(conn)["repl_backlog_histlen"]) == s.b.histlen
    conn.sendall(_enc(b"CONFIG", b"SET", b"repl-backlog-size", b"16384")
                 + _enc(b"INFO", b"replication"))
    buf = b""
    while b"repl_backlog_histlen:" not in buf or not buf.endswith(b"\r\n"):
        buf += conn.recv(1 << 16)
    seen = int(buf.split(b"repl_backlog_histlen:")[1].split(b"\r\n")[0])
    s.b = bl.resize(s.b, 16384, s.master)
    assert seen == s.b.histlen  # the 64 of resizeReplicationBacklog, no turn in between
    later = int(_info(conn)["repl_backlog_histlen"])
    turns = []
    while s.b.histlen > later:
        s.b = bl.trim(s.b, s.master, (), bl.BEFORE_SLEEP_TRIM_BLOCKS)
        turns.append(s.b.histlen)
    assert turns and turns[-1] == later
