"""``input_not_mutated`` can fail in every machine: the planted bugs of ``properties/purity.py``.

Each state machine of ``properties/`` (and each property that folds transitions over a state
the same way: the event loop's and the transport's) runs its transitions through
:func:`~redspec.properties.purity.checked`. Here each of them is run with a transition that
writes into the state it was given, and must fail naming ``input_not_mutated``:

- ``freeze_writes_through``: ``DbView.freeze`` also rebinds ``keys`` of the ``Db`` it was
  opened from (an in-place "optimisation" of the commit);
- ``commit_writes_clients``: ``Step.commit`` also stores the new client table into the input
  ``ServerState``;
- ``commit_writes_parts``: ``Step.commit`` also stores the mechanisms' replaced parts
  (``pubsub``, ``blocking``, ``watched_keys``, ...) into the input;
- ``dict_freeze_writes_through``: ``Dict.freeze`` (``spec.dict``) also rebinds the tables of
  the ``HashTables`` it was opened from;
- ``freeze_leaks_mutation``: ``DbView.freeze`` stores the keyspace's ``Map.mutate()`` handle
  in the new ``Db`` instead of the finished map (a mutation handle escaping into the state).

A machine that cannot reach a plant says so in its docstring; ``PLANTS`` lists what each
one runs. The plants never write into the shared empty defaults (``EMPTY_HT``, ...), so a
run leaves nothing behind for the next test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from redspec.properties import test_eventloop_machine as eventloop
from redspec.properties import test_transport_machine as transport
from redspec.properties.planted import planted_settings, run_given, run_planted
from redspec.properties.purity import checked, frozen_view
from redspec.properties.test_bitmaps_machine import BitmapsMachine
from redspec.properties.test_blocking_machine import BlockingMachine
from redspec.properties.test_clients_machine import ClientsMachine
from redspec.properties.test_dict_machine import DictMachine, KeyspaceDictMachine
from redspec.properties.test_eviction_machine import EvictionMachine, LfuEvictionMachine
from redspec.properties.test_expire_machine import ExpireMachine
from redspec.properties.test_geo_machine import GeoMachine
from redspec.properties.test_hashes_machine import HashesMachine
from redspec.properties.test_hll_machine import HllMachine
from redspec.properties.test_keyspace_machine import KeyspaceMachine
from redspec.properties.test_lists_machine import ListsMachine
from redspec.properties.test_multi_machine import TransactionsMachine
from redspec.properties.test_pause_expire_machine import PauseMachine
from redspec.properties.test_pubsub_machine import PubSubMachine
from redspec.properties.test_rdb_machine import RdbMachine
from redspec.properties.test_sets_machine import SetsMachine
from redspec.properties.test_streams_machine import StreamsMachine
from redspec.properties.test_strings_machine import StringsMachine
from redspec.properties.test_value_dict_machine import ValueDictMachine
from redspec.properties.test_zsets_machine import ZsetsMachine
from redspec.spec import dict as D
from redspec.spec.db import DbView
from redspec.spec.state import Db
from redspec.spec.step import Step

MECHANISM = "keyspace"

PLANTED = planted_settings(max_examples=100, steps=30)

# -- the plants --------------------------------------------------------------------------------


def _freeze_writes_through(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = DbView.freeze

    def freeze(self: DbView) -> Db:
        base = self._db
        new = orig(self)
        if new is not base:
            object.__setattr__(base, "keys", new.keys)
        return new

    monkeypatch.setattr(DbView, "freeze", freeze)


def _commit_writes(monkeypatch: pytest.MonkeyPatch, names: Callable[[Step, Any], Any]) -> None:
    """``Step.commit`` also storing the fields ``names(step, new)`` of the new state into the
    input."""
    orig = Step.commit

    def commit(self: Step) -> Any:
        new = orig(self)
        for name in names(self, new):
            object.__setattr__(self.base, name, getattr(new, name))
        return new

    monkeypatch.setattr(Step, "commit", commit)


def _commit_writes_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    _commit_writes(monkeypatch, lambda s, new: ("clients",) if new.clients is not s.base.clients
                   else ())


def _commit_writes_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    _commit_writes(monkeypatch, lambda s, new: tuple(s.parts or ()))


def _dict_freeze_writes_through(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = D.Dict.freeze

    def freeze(self: D.Dict) -> D.HashTables:
        base = self.base
        new = orig(self)
        if new is not base and base is not D.EMPTY_HT:
            for name in ("exp0", "exp1", "used0", "used1", "rehashidx", "t0", "t1"):
                object.__setattr__(base, name, getattr(new, name))
        return new

    monkeypatch.setattr(D.Dict, "freeze", freeze)


def _freeze_leaks_mutation(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = DbView.freeze

    def freeze(self: DbView) -> Db:
        if not self._dirty:
            return orig(self)
        handle = self.keys
        new = orig(self)  # finishes ``handle`` ...
        leaked = new.keys.mutate()  # ... so leak a live one, holding the same keys
        del handle
        return Db(new.id, leaked, new.expires, new.ht, new.expires_ht, new.lru, new.mem)

    monkeypatch.setattr(DbView, "freeze", freeze)


PLANT_FNS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "freeze_writes_through": _freeze_writes_through,
    "commit_writes_clients": _commit_writes_clients,
    "commit_writes_parts": _commit_writes_parts,
    "dict_freeze_writes_through": _dict_freeze_writes_through,
    "freeze_leaks_mutation": _freeze_leaks_mutation,
}

# -- what runs them ------------------------------------------------------------------------------


def _machine(cls: Any) -> Callable[[], None]:
    return lambda: run_planted(cls, PLANTED)


def _given(strategies: tuple[Any, ...], check: Callable[..., None]) -> Callable[[], None]:
    return lambda: run_given(PLANTED, check, *strategies)


#: What every machine that runs a server must catch: a write into the input's ``Db``, into
#: the input ``ServerState``, and a mutation handle left in the state it returns.
SERVER = ("freeze_writes_through", "commit_writes_clients", "freeze_leaks_mutation")
#: ... and where a machine's mechanism keeps a part of its own (``Step.set_part``).
PARTS = SERVER + ("commit_writes_parts",)

#: machine -> (how to run it, the plants it must catch)
PLANTS: dict[str, tuple[Callable[[], None], tuple[str, ...]]] = {
    "bitmaps": (_machine(BitmapsMachine), SERVER),
    "blocking": (_machine(BlockingMachine), PARTS),
    "clients": (_machine(ClientsMachine), SERVER),
    # a dict's own transitions, no server: see DictMachine's docstring
    "dict": (_machine(DictMachine), ("dict_freeze_writes_through",)),
    "keyspace_dict": (_machine(KeyspaceDictMachine), SERVER + ("dict_freeze_writes_through",)),
    "eviction": (_machine(EvictionMachine), PARTS),
    "eviction_lfu": (_machine(LfuEvictionMachine), PARTS),
    "expire": (_machine(ExpireMachine), SERVER),
    "geo": (_machine(GeoMachine), SERVER),
    "hashes": (_machine(HashesMachine), SERVER),
    "hll": (_machine(HllMachine), SERVER),
    "keyspace": (_machine(KeyspaceMachine), SERVER),
    "lists": (_machine(ListsMachine), SERVER),
    "multi": (_machine(TransactionsMachine), PARTS),
    "pause_expire": (_machine(PauseMachine), PARTS),
    # no keyspace writes, so no DbView.freeze to plant in: see PubSubMachine's docstring
    "pubsub": (_machine(PubSubMachine), ("commit_writes_clients", "commit_writes_parts")),
    "sets": (_machine(SetsMachine), SERVER),
    "strings": (_machine(StringsMachine), SERVER),
    "value_dict": (_machine(ValueDictMachine), SERVER),
    "zsets": (_machine(ZsetsMachine), SERVER),
    "rdb": (_machine(RdbMachine), SERVER),
    "streams": (_machine(StreamsMachine), SERVER),
    "eventloop": (_given((eventloop.turns(),), eventloop.check_turns), PARTS),
    "transport_reply_order": (_given((transport.schedules(),), transport.check_reply_order),
                              SERVER),
    "transport_client_reply": (_given(transport.CLIENT_REPLY_ARGS, transport.check_client_reply),
                               SERVER),
    "transport_pause": (_given(transport.PAUSE_ARGS, transport.check_pause), PARTS),
}


@pytest.mark.parametrize(("machine", "plant"), [
    pytest.param(m, p, id=f"{m}-{p}") for m, (_, plants) in PLANTS.items() for p in plants])
def test_planted_input_mutation(monkeypatch: pytest.MonkeyPatch, machine: str, plant: str) -> None:
    """Every machine catches a transition that writes into its input."""
    run, _ = PLANTS[machine]
    PLANT_FNS[plant](monkeypatch)
    with pytest.raises(AssertionError, match="input_not_mutated"):
        run()


# -- the checker itself --------------------------------------------------------------------------


def test_checked_passes_a_pure_transition_and_names_what_changed() -> None:
    from redspec.spec.server import client_connect, new_server, run_command

    s = new_server(now_ms=1, databases=1)
    s, cid = checked(client_connect, s, 1)
    s, _ = checked(run_command, s, cid, [b"RPUSH", b"l", b"a"], 1)
    s, _ = checked(run_command, s, cid, [b"SET", b"k", b"v"], 1)

    def push_in_place(state: Any) -> Any:
        v = state.dbs[0].keys[b"l"]
        v.tail = v.tail  # the same object: nothing changed
        v.items = v.items.set(v.tail, b"b")  # another map in the slot: changed
        return state

    with pytest.raises(AssertionError, match=r"input_not_mutated: push_in_place\(state, \) "
                       r"changed the state it was given: state\.dbs\[0\]\.keys\[b'l'\]\.items$"):
        checked(push_in_place, s)


def test_frozen_view_refuses_a_live_mutation_handle() -> None:
    from redspec.spec.server import new_server

    s = new_server(now_ms=1, databases=1)
    object.__setattr__(s, "config", s.config.mutate())
    with pytest.raises(AssertionError, match=r"input_not_mutated: .*MapMutation at state\.config"):
        frozen_view(s)


def test_memoised_sizes_are_not_changes() -> None:
    """``spec.memory`` fills a value's ``_size`` once: a cache, not a change of the state."""
    from redspec.spec.server import client_connect, new_server, run_command

    s = new_server(now_ms=1, databases=1)
    s, cid = client_connect(s, 1)
    s, _ = run_command(s, cid, [b"RPUSH", b"l", b"a"], 1)
    v = s.dbs[0].keys[b"l"]
    view = frozen_view(s)
    v._size = -1 if v._size != -1 else 12345
    assert view.changes() == []


def test_a_change_between_transitions_is_reported_by_the_next() -> None:
    """The view of a transition's output serves as the view of the next one's input: a change
    made in between, by no transition, is reported by the next (naming it)."""
    from redspec.spec.server import client_connect, new_server, run_command

    s = new_server(now_ms=1, databases=1)
    s, cid = checked(client_connect, s, 1)
    object.__setattr__(s, "dirty", s.dirty + 1)
    with pytest.raises(AssertionError, match=r"input_not_mutated: run_command.*: state\.dirty$"):
        checked(run_command, s, cid, [b"PING"], 1)


def test_a_subtree_taken_over_holds_what_it_shares() -> None:
    """A view that takes a subtree over from an earlier one still sees the objects that subtree
    shares with others (here a dict table two databases hold): a change to one is reported."""
    from redspec.spec.dict import HashTables
    from redspec.spec.server import new_server
    from redspec.spec.state import replace

    s = new_server(now_ms=1, databases=2)
    shared, other = HashTables(exp0=2), HashTables(exp0=3)
    both = replace(s, dbs=tuple(replace(d, ht=shared) for d in s.dbs))
    frozen_view(both, reuse=True)  # each db's subtree is kept for taking over
    for i in (0, 1):  # keep either db, whichever of them the walk met the table under first
        one = replace(both, dbs=tuple(d if j == i else replace(d, ht=other)
                                      for j, d in enumerate(both.dbs)))
        view = frozen_view(one, reuse=True)  # db i taken over: it must bring the shared table
        object.__setattr__(shared, "used0", 5)
        assert view.changes() == [f"state.dbs[{i}].ht.used0"]
        object.__setattr__(shared, "used0", 0)
