"""Streams and consumer groups as a state machine: the spec against a plain model.

Hypothesis drives one client over two keys with XADD (explicit IDs, ``*``, ``ms-*``, with and
without exact or approximate trimming), XDEL, XTRIM, XGROUP CREATE/SETID/DELCONSUMER,
XREADGROUP (with COUNT and NOACK), XACK, XCLAIM and SET (a value of another type in the
way), under small node limits (``stream-node-max-entries 3``, ``stream-node-max-bytes
120``) so that entries spread over several listpack nodes. The model is, per key, a sorted
list of ``(id, pairs)``, every ID ever added, and per group its last ID and PEL (``id ->
consumer``), written from the command documentation.

Invariants (each has a planted-bug test below showing it can fail):

- ``matches_model``: every reply, and every stored stream's entries, agree with the model.
- ``ids_increase``: a stream's entries are in strictly increasing ID order and ``last_id`` is
  at least every ID ever added to it.
- ``pel_partition``: the consumers' PELs partition the group PEL, and every pending entry
  names the consumer that holds it.
- ``pel_delivered_unacked``: an ID is pending (for a consumer) exactly when the model has
  delivered it to that consumer (or it was claimed) and it was not acknowledged since.
- ``entries_read_lag``: on a stream never trimmed nor XDEL'd (where Redis's counters are
  exact), ``entries-added`` is the number of entries ever added, a valid ``entries_read`` is
  the number of IDs ever added up to the group's last ID, and a known lag is the number
  added after it.
- ``trim_keeps_newest``: trimming (exact or ``~``, XADD's or XTRIM's) leaves a suffix of the
  entries (never removes an entry newer than one it keeps), and no fewer than MAXLEN / none
  older than MINID when exact.
- ``node_limits``: every node holds at most ``stream-node-max-entries`` entries (tombstones
  included), its counts match its entries, and a node with several entries was under
  ``stream-node-max-bytes`` before its last entry was appended.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted:
  ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import machine_test, planted_settings, tripper
from redspec.spec.commands import streams as cmds
from redspec.spec.reply import NULL_ARRAY
from redspec.spec.types.stream import (
    INVALID_ENTRIES_READ,
    Group,
    StreamID,
    StreamValue,
    format_id,
    lp_entry_size,
)

MECHANISM = "streams"

KEYS = [b"s0", b"s1"]
NOW = 1_000_000
MAX_ENTRIES = 3
MAX_BYTES = 120

keys_ = st.sampled_from(KEYS)
groups_ = st.sampled_from([b"g1", b"g2"])
consumers_ = st.sampled_from([b"c1", b"c2"])
ids_ = st.tuples(st.integers(0, 4), st.integers(0, 2))
pairs_ = st.lists(st.tuples(st.sampled_from([b"a", b"b"]), st.sampled_from([b"1", b"xyz", b""])),
                  min_size=1, max_size=2)


class _M:
    """The model of one stream."""

    def __init__(self) -> None:
        self.entries: list[tuple[StreamID, list[bytes]]] = []
        self.added: list[StreamID] = []
        self.last: StreamID = (0, 0)
        self.groups: dict[bytes, dict[str, Any]] = {}
        self.exact = True  # never trimmed nor XDEL'd


def _fmt(e: tuple[StreamID, list[bytes]]) -> list[Any]:
    return [format_id(e[0]), e[1]]


class StreamsMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"stream-node-max-entries": MAX_ENTRIES,
                                          "stream-node-max-bytes": MAX_BYTES})
        self.model: dict[bytes, Any] = {}

    # -- helpers ------------------------------------------------------------------------------

    def stream(self, key: bytes) -> StreamValue | None:
        v = self.state.dbs[0].keys.get(key)
        return v if type(v) is StreamValue else None

    def check_trim(self, key: bytes, before: list[tuple[StreamID, list[bytes]]],
                   maxlen: int | None, minid: StreamID | None, approx: bool) -> None:
        """``trim_keeps_newest`` on the stored stream, then adopt it in the model."""
        st_ = self.stream(key)
        after = [] if st_ is None else [(e.id, e.pairs()) for e in st_.entries()]
        n = len(after)
        assert after == before[len(before) - n:], (
            f"trim_keeps_newest: {key!r} kept {[a[0] for a in after]} of "
            f"{[b[0] for b in before]}")
        if not approx:
            if maxlen is not None:
                assert n == min(maxlen, len(before)), f"trim_keeps_newest: exact MAXLEN {maxlen}"
            else:
                assert minid is not None
                assert after == [e for e in before if e[0] >= minid], "trim_keeps_newest: MINID"
        m = self.model[key]
        if len(after) != len(before):
            m.exact = False
        m.entries = after

    def some_group(self, data: Any) -> tuple[bytes, bytes]:
        """A (key, group) the model has, mostly; sometimes any."""
        have = [(k, g) for k, m in self.model.items() if isinstance(m, _M) for g in m.groups]
        anyg = st.tuples(keys_, groups_)
        return data.draw(st.one_of(st.sampled_from(have), st.sampled_from(have), anyg)
                         if have else anyg)

    def some_ids(self, data: Any, key: bytes, n_max: int = 2,
                 pending: bool = False) -> list[StreamID]:
        """IDs to name in a command: mostly ones the model knows (pending ones first when
        ``pending``; entries and the last ID), sometimes any."""
        m = self.model.get(key)
        known: list[StreamID] = []
        if isinstance(m, _M):
            for g in m.groups.values():
                known += list(g["pel"])
            if not (pending and known):
                known += [e[0] for e in m.entries] + [m.last]
        pick = st.sampled_from(known) if known else ids_
        return data.draw(st.lists(st.one_of(pick, pick, pick, ids_), min_size=1, max_size=n_max))

    # -- rules --------------------------------------------------------------------------------

    @rule(key=keys_, kind=st.sampled_from(["id", "id", "*", "ms-*"]), data=st.data(),
          pairs=pairs_, trim=st.sampled_from([None, None, "maxlen", "maxlen~", "minid", "minid~"]),
          n=st.integers(0, 4))
    def xadd(self, key: bytes, kind: str, data: Any, pairs: list[tuple[bytes, bytes]],
             trim: str | None, n: int) -> None:
        flat = [x for p in pairs for x in p]
        m = self.model.get(key)
        last0 = m.last if isinstance(m, _M) else (0, 0)
        i = data.draw(st.one_of(ids_, st.just(last0), st.just((last0[0], last0[1] + 1)),
                                st.just((last0[0] + 1, 0))))
        targ: list[bytes] = []
        if trim is not None:
            targ = [b"MAXLEN" if trim.startswith("maxlen") else b"MINID"]
            targ += [b"~"] if trim.endswith("~") else []
            targ.append(b"%d" % n if trim.startswith("maxlen") else b"%d-0" % n)
        idarg = {"id": format_id(i), "*": b"*", "ms-*": b"%d-*" % i[0]}[kind]
        frame = self.run(b"XADD", key, *targ, idarg, *flat)
        if kind == "id" and i == (0, 0):  # refused before the key is looked up
            assert frame.startswith(b"-ERR The ID specified in XADD must be greater than 0-0"), (
                f"matches_model: XADD 0-0: {frame!r}")
            return
        if isinstance(m, bytes):
            assert frame.startswith(b"-WRONGTYPE"), f"matches_model: XADD on a string: {frame!r}"
            return
        last = m.last if m is not None else (0, 0)
        if kind == "id":
            nid: StreamID | None = i if i > last else None
        elif kind == "*":
            nid = (NOW, 0) if NOW > last[0] else (last[0], last[1] + 1)
        else:
            nid = (i[0], last[1] + 1) if last[0] == i[0] else (i[0], 0)
            if nid <= last:
                nid = None
        if nid is None:
            assert frame.startswith(b"-ERR"), f"matches_model: XADD {idarg!r}: {frame!r}"
            if m is None and self.stream(key) is not None:  # an error after dbAdd: impossible
                raise AssertionError("matches_model: a failed XADD created the key")
            return
        self.expect_frame(frame, format_id(nid), f"XADD {idarg!r}")
        if m is None:
            m = self.model[key] = _M()
        m.entries.append((nid, flat))
        m.added.append(nid)
        m.last = nid
        if trim is not None:
            maxlen = n if trim.startswith("maxlen") else None
            minid = None if maxlen is not None else (n, 0)
            self.check_trim(key, list(m.entries), maxlen, minid, trim.endswith("~"))

    @rule(key=keys_, n=st.integers(1, 4))
    def xadd_auto(self, key: bytes, n: int) -> None:
        """Several ``XADD key * a 1`` (IDs from the stopped clock: now-0, now-1, ...)."""
        for _ in range(n):
            m = self.model.get(key)
            frame = self.run(b"XADD", key, b"*", b"a", b"1")
            if isinstance(m, bytes):
                assert frame.startswith(b"-WRONGTYPE"), "matches_model: XADD on a string"
                return
            if m is None:
                m = self.model[key] = _M()
            nid = (NOW, 0) if NOW > m.last[0] else (m.last[0], m.last[1] + 1)
            self.expect_frame(frame, format_id(nid), "XADD *")
            m.entries.append((nid, [b"a", b"1"]))
            m.added.append(nid)
            m.last = nid

    @rule(key=keys_, data=st.data())
    def xdel(self, key: bytes, data: Any) -> None:
        ids = self.some_ids(data, key, 3)
        m = self.model.get(key)
        frame = self.run(b"XDEL", key, *[format_id(i) for i in ids])
        if isinstance(m, bytes):
            assert frame.startswith(b"-WRONGTYPE"), "matches_model: XDEL on a string"
            return
        if m is None:
            self.expect_frame(frame, 0, "XDEL missing key")
            return
        gone = {i for i in ids if any(e[0] == i for e in m.entries)}
        self.expect_frame(frame, len(gone), f"XDEL {ids}")
        if gone:
            m.exact = False
            m.entries = [e for e in m.entries if e[0] not in gone]

    @rule(key=keys_, by=st.sampled_from(["maxlen", "minid"]), approx=st.booleans(),
          n=st.integers(0, 4))
    def xtrim(self, key: bytes, by: str, approx: bool, n: int) -> None:
        m = self.model.get(key)
        arg = b"%d" % n if by == "maxlen" else b"%d-1" % n
        frame = self.run(b"XTRIM", key, by.encode(), *([b"~"] if approx else []), arg)
        if not isinstance(m, _M):
            assert frame.startswith(b"-WRONGTYPE" if m else b":0"), f"matches_model: {frame!r}"
            return
        before = list(m.entries)
        self.check_trim(key, before, n if by == "maxlen" else None,
                        None if by == "maxlen" else (n, 1), approx)
        self.expect_frame(frame, len(before) - len(m.entries), "XTRIM")

    @rule(key=keys_, g=groups_, start=st.sampled_from([b"0", b"0", b"$"]))
    def xgroup_create(self, key: bytes, g: bytes, start: bytes) -> None:
        m = self.model.get(key)
        frame = self.run(b"XGROUP", b"CREATE", key, g, start, b"MKSTREAM")
        if isinstance(m, bytes):
            assert frame.startswith(b"-WRONGTYPE"), "matches_model: XGROUP CREATE on a string"
            return
        if m is None:
            m = self.model[key] = _M()
        if g in m.groups:
            assert frame.startswith(b"-BUSYGROUP"), f"matches_model: {frame!r}"
            return
        assert frame == b"+OK\r\n", f"matches_model: XGROUP CREATE {frame!r}"
        m.groups[g] = {"last": m.last if start == b"$" else (0, 0), "pel": {}}

    @precondition(lambda self: any(isinstance(v, _M) and v.groups for v in self.model.values()))
    @rule(data=st.data(), to=st.sampled_from([b"0", b"$", b"1-0"]))
    def xgroup_setid(self, data: Any, to: bytes) -> None:
        key, g = self.some_group(data)
        m = self.model.get(key)
        frame = self.run(b"XGROUP", b"SETID", key, g, to)
        if not isinstance(m, _M) or g not in m.groups:
            assert frame.startswith(b"-"), f"matches_model: XGROUP SETID {frame!r}"
            return
        assert frame == b"+OK\r\n", f"matches_model: XGROUP SETID {frame!r}"
        m.groups[g]["last"] = m.last if to == b"$" else ((0, 0) if to == b"0" else (1, 0))

    @precondition(lambda self: any(isinstance(v, _M) and v.groups for v in self.model.values()))
    @rule(data=st.data(), c=consumers_)
    def xgroup_delconsumer(self, data: Any, c: bytes) -> None:
        key, g = self.some_group(data)
        m = self.model.get(key)
        frame = self.run(b"XGROUP", b"DELCONSUMER", key, g, c)
        if not isinstance(m, _M) or g not in m.groups:
            assert frame.startswith(b"-"), f"matches_model: DELCONSUMER {frame!r}"
            return
        pel = m.groups[g]["pel"]
        mine = [i for i, o in pel.items() if o == c]
        self.expect_frame(frame, len(mine), "XGROUP DELCONSUMER")
        for i in mine:
            del pel[i]

    @rule(data=st.data(), c=consumers_, count=st.sampled_from([0, 1, 2]),
          noack=st.sampled_from([False, False, True]))
    def xreadgroup(self, data: Any, c: bytes, count: int, noack: bool) -> None:
        key, g = self.some_group(data)
        m = self.model.get(key)
        opts = ([b"COUNT", b"%d" % count] if count else []) + ([b"NOACK"] if noack else [])
        frame = self.run(b"XREADGROUP", b"GROUP", g, c, *opts, b"STREAMS", key, b">")
        if isinstance(m, bytes):
            assert frame.startswith(b"-WRONGTYPE"), "matches_model: XREADGROUP on a string"
            return
        if m is None or g not in m.groups:
            assert frame.startswith(b"-NOGROUP"), f"matches_model: {frame!r}"
            return
        grp = m.groups[g]
        new = [e for e in m.entries if e[0] > grp["last"]]
        if count:
            new = new[:count]
        if not new:
            self.expect_frame(frame, NULL_ARRAY, "XREADGROUP nothing new")
            return
        self.expect_frame(frame, [[key, [_fmt(e) for e in new]]], "XREADGROUP")
        grp["last"] = new[-1][0]
        if not noack:
            for e in new:
                grp["pel"][e[0]] = c

    @precondition(lambda self: any(isinstance(v, _M) and v.groups for v in self.model.values()))
    @rule(data=st.data())
    def xack(self, data: Any) -> None:
        key, g = self.some_group(data)
        ids = self.some_ids(data, key, 3, pending=True)
        m = self.model.get(key)
        frame = self.run(b"XACK", key, g, *[format_id(i) for i in ids])
        if isinstance(m, bytes):
            assert frame.startswith(b"-WRONGTYPE"), "matches_model: XACK on a string"
            return
        if m is None or g not in m.groups:
            self.expect_frame(frame, 0, "XACK no group")
            return
        pel = m.groups[g]["pel"]
        n = 0
        for i in ids:
            if i in pel:
                del pel[i]
                n += 1
        self.expect_frame(frame, n, "XACK")

    @precondition(lambda self: any(isinstance(v, _M) and v.groups for v in self.model.values()))
    @rule(c=consumers_, data=st.data())
    def xclaim(self, c: bytes, data: Any) -> None:
        key, g = self.some_group(data)
        ids = self.some_ids(data, key, 2, pending=True)
        m = self.model.get(key)
        frame = self.run(b"XCLAIM", key, g, c, b"0", *[format_id(i) for i in ids], b"JUSTID")
        if not isinstance(m, _M) or g not in m.groups:
            assert frame.startswith(b"-"), f"matches_model: XCLAIM {frame!r}"
            return
        pel = m.groups[g]["pel"]
        live = {e[0] for e in m.entries}
        out: list[bytes] = []
        for i in ids:
            if i not in pel:
                continue
            if i not in live:
                del pel[i]
                continue
            pel[i] = c
            out.append(format_id(i))
        self.expect_frame(frame, out, "XCLAIM")

    @precondition(lambda self: not isinstance(self.model.get(KEYS[1]), bytes))
    @rule(key=st.just(KEYS[1]))
    def set_string(self, key: bytes) -> None:
        self.expect_reply((b"SET", key, b"v"), cmds.OK)
        self.model[key] = b"v"

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        for key in KEYS:
            m = self.model.get(key)
            st_ = self.stream(key)
            if not isinstance(m, _M):
                assert st_ is None, f"matches_model: {key!r} is a stream, model {m!r}"
                continue
            assert st_ is not None, f"matches_model: {key!r} is missing"
            ids = [e.id for e in st_.entries()]
            assert all(a < b for a, b in zip(ids, ids[1:], strict=False)), (
                f"ids_increase: {key!r} entries {ids}")
            assert not m.added or st_.last_id >= max(m.added), (
                f"ids_increase: {key!r} last_id {st_.last_id} < an added ID")
            self.check_nodes(key, st_)
            for gname, g in st_.groups.items():
                self.check_group(key, gname, g)
            got = [(e.id, e.pairs()) for e in st_.entries()]
            assert got == m.entries, f"matches_model: {key!r} entries {got}, model {m.entries}"
            assert sorted(st_.groups.keys()) == sorted(m.groups), "matches_model: groups"
            for gname, g in st_.groups.items():
                want = m.groups[gname]["pel"]
                have = {i: n.consumer for i, n in g.pel.items()}
                assert have == want, (
                    f"pel_delivered_unacked: {key!r} {gname!r} PEL {have}, model {want}")
                assert g.last_id == m.groups[gname]["last"], "matches_model: group last ID"
                if m.exact:
                    self.check_counters(key, st_, g, m)

    def check_nodes(self, key: bytes, st_: StreamValue) -> None:
        for node in st_.iter_nodes():
            es = node.entries
            live = sum(1 for e in es if not e.deleted)
            assert (node.count, node.deleted) == (live, len(es) - live), (
                f"node_limits: {key!r} node counts {node.count}/{node.deleted}, entries {len(es)}")
            assert len(es) <= MAX_ENTRIES, f"node_limits: {key!r} node of {len(es)} entries"
            if len(es) > 1:
                master = (lp_entry_size(b"%d" % len(node.master_fields)) + 2
                          + sum(lp_entry_size(f) for f in node.master_fields))
                before = 7 + 4 + master + sum(e.nbytes for e in es[:-1])
                last = es[-1]
                tot = sum(len(x) for x in last.fields) + sum(len(x) for x in last.values)
                assert before + tot < MAX_BYTES, (
                    f"node_limits: {key!r} node was {before} bytes before an entry of {tot}")

    def check_group(self, key: bytes, gname: bytes, g: Group) -> None:
        owned: dict[StreamID, bytes] = {}
        for cname, c in g.consumers.items():
            for i in c.pel:
                assert i not in owned, f"pel_partition: {i} in two consumers' PELs"
                owned[i] = cname
        assert set(owned) == set(g.pel.keys()), (
            f"pel_partition: {key!r} {gname!r} consumers hold {sorted(owned)}, "
            f"group {sorted(g.pel.keys())}")
        for i, nack in g.pel.items():
            assert owned[i] == nack.consumer, f"pel_partition: {i} names {nack.consumer!r}"

    def check_counters(self, key: bytes, st_: StreamValue, g: Group, m: _M) -> None:
        assert st_.entries_added == len(m.added), (
            f"entries_read_lag: entries-added {st_.entries_added}, model {len(m.added)}")
        upto = sum(1 for i in m.added if i <= g.last_id)
        if g.entries_read != INVALID_ENTRIES_READ:
            assert g.entries_read == upto, (
                f"entries_read_lag: entries_read {g.entries_read}, model {upto}")
        lag = st_.lag(g)
        if lag is not None:
            assert lag == len(m.added) - upto, f"entries_read_lag: lag {lag}, model {len(m.added) - upto}"


TestStreamsMachine = machine_test(StreamsMachine, max_examples=100, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=400, steps=30)
_fails_with = tripper(StreamsMachine, PLANTED)


def test_planted_append_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """An append that slips the new entry in before the node's last one: replies are
    right, the stored order is not."""
    orig = StreamValue.append

    def append(self: StreamValue, id: StreamID, pairs: list[bytes], max_bytes: int,
               max_entries: int) -> StreamValue:
        st_ = orig(self, id, pairs, max_bytes, max_entries)
        pos = max(st_.node_positions())
        n = st_.nodes[pos]
        if len(n.entries) < 2:
            return st_
        es = n.entries[:-2] + (n.entries[-1], n.entries[-2])
        swapped = n.changed(es, n.count, n.deleted, n.fixed)
        return st_.with_meta(nodes=st_.nodes.set(pos, swapped))

    monkeypatch.setattr(StreamValue, "append", append)
    _fails_with("ids_increase")


def test_planted_claim_keeps_old_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Moving a pending entry without taking it out of the old owner's PEL."""
    def assign(self: Group, id: StreamID, nack: Any) -> Group:
        from redspec.spec.types.stream import Consumer
        c = self.consumers[nack.consumer]
        cons = self.consumers.set(c.name, Consumer(c.name, c.seen_time, c.pel.set(id, True)))
        return self.with_(pel=self.pel.set(id, nack), consumers=cons)

    monkeypatch.setattr(Group, "assign", assign)
    _fails_with("pel_partition")


def test_planted_ack_forgets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An XACK that answers but leaves the entry pending."""
    monkeypatch.setattr(Group, "ack", lambda self, id: self)
    _fails_with("pel_delivered_unacked")


def test_planted_lag_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lag one too many."""
    orig = StreamValue.lag

    def lag(self: StreamValue, g: Group) -> int | None:
        v = orig(self, g)
        return None if v is None else v + 1

    monkeypatch.setattr(StreamValue, "lag", lag)
    _fails_with("entries_read_lag")


def test_planted_trim_drops_the_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trim that, having removed something, also removes the newest entry."""
    orig = StreamValue.trim

    def trim(self: StreamValue, *a: Any) -> Any:
        st_, n = orig(self, *a)
        if n and st_.length > 1:
            st_, _ = st_.delete(st_.last_valid_id())
            n += 1
        return st_, n

    monkeypatch.setattr(StreamValue, "trim", trim)
    _fails_with("trim_keeps_newest")


def test_planted_node_entry_limit_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Appending with no entry limit fills nodes past stream-node-max-entries."""
    orig = StreamValue.append

    def append(self: StreamValue, id: StreamID, pairs: list[bytes], max_bytes: int,
               max_entries: int) -> StreamValue:
        return orig(self, id, pairs, 1 << 20, 0)

    monkeypatch.setattr(StreamValue, "append", append)
    _fails_with("node_limits")
