"""The replication backlog (``spec/backlog.py``) against a plain model: the whole stream as one
bytes string.

A state machine feeds the stream (arbitrary bytes, big position-stamped writes, commands piece
by piece as ``replicationFeedSlaves`` does), resizes the backlog, trims it, and keeps replicas
whose next unsent byte pins blocks (they attach at an offset in the window, send some bytes,
go away; each move trims as ``writeToClient`` and ``freeReplicaReferencedReplBuffer`` do). An
event-loop turn may end after a step: ``beforeSleep``'s trim of 640 blocks.

Invariants (each has a planted bug below that trips it):

- ``window``: ``offset == master_repl_offset - histlen + 1``, ``histlen`` is the sum of the
  blocks' bytes, the blocks are contiguous from ``offset``, and no block holds more than its
  room;
- ``suffix``: ``backlog_from(o)`` is the model's stream from ``o`` on, for ``o`` at both ends
  of the window, one byte inside each, and around every block boundary;
- ``pins_kept``: the next unsent byte of every replica is still in the window;
- ``keeps_size``: ``histlen`` never drops below ``keep``, the bytes Redis must still hold:
  ``min(size, bytes fed)``, where a resize lowers it to the new size and only feeds raise it
  (a larger backlog refills as the stream goes on);
- ``one_block_over``: at the end of a turn whose trim finished within its budget, unless a
  replica pins the first block, ``histlen`` exceeds ``size`` by at most the first block
  (``histlen - first.size <= size``): what is beyond it is freed;
- ``psync_rule``: ``psync_accepts`` equals the plain statement: the ID is ``replid`` (any
  case), or ``replid2`` with the offset at most ``second_replid_offset``, and
  ``offset <= o <= master_repl_offset + 1``.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.spec import backlog as bl

MECHANISM = "psync"

#: Byte ``i`` of the stamped writes is ``i % 251``: a byte out of place shows.
_STAMP = bytes(i % 251 for i in range(251)) * 800
ID1, ID2 = "c0ffee" * 6 + "abcd", "beef" * 10
SIZES = [1, 16384, 20000, 50_000, 200_000, 1 << 20]


class BacklogMachine(RuleBasedStateMachine):
    """A master's backlog and its replicas' positions, beside the whole stream."""

    def __init__(self) -> None:
        super().__init__()
        self.base = 0
        self.master = 0
        self.stream = b""
        self.b = bl.create_backlog(16384, 0)
        self.keep = 0
        self.pins: list[int] = []
        self.settled = False
        self.second = -1

    @initialize(base=st.integers(0, 1 << 48), size=st.sampled_from(SIZES),
                second=st.integers(-1, 300_000))
    def start(self, base: int, size: int, second: int) -> None:
        self.base = self.master = base
        self.b = bl.create_backlog(size, base)
        self.second = base + second if second >= 0 else -1

    # -- the stream ------------------------------------------------------------------------

    def _fed(self, data: bytes) -> None:
        self.b = bl.feed(self.b, data, self.master, self.pins)
        self._account(data)

    def _account(self, data: bytes) -> None:
        self.master += len(data)
        self.stream += data
        self.keep = min(self.b.size, self.keep + len(data))
        self.settled = False

    @rule(data=st.binary(min_size=0, max_size=40), end=st.booleans())
    def feed_bytes(self, data: bytes, end: bool) -> None:
        self._fed(data)
        self._turn(end)

    @rule(n=st.one_of(st.integers(1, 3000), st.integers(3000, 70_000),
                      st.integers(70_000, 190_000)), end=st.booleans())
    def feed_stamped(self, n: int, end: bool) -> None:
        start = self.master % 251
        self._fed(_STAMP[start:start + n])
        self._turn(end)

    @rule(argv=st.lists(st.one_of(st.binary(max_size=10), st.integers(0, 40_000).map(
        lambda n: b"v" * n)), min_size=1, max_size=4), end=st.booleans())
    def feed_command(self, argv: list[bytes], end: bool) -> None:
        pieces = bl.command_pieces(argv)
        self.b = bl.feed_pieces(self.b, pieces, self.master, self.pins)
        self._account(b"".join(pieces))
        self._turn(end)

    @rule(size=st.sampled_from(SIZES), end=st.booleans())
    def resize(self, size: int, end: bool) -> None:
        self.b = bl.resize(self.b, size, self.master, self.pins)
        self.keep = min(self.keep, self.b.size)
        self.settled = False
        self._turn(end)

    @rule(max_blocks=st.sampled_from([1, 2, bl.REPL_BACKLOG_TRIM_BLOCKS_PER_CALL]))
    def trim(self, max_blocks: int) -> None:
        self.b = bl.trim(self.b, self.master, self.pins, max_blocks)
        self.settled = False

    def _turn(self, end: bool) -> None:
        """The event-loop turn ends (``beforeSleep``'s trim) or goes on."""
        if not end:
            return
        before = len(self.b.blocks)
        self.b = bl.trim(self.b, self.master, self.pins, bl.BEFORE_SLEEP_TRIM_BLOCKS)
        self.settled = before - len(self.b.blocks) < bl.BEFORE_SLEEP_TRIM_BLOCKS

    # -- replicas ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.pins) < 3)
    @rule(at=st.floats(0, 1))
    def attach_replica(self, at: float) -> None:
        """A replica continues at an offset of the window (PSYNC)."""
        self.pins.append(self.b.offset + int(at * self.b.histlen))
        self.settled = False

    @precondition(lambda self: bool(self.pins))
    @rule(i=st.integers(0, 2), n=st.one_of(st.integers(1, 100), st.integers(1, 1 << 20)),
          end=st.booleans())
    def replica_sends(self, i: int, n: int, end: bool) -> None:
        i %= len(self.pins)
        self.pins[i] = min(self.pins[i] + n, self.master + 1)
        self.b = bl.trim(self.b, self.master, self.pins)
        self.settled = False
        self._turn(end)

    @precondition(lambda self: bool(self.pins))
    @rule(i=st.integers(0, 2), end=st.booleans())
    def replica_goes(self, i: int, end: bool) -> None:
        del self.pins[i % len(self.pins)]
        self.b = bl.trim(self.b, self.master, self.pins)
        self.settled = False
        self._turn(end)

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def window(self) -> None:
        b = self.b
        blocks = b.blocks
        ok = b.offset == self.master - b.histlen + 1 and b.histlen == sum(x.used for x in blocks)
        at = b.offset
        for x in blocks:
            ok = ok and x.repl_offset == at and 0 < x.used <= x.size
            at += x.used
        assert ok, "window"

    def _probes(self) -> set[int]:
        b = self.b
        lo, hi = b.offset, b.offset + b.histlen
        probes = {lo, hi, lo + 1, hi - 1}
        for x in b.blocks:
            probes |= {x.repl_offset - 1, x.repl_offset, x.repl_offset + 1}
        return {o for o in probes if lo <= o <= hi}

    @invariant()
    def suffix(self) -> None:
        for o in self._probes():
            assert bl.backlog_from(self.b, o) == self.stream[o - self.base - 1:], "suffix"

    @invariant()
    def pins_kept(self) -> None:
        assert all(self.b.offset <= p <= self.master + 1 for p in self.pins), "pins_kept"

    @invariant()
    def keeps_size(self) -> None:
        assert self.b.histlen >= self.keep, "keeps_size"

    @invariant()
    def one_block_over(self) -> None:
        blocks = self.b.blocks
        if not self.settled or len(blocks) < 2:
            return
        first = blocks[0]
        if any(p <= first.end for p in self.pins):
            return
        assert self.b.histlen - first.size <= self.b.size, "one_block_over"

    @invariant()
    def psync_rule(self) -> None:
        b = self.b
        for o in (b.offset - 1, b.offset, b.offset + 1, self.master, self.master + 1,
                  self.master + 2, self.second, self.second + 1):
            for req in (ID1, ID1.upper(), ID2, "?", "f" * 40):
                plain = (req.lower() == ID1 or (req == ID2 and o <= self.second)) and (
                    b.offset <= o <= self.master + 1)
                assert bl.psync_accepts(ID1, ID2, self.second, b, req, o) == plain, "psync_rule"


TestBacklogMachine = machine_test(BacklogMachine, max_examples=120, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=300, steps=40)


def test_planted_offset_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim that sets ``offset = master - histlen`` breaks ``window``."""
    real = bl.trim

    def trim(b: bl.Backlog, master: int, *more: Any) -> bl.Backlog:
        t = real(b, master, *more)
        return attrs.evolve(t, offset=t.offset - 1)

    monkeypatch.setattr(bl, "trim", trim)
    assert_trips(BacklogMachine, "window", PLANTED)


def test_planted_sealed_block_loses_its_last_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block sealed without its last chunk (the bytes counted, not kept) breaks ``suffix``."""

    def sealed(block: bl.ReplBlock) -> bl.ReplBlock:
        kept = block.chunks[:-1] if len(block.chunks) > 1 else block.chunks
        return bl.ReplBlock(block.repl_offset, block.size, block.used, (b"".join(kept),),
                            block.indexed)

    monkeypatch.setattr(bl, "_sealed", sealed)
    assert_trips(BacklogMachine, "suffix", PLANTED)


def test_planted_trim_ignores_replicas(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim that frees blocks replicas still refer to breaks ``pins_kept``."""
    real = bl.trim
    monkeypatch.setattr(bl, "trim", lambda b, m, pinned=(), *more: real(b, m, (), *more))
    assert_trips(BacklogMachine, "pins_kept", PLANTED)


def test_planted_trim_below_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim that frees the first block while ``histlen > size``, whatever is left, breaks
    ``keeps_size``."""

    def trim(b: bl.Backlog, master: int, pinned: Any = (), max_blocks: int = 64) -> bl.Backlog:
        head, histlen = b.head, b.histlen
        while histlen > b.size and head:
            histlen -= head[0].size
            head = head[1:]
        return bl.Backlog(b.size, histlen, master - histlen + 1, head, b.tail)

    monkeypatch.setattr(bl, "trim", trim)
    assert_trips(BacklogMachine, "keeps_size", PLANTED)


def test_planted_trim_keeps_a_spare_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim that stops one block early (keeps ``size`` plus a spare block) breaks
    ``one_block_over``."""
    real = bl.trim

    def trim(b: bl.Backlog, master: int, pinned: Any = (), max_blocks: int = 64) -> bl.Backlog:
        spare = b.head[0].size if b.head else 0
        t = real(attrs.evolve(b, size=b.size + spare), master, pinned, max_blocks)
        return attrs.evolve(t, size=b.size)

    monkeypatch.setattr(bl, "trim", trim)
    assert_trips(BacklogMachine, "one_block_over", PLANTED)


def test_planted_psync_window_start_exclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """``req_offset <= offset`` refused (``>`` for ``>=`` at the window's start) breaks
    ``psync_rule``."""
    real = bl.psync_verdict

    def verdict(replid: str, replid2: str, second: int, backlog: bl.Backlog | None,
                req: str, off: int) -> bl.PsyncVerdict:
        if backlog is not None and off == backlog.offset:
            return bl.PsyncVerdict.NOT_IN_BACKLOG
        return real(replid, replid2, second, backlog, req, off)

    monkeypatch.setattr(bl, "psync_verdict", verdict)
    assert_trips(BacklogMachine, "psync_rule", PLANTED)
