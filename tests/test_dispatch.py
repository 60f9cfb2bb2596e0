"""Dispatch: lookup, unknown-command / unknown-subcommand / arity messages, NOAUTH, and the
Z3 command-table consistency check (with planted bugs showing it trips)."""

from __future__ import annotations

import attrs
import pytest

from redspec.properties import z3_table
from redspec.spec import dispatch
from redspec.spec.server import client_connect, new_server, run_command


def run(*cmds: list[bytes | str], **config: object) -> list[bytes]:
    st = new_server(0, **config)
    st, cid = client_connect(st, 0)
    out = []
    for argv in cmds:
        st, frame = run_command(st, cid, [a if isinstance(a, bytes) else a.encode() for a in argv],
                                1000)
        out.append(frame)
    return out


def test_unknown_command_lists_args() -> None:
    assert run(["foo", "a", "b"]) == [
        b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"]


def test_unknown_command_truncates_name_and_args_at_128() -> None:
    name = "x" * 200
    args = ["a" * 100, "b" * 100, "c" * 100]
    frame = run([name, *args])[0]
    assert frame == (b"-ERR unknown command '" + b"x" * 128 + b"', with args beginning with: '"
                     + b"a" * 100 + b"' '" + b"b" * 25 + b"' \r\n")


def test_unknown_command_stops_at_nul() -> None:
    assert run([b"fo\0o", b"a\0b"]) == [
        b"-ERR unknown command 'fo', with args beginning with: 'a' \r\n"]


def test_unknown_subcommand_and_container_arity() -> None:
    assert run(["config", "foo"], ["CONFIG", "foo"], ["config"], ["command", "info", "nosuch"]) == [
        b"-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n",
        b"-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n",
        b"-ERR wrong number of arguments for 'config' command\r\n",
        b"*1\r\n$-1\r\n",
    ]


def test_subcommand_arity_names_full_name() -> None:
    assert run(["config", "get"]) == [
        b"-ERR wrong number of arguments for 'config|get' command\r\n"]


def test_noauth_gate_and_cleared_password() -> None:
    st = new_server(0, requirepass="pw")
    st, cid = client_connect(st, 0)
    st, f = run_command(st, cid, [b"config", b"get", b"hz"], 0)
    assert f == b"-NOAUTH Authentication required.\r\n"
    # Clearing the password (from another, authenticated, client) lets the first one in.
    st = attrs.evolve(st, config=st.config.set("requirepass", ""))
    st, f = run_command(st, cid, [b"config", b"get", b"hz"], 0)
    assert f == b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"


def test_rejected_calls_are_counted() -> None:
    st = new_server(0)
    st, cid = client_connect(st, 0)
    st, _ = run_command(st, cid, [b"config"], 0)
    st, _ = run_command(st, cid, [b"config", b"get"], 0)
    assert st.stats.commands["config"] == (0, 1, 0)
    assert st.stats.commands["config|get"] == (0, 1, 0)
    assert st.stats.errors["ERR"] == 2


# -- Z3 table consistency ---------------------------------------------------------------------


def _all_commands_table() -> dict[bytes, object]:
    """A table with every Redis 7.0 command (dummy handlers), so the check covers them all."""
    from redspec.spec.commands.summaries import SUMMARIES
    from redspec.spec.table import build_table, load_facts

    handlers = {}
    for name, entry in load_facts()["info"].items():
        handlers[name] = lambda s, a: None
        if isinstance(entry[9], list):
            for sub in entry[9]:
                handlers[sub[0]] = lambda s, a: None
    return build_table(handlers, SUMMARIES)  # type: ignore[return-value]


def test_z3_served_table_is_consistent() -> None:
    assert z3_table.check_table(dispatch.TABLE) == []


def test_z3_every_redis_command_is_consistent() -> None:
    table = _all_commands_table()
    assert len(table) == 240
    assert z3_table.check_table(table) == []


def _planted(name: str, **changes: object) -> object:
    cmd = _all_commands_table()[name.encode()]
    return attrs.evolve(cmd, **changes)  # type: ignore[misc]


def test_z3_trips_on_key_index_beyond_arity() -> None:
    cmd = _planted("get")
    bad = dict(cmd.key_specs[0])  # type: ignore[attr-defined]
    bad["begin_search"] = {"type": "index", "spec": {"index": 2}}
    found = z3_table.check_command(attrs.evolve(cmd, key_specs=(bad,)))  # type: ignore[misc]
    assert {f.rule for f in found} >= {"first-key-in-bounds"}


def test_z3_trips_on_zero_keystep() -> None:
    cmd = _planted("mset")
    bad = dict(cmd.key_specs[0])  # type: ignore[attr-defined]
    bad["find_keys"] = {"type": "range", "spec": {"lastkey": -1, "keystep": 0, "limit": 0}}
    found = z3_table.check_command(attrs.evolve(cmd, key_specs=(bad,)))  # type: ignore[misc]
    assert "keystep-positive" in {f.rule for f in found}


def test_z3_trips_on_legacy_range_past_argv() -> None:
    # GET with a legacy last key of 2 would name argv[2], which a 2-argument command lacks.
    found = z3_table.check_command(_planted("get", last_key=2))
    assert "legacy-range-agrees" in {f.rule for f in found}


def test_z3_vacuity_check() -> None:
    found = z3_table.check_command(_planted("get", arity=-2_000_000))
    assert [f.rule for f in found] == ["vacuous"]


@pytest.mark.parametrize("name", ["get", "set", "del", "mset", "config"])
def test_lookup_is_case_insensitive(name: str) -> None:
    assert dispatch.lookup_command([name.upper().encode(), b"get"]) is not None
