"""The pure parts of tests/replstream.py: the SELECT rule and the command-stream parser."""

from __future__ import annotations

import pytest

from tests.replstream import as_replica_stream, encode_command, parse_commands


def test_select_before_a_command_on_another_database() -> None:
    prop = [(0, (b"SET", b"a", b"1")), (0, (b"MULTI",)), (0, (b"SET", b"b", b"1")),
            (1, (b"SET", b"c", b"1")), (1, (b"EXEC",)), (0, (b"DEL", b"a"))]
    stream, seldb = as_replica_stream(prop)
    assert stream == [(b"SELECT", b"0"), (b"SET", b"a", b"1"), (b"MULTI",), (b"SET", b"b", b"1"),
                      (b"SELECT", b"1"), (b"SET", b"c", b"1"), (b"EXEC",), (b"SELECT", b"0"),
                      (b"DEL", b"a")]
    assert seldb == 0
    # the database selected last carries over: no SELECT again
    assert as_replica_stream([(0, (b"INCR", b"n"))], seldb) == ([(b"INCR", b"n")], 0)


def test_parse_commands_round_trips() -> None:
    cmds = [(b"SELECT", b"0"), (b"SET", b"k", b"\r\n\x00"), (b"EXEC",), (b"SET", b"", b"")]
    data = b"".join(encode_command(c) for c in cmds)
    assert parse_commands(data) == cmds
    assert parse_commands(b"") == []
    with pytest.raises(AssertionError):
        parse_commands(b"+PONG\r\n")
