"""``properties/purity.py``: what ``input_not_mutated`` sees, and what it leaves alone."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.purity import checked, frozen_view

MECHANISM = "keyspace"


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
