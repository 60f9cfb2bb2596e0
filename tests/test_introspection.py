"""The COMMAND family, and the GETKEYS property: the keys COMMAND GETKEYS returns are always
a sub-multiset of the argv positions >= 1 (with a planted bug showing the property trips)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec import dispatch
from redspec.spec.commands import introspection
from redspec.spec.reply import Err
from redspec.spec.server import client_connect, new_server, run_command
from redspec.spec.table import facts_to_reply, load_facts
from tests.session import Session


def call(*argv: bytes | str, resp: int = 2) -> bytes:
    st0 = new_server(0)
    st0, cid = client_connect(st0, 0)
    if resp == 3:
        st0, _ = run_command(st0, cid, [b"hello", b"3"], 0)
    _, frame = run_command(st0, cid, [a if isinstance(a, bytes) else a.encode() for a in argv], 0)
    return frame


def test_count_is_served_top_level_commands() -> None:
    # every 7.0.15 command; redspec's own REDSPEC is not counted
    assert call("command", "count") == b":%d\r\n" % (len(dispatch.TABLE) - 1) == b":240\r\n"


def test_info_entries_are_the_recorded_facts() -> None:
    from redspec.spec.reply import encode2
    from redspec.spec.table import EXTRA_FACTS

    facts = {**load_facts()["info"], **EXTRA_FACTS["info"]}  # + the redspec extensions
    for name, cmd in dispatch.TABLE.items():
        entry = facts[name.decode()]
        if not isinstance(entry[9], list):  # containers list only served subcommands
            assert encode2(cmd.info) == encode2(facts_to_reply(entry)), name


def test_info_unknown_is_null_and_subcommand_by_full_name() -> None:
    assert call("command", "info", "nosuch").endswith(b"$-1\r\n")
    assert call("command", "info", "CONFIG|GET").startswith(b"*1\r\n*10\r\n$10\r\nconfig|get\r\n")
    assert call("command", "info", "nosuch", resp=3) == b"*1\r\n_\r\n"


def test_docs_summary_is_ours() -> None:
    f = call("command", "docs", "get")
    assert b"Reads the string stored at a key." in f
    assert call("command", "docs", "nosuch") == b"*0\r\n"


def test_list_and_filters() -> None:
    names = call("command", "list")
    assert b"config|get" in names
    assert call("command", "list", "filterby", "module", "x") == b"*0\r\n"
    assert call("command", "list", "filterby", "pattern", "conf*") .startswith(b"*")
    assert call("command", "list", "foo") == b"-ERR syntax error\r\n"
    assert call("command", "list", "filterby", "bar", "x") == b"-ERR syntax error\r\n"


@pytest.mark.parametrize("argv,reply", [
    (["get", "a"], b"*1\r\n$1\r\na\r\n"),
    (["set", "a", "b"], b"*1\r\n$1\r\na\r\n"),
    (["foo", "a"], b"-ERR Invalid command specified\r\n"),
    (["ping", "a"], b"-ERR The command has no key arguments\r\n"),
    (["config", "get", "x"], b"-ERR The command has no key arguments\r\n"),
    (["get", "a", "b"], b"-ERR Invalid number of arguments specified for command\r\n"),
    (["set", "a"], b"-ERR Invalid number of arguments specified for command\r\n"),
    (["del", "a", "b", "c"], b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
])
def test_getkeys(argv: list[str], reply: bytes) -> None:
    assert call("command", "getkeys", *argv) == reply


def test_getkeysandflags_set_depends_on_get() -> None:
    assert call("command", "getkeysandflags", "set", "a", "b") == \
        b"*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n"
    assert call("command", "getkeysandflags", "set", "a", "b", "get", resp=3) == \
        b"*1\r\n*2\r\n$1\r\na\r\n~3\r\n+RW\r\n+access\r\n+update\r\n"


def test_keys_from_specs_all_redis_shapes() -> None:
    """Spec walking over commands not served yet (keyword, keynum, negative ranges)."""
    from tests.test_dispatch import _all_commands_table

    t = _all_commands_table()

    def keys(*argv: str) -> list[bytes] | None:
        b = [a.encode() for a in argv]
        got = introspection.get_keys(t[b[0]], b)  # type: ignore[arg-type]
        return [b[p] for p, _ in got]

    assert keys("mset", "a", "1", "b", "2") == [b"a", b"b"]
    assert keys("zunionstore", "d", "2", "a", "b") == [b"d", b"a", b"b"]
    assert keys("zunionstore", "d", "5", "a", "b") == []
    assert keys("eval", "x", "1", "k") == [b"k"]
    assert keys("xread", "streams", "a", "b", "1", "2") == [b"a", b"b"]
    assert keys("georadius", "a", "1", "2", "3", "km", "store", "b") == [b"a", b"b"]
    assert keys("migrate", "h", "p", "", "0", "5", "keys", "a", "b") == [b"a", b"b"]
    assert keys("sunionstore", "d", "a", "b") == [b"d", b"a", b"b"]


# -- property: GETKEYS returns a sub-multiset of argv[1:] ----------------------------------------

_WORDS = st.sampled_from([b"a", b"b", b"k", b"0", b"1", b"2", b"-1", b"get", b"store",
                          b"streams", b"keys", b"x", b""])


@st.composite
def command_lines(draw: st.DrawFn) -> list[bytes]:
    from tests.test_dispatch import _all_commands_table

    t = _TABLE_CACHE or _TABLE_CACHE.update(_all_commands_table()) or _TABLE_CACHE
    name = draw(st.sampled_from(sorted(t)))
    return [name, *draw(st.lists(_WORDS, max_size=8))]


_TABLE_CACHE: dict[bytes, object] = {}


def getkeys_submultiset(argv: list[bytes]) -> None:
    """The property: every key returned is an argument (position >= 1), no more often than it
    occurs there."""
    cmd = _TABLE_CACHE[argv[0]]
    n = len(argv)
    arity = cmd.arity  # type: ignore[attr-defined]
    if (arity > 0 and arity != n) or n < -arity:
        return
    got = introspection.get_keys(cmd, argv)  # type: ignore[arg-type]
    positions = [p for p, _ in got]
    assert all(1 <= p < n for p in positions), (argv, positions)
    assert not Counter(positions) - Counter(range(1, n)), (argv, positions)
    assert not Counter(argv[p] for p in positions) - Counter(argv[1:])


@settings(max_examples=400, deadline=None)
@given(command_lines())
def test_getkeys_is_submultiset_of_args(argv: list[bytes]) -> None:
    getkeys_submultiset(argv)


def test_getkeys_property_catches_planted_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    real = introspection.keys_from_specs

    def buggy(cmd, argv):  # type: ignore[no-untyped-def]
        got = real(cmd, argv)
        # Off by one: report the position after each key (the command name for position 0
        # when the list wraps), as a wrong "first" would.
        return None if got is None else [(p + 1, f) for p, f in got]

    monkeypatch.setattr(introspection, "keys_from_specs", buggy)

    @settings(max_examples=400, deadline=None)
    @given(command_lines())
    def prop(argv: list[bytes]) -> None:
        getkeys_submultiset(argv)

    with pytest.raises(AssertionError):
        prop()


def test_error_replies_are_err_values() -> None:
    assert isinstance(introspection._getkeys([b"command", b"getkeys", b"nosuch"], False), Err)


def test_module_commands_when_allowed() -> None:
    """With ``enable-module-command yes`` (observed on 7.0.15 started so): every LOAD and
    LOADEX fails as a failed ``moduleLoad`` does, UNLOAD finds no such module; "local" allows
    a loopback client only."""
    s = Session(**{"enable-module-command": "yes"})
    failed = b"-ERR Error loading the extension. Please check the server logs.\r\n"
    assert s.call("MODULE", "LOAD", "/nonexist") == failed
    assert s.call("MODULE", "LOAD", "/nonexist", "a", "b") == failed
    assert s.call("MODULE", "LOADEX", "/x", "CONFIG", "a") == failed
    assert s.call("MODULE", "LOADEX", "/x", "ARGS") == failed
    assert s.call("MODULE", "UNLOAD", "x") == \
        b"-ERR Error unloading module: no such module with that name\r\n"
    assert s.call("MODULE", "LIST") == b"*0\r\n"
    refused = Session()
    assert refused.call("MODULE", "UNLOAD", "x").startswith(
        b"-ERR MODULE command not allowed. If the enable-module-command option")
