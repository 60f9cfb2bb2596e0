"""tla/Psync.tla against the spec: the module's text (explored by properties/tla_interp.py)
and the explorer over the multi-node model (properties/explorer_repl.py: replnet worlds of
three nodes, abstracted to the module's variables) reach the same distinct states, the
README's count; the checks hold; the model reaches the situations it is about; and the
wrong variants the README lists, planted in the spec, are rejected by the explorer (their
patches of the module are checked by tests/test_tla_variants.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from redspec.properties import explorer_repl as E
from redspec.properties import tla_interp
from redspec.properties.explorer import Model, explore
from redspec.properties.registry import discover
from redspec.spec import replica as replica_mod
from redspec.spec import replication as repl_mod
from redspec.spec import replnet as N
from redspec.spec.state import replace

ROOT = Path(__file__).resolve().parent.parent
TLA = ROOT / "tla"
R1, R2, M = E.NODES.index("r1"), E.NODES.index("r2"), E.NODES.index("m")


def _readme_count() -> int:
    readme = (TLA / "README.md").read_text()
    m = re.search(r"MCPsync\.cfg` — distinct states:\s*\**(\d+)", readme)
    assert m is not None
    return int(m.group(1))


def _max_writes() -> int:
    m = re.search(r"MaxWrites\s*=\s*(\d+)", (TLA / "MCPsync.cfg").read_text())
    assert m is not None
    return int(m.group(1))


def _interpreted(max_writes: int) -> tla_interp.Result:
    pytest.importorskip("tla")
    spec = tla_interp.load(TLA / "Psync.tla", TLA / "MCPsync.cfg")
    spec.constants["MaxWrites"] = max_writes
    return tla_interp.explore(spec)


def test_psync_count_matches_the_tla_configuration() -> None:
    """The module's text and the explorer over the spec both reach the README's count for
    MCPsync.cfg, with no property broken."""
    writes = _max_writes()
    assert writes == 2
    tla = _interpreted(writes)
    assert tla.violation is None and tla.distinct == _readme_count() == E.EXPECTED[writes]
    spec = explore(E.psync_model(writes))
    assert spec.violation is None, spec.violation.script()
    assert spec.distinct == tla.distinct


def test_psync_smaller_configuration() -> None:
    tla = _interpreted(1)
    spec = explore(E.psync_model(1))
    assert tla.violation is None and spec.violation is None
    assert spec.distinct == tla.distinct == E.EXPECTED[1]


@pytest.mark.skipif(not os.environ.get("REDSPEC_FULL_TLA"),
                    reason="MaxWrites = 3 takes about 30 s more: REDSPEC_FULL_TLA=1 runs it")
@pytest.mark.timeout(1800)
def test_psync_three_writes() -> None:
    tla = _interpreted(3)
    spec = explore(E.psync_model(3))
    assert tla.violation is None and spec.violation is None
    assert spec.distinct == tla.distinct == E.EXPECTED[3]


def test_redspec_check_runs_the_psync_model() -> None:
    items = [i for i in discover(["20"]) if i.kind == "explorer"]
    assert {i.mechanism for i in items} == {"psync"}
    assert any(getattr(i.obj, "expected_distinct", None) == E.EXPECTED[2] for i in items)


# -- the model reaches what it is about ----------------------------------------------------------


def _reaches(probe: Any, max_writes: int = 2) -> bool:
    """Some state of the explorer over the spec satisfies ``probe`` (on the abstraction)."""
    m = E.psync_model(max_writes)
    m = Model(m.name, m.init, m.actions, {"probe": lambda st: not probe(E.abstract(st))},
              canon=m.canon)
    return explore(m).violation is not None


def test_a_replica_continues_with_the_promoted_master() -> None:
    """PSYNC2: r2 (and m) continue with r1 after the promotion, its old id now second."""
    assert _reaches(lambda a: a[E.ID][R2] == "B" and a[E.ID2][R2] == "A"
                    and a[E.LINK][R2] == "up" and a[E.OFF][R2] > 0)
    assert _reaches(lambda a: a[E.ID][M] == "B" and a[E.ID2][M] == "A" and a[E.LINK][M] == "up")


def test_a_full_sync_carries_the_writes_made_after_its_fork() -> None:
    assert _reaches(lambda a: a[E.LINK][R1] == "sync" and a[E.SNAP][R1] < a[E.OFF][M])


def test_a_replica_falls_behind_the_promoted_masters_backlog() -> None:
    """r2 in history A at an offset before r1's backlog: its PSYNC must be refused."""
    assert _reaches(lambda a: a[E.MASTER][R1] == "none" and a[E.ID][R2] == "A"
                    and a[E.OFF][R2] < a[E.FIRST][R1])


def test_writes_of_the_deposed_master_are_lost_only_by_a_full_sync() -> None:
    """The failover's known loss: m had a write r1 never got; m follows r1 and resyncs."""
    assert _reaches(lambda a: a[E.MASTER][M] == "r1" and a[E.LINK][M] == "sync"
                    and a[E.OFF][M] > a[E.SRO][R1])


# -- the spec fixes the explorer found -----------------------------------------------------------


def _synced(w: N.World) -> N.World:
    for _ in range(6):
        w = N.settle_network(w)
        w = N.tick(w, 1000)
        for n in w.nodes.keys():
            if w.nodes[n].child:
                w = N.child_exit(w, n)
    return N.settle_network(w)


def test_replicaof_another_master_continues_from_the_cached_master() -> None:
    """As 7.0.15 (checked with three real servers): r2, connected to m, told REPLICAOF r1
    after r1's promotion, continues (+CONTINUE), it does not resync."""
    w = N.new_world(E.NODES, **E.CONFIG)
    w = N.command(w, "r1", b"REPLICAOF", b"m", b"6379")
    w = N.command(w, "r2", b"REPLICAOF", b"m", b"6379")
    w = _synced(N.command(_synced(w), "m", b"RPUSH", b"k", b"1"))
    w = N.command(w, "r1", b"REPLICAOF", b"NO", b"ONE")
    w = _synced(N.command(w, "r2", b"REPLICAOF", b"r1", b"6379"))
    r1, r2 = w.nodes["r1"].state, w.nodes["r2"].state
    assert r1 is not None and r2 is not None
    assert (r1.repl.sync_partial_ok, r1.repl.sync_full) == (1, 0)
    assert r2.repl.replid == r1.repl.replid and r2.repl.replid2 == r1.repl.replid2
    assert N.digest(w, "r2") == N.digest(w, "r1") == N.digest(w, "m")


def test_a_full_sync_onto_a_replica_holding_keys() -> None:
    """r2 applied a write r1 never got; after r1's promotion r2 must resync fully: the load
    empties r2's databases first (it used to raise in Step.replace_db)."""
    st = E.setup()
    for label in ("Reconnect(r1)", "FullSyncDone(r1)", "Write(1) on m", "Apply(r2)", "Promote",
                  "Follow(r2)", "FullSyncDone(r2)"):
        st = next(t for lbl, t in E.actions(st, 2) if lbl == label)
    a = E.abstract(st)
    assert a[E.DATA][R2] == () and a[E.ID][R2] == "B" and a[E.LINK][R2] == "up"


# -- the wrong variants, planted in the spec ------------------------------------------------------


def _verdict(name: str) -> set[str]:
    readme = (TLA / "README.md").read_text()
    m = re.search(r"^#### `" + name + r"` — .*?\nVerdict: (.*?)\n\n```diff", readme,
                  re.S | re.M)
    assert m is not None, name
    return set(re.findall(r"\*\*(\w+)\*\*", m.group(1)))


def _rejected(max_writes: int = 2) -> set[str]:
    """Every property the first violating state of the explorer over the spec breaks."""
    r = explore(E.psync_model(max_writes))
    assert r.violation is not None, "the explorer over the spec did not see the planted bug"
    last = r.violation.trace[-1][1]
    names = {r.violation.invariant} - {"action_properties"}
    if last[5]:
        names.add(last[5].split(":")[0])
    for name, inv in E.psync_model(max_writes).invariants.items():
        if name != "action_properties" and not inv(last):
            names.add(name)
    return names


def test_spec_psync_ignoring_second_replid_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    real = repl_mod.psync_accepts

    def accepts(replid: str, replid2: str, sro: int, backlog: Any, rid: str, off: int) -> bool:
        return real(replid, replid2, 1 << 62, backlog, rid, off)  # planted: no sro bound

    monkeypatch.setattr(repl_mod, "psync_accepts", accepts)
    assert _rejected() >= _verdict("psync_ignores_second_offset")


def test_spec_promotion_keeping_the_replid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repl_mod, "shift_replication_id", lambda s: None)
    assert _rejected() >= _verdict("promote_keeps_replid")


def test_spec_continue_ignoring_the_new_replid(monkeypatch: pytest.MonkeyPatch) -> None:
    real = replica_mod.continue_partial
    monkeypatch.setattr(replica_mod, "continue_partial",
                        lambda s, line: real(s, b"+CONTINUE"))
    assert _rejected() >= _verdict("continue_keeps_old_replid")


def test_spec_psync_below_the_backlog(monkeypatch: pytest.MonkeyPatch) -> None:
    real = repl_mod.psync_accepts

    def accepts(replid: str, replid2: str, sro: int, backlog: Any, rid: str, off: int) -> bool:
        if backlog is not None and off < backlog.offset:  # planted: no lower bound
            off = backlog.offset
        return real(replid, replid2, sro, backlog, rid, off)

    monkeypatch.setattr(repl_mod, "psync_accepts", accepts)
    real_from = repl_mod.backlog_from  # the backlog refuses such an offset: serve what it has
    monkeypatch.setattr(repl_mod, "backlog_from",
                        lambda b, off: real_from(b, max(off, b.offset)))
    assert _rejected() >= _verdict("psync_below_backlog")


def test_spec_online_replica_losing_the_buffered_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    real = repl_mod.put_replica_online

    def online(s: Any, cid: int, start_on_ack: bool = False) -> None:
        repl_mod.update_link(s, cid, held=b"")  # planted: the writes since the fork
        real(s, cid, start_on_ack)

    monkeypatch.setattr(repl_mod, "put_replica_online", online)
    # The explorer's own check that the stream in flight is exactly the replica's gap sees it
    # at the FullSyncDone that loses the writes, before any state breaks the module's
    # PrefixConsistency (the replica never receives them, so it never applies a wrong prefix).
    assert _rejected() & (_verdict("full_sync_skips_buffered_writes") | {"InFlightIsTheGap"})


def test_spec_continue_resetting_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    real = replica_mod.continue_partial

    def cont(s: Any, line: bytes) -> bytes:
        rest = real(s, line)
        b = repl_mod.repl_of(s).backlog
        off = b.offset - 1  # planted: where the replica's own backlog starts
        repl_mod.set_repl(s, master_repl_offset=off, master_reploff=off,
                          master_read_reploff=off)
        return rest

    monkeypatch.setattr(replica_mod, "continue_partial", cont)
    assert _rejected() >= _verdict("continue_resets_offset")


def test_spec_second_replid_offset_past_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    real = repl_mod.shift_replication_id

    def shift(s: Any) -> None:
        real(s)
        r = repl_mod.repl_of(s)  # planted: one byte further than master_repl_offset + 1
        repl_mod.set_repl(s, second_replid_offset=r.second_replid_offset + 1)

    monkeypatch.setattr(repl_mod, "shift_replication_id", shift)
    assert _rejected() >= _verdict("promote_second_offset_past")


def test_explorer_in_flight_check_sees_a_lost_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """The explorer's own InFlightIsTheGap: beforeSleep hands the replicas nothing."""
    def feed(state: Any, now_ms: int) -> Any:
        import attrs
        return (replace(state, repl=attrs.evolve(state.repl, outbox=())),
                frozenset(), frozenset())

    monkeypatch.setattr(replica_mod, "feed_replicas", feed)
    assert "InFlightIsTheGap" in _rejected(1)
