"""The tutorials' practice transcripts (issue 20) replayed against the reference server
(``redspec serve``) and a real redis-server 7.0.15: a reply in the text that either server does
not give fails the test.

Both servers are this module's own, on free loopback ports, stopped by PID at the end
(``tests/conftest.py``): a transcript sets ``requirepass`` or flushes, which must not reach
another test. Each transcript waits for every reply before the next command, whichever
terminal types it, so the order the server sees is the order of the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from redspec.review.report import TUTORIALS
from redspec.review.transcript import format_reply, parse, run, split_args, transcripts
from tests.conftest import ServerProcess, debug_pair

TRANSCRIPTS = transcripts(TUTORIALS)
IDS = [p.parent.name + "/" + p.name for p in TRANSCRIPTS]


@pytest.fixture(scope="module")
def servers(server_workdir: Path) -> Iterator[dict[str, ServerProcess]]:
    """Both servers with ``enable-debug-command yes`` (the loading tutorial types DEBUG
    RELOAD), each in its own directory."""
    yield from debug_pair(server_workdir / "transcripts", "the transcripts need the real server")


def test_every_tutorial_has_practice() -> None:
    have = {p.parent.name for p in TRANSCRIPTS}
    assert have == {p.parent.name for p in TUTORIALS.glob("*/rubric.yaml")}


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=IDS)
@pytest.mark.parametrize("server", ["redis", "redspec"])
def test_transcript_replies_are_what_the_server_gives(path: Path, server: str,
                                                      servers: dict[str, ServerProcess]) -> None:
    steps = parse(path.read_text())
    assert sum(1 for s in steps if s.command) >= 5
    assert run(steps, "127.0.0.1", servers[server].port) == []


def test_a_wrong_reply_in_a_transcript_fails(servers: dict[str, ServerProcess]) -> None:
    text = ("127.0.0.1:6379> SET planted 1\nOK\n127.0.0.1:6379> INCR planted\n(integer) 3\n"
            "127.0.0.1:6379> DEL planted\n(integer) 1\n")
    for sp in servers.values():
        problems = run(parse(text), "127.0.0.1", sp.port)
        assert len(problems) == 1 and "INCR planted" in problems[0], problems


#: redis-cli 7.0.15's terminal output (redis-cli --no-raw) for these replies.
CLI = [
    (b"+OK\r\n", ["OK"]),
    (b":11\r\n", ["(integer) 11"]),
    (b"$-1\r\n", ["(nil)"]),
    (b"*-1\r\n", ["(nil)"]),
    (b"*0\r\n", ["(empty array)"]),
    (b"-ERR wrong number of arguments for 'set' command\r\n",
     ["(error) ERR wrong number of arguments for 'set' command"]),
    (b"*2\r\n$1\r\nf\r\n$5\r\na\"b\\n\r\n", ['1) "f"', '2) "a\\"b\\\\n"']),
    (b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
     ['1) 1) "1-1"', '   2) 1) "f"', '      2) "v"']),
    # RESP3, after HELLO 3 (redis-cli 7.0.15 on a terminal): a tracking push, a flush's null
    # push, CLIENT TRACKINGINFO's map with a set and an array, HELLO's empty array value.
    (b">2\r\n$10\r\ninvalidate\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", ["-> invalidate: 'a', 'b'"]),
    (b">2\r\n$10\r\ninvalidate\r\n_\r\n", ['1) "invalidate"', "2) (nil)"]),
    (b"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
     b"$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$5\r\nuser:\r\n",
     ['1# "flags" =>', '   1~ "on"', '   2~ "bcast"', '2# "redirect" => (integer) 0',
      '3# "prefixes" =>', '   1) "a"', '   2) "user:"']),
    (b"%1\r\n$7\r\nmodules\r\n*0\r\n", ['1# "modules" => (empty array)']),
    (b"*11\r\n" + b"".join(b"$1\r\n%s\r\n" % bytes([c]) for c in b"abcdefghijk"),
     [f'{i + 1:>2}) "{c}"' for i, c in enumerate("abcdefghijk")]),
]


@pytest.mark.parametrize(("frame", "lines"), CLI)
def test_replies_are_formatted_as_redis_cli_prints_them(frame: bytes, lines: list[str]) -> None:
    assert format_reply(frame) == lines


def test_arguments_split_as_redis_cli_splits_them() -> None:
    assert split_args('CONFIG SET requirepass ""') == [b"CONFIG", b"SET", b"requirepass", b""]
    assert split_args("SET k 'a b' \"c\\nd\"") == [b"SET", b"k", b"a b", b"c\nd"]
    assert split_args('ECHO "a\\x00b\\xffc"') == [b"ECHO", b"a\x00b\xffc"]


def test_client_reply_skip_prints_nothing(servers: dict[str, ServerProcess]) -> None:
    """redis-cli waits for no reply after CLIENT REPLY SKIP; a text expecting one fails, and
    a stray reply would be read as the next command's."""
    text = "127.0.0.1:6379> CLIENT REPLY SKIP\n127.0.0.1:6379> PING\nPONG\n127.0.0.1:6379> PING\nPONG\n"
    for sp in servers.values():
        problems = run(parse(text), "127.0.0.1", sp.port)
        assert len(problems) == 1 and "prints nothing" in problems[0], problems


def test_a_reply_nobody_reads_fails(servers: dict[str, ServerProcess]) -> None:
    """A command written with no reply is sent without waiting (it may block); if a reply
    comes and nothing reads it, the transcript fails."""
    text = "127.0.0.1:6379> PING\n127.0.0.1:6379> ECHO x\n\"x\"\n"
    for sp in servers.values():
        problems = run(parse(text), "127.0.0.1", sp.port)
        assert problems and "ECHO x" in problems[0], problems


def test_transcript_syntax() -> None:
    steps = parse("# prose\n(2) 127.0.0.1:6379(TX)> GET k\n(nil)\n# sleep 5\n"
                  "127.0.0.1:6379[3]> PING\nPONG\n")
    assert [(s.terminal, s.command, s.expected, s.sleep_ms) for s in steps] == [
        (2, "GET k", ["(nil)"], 0), (1, "", [], 5), (1, "PING", ["PONG"], 0)]
    recv = parse("# (2) receives:\n1) \"message\"\n")
    assert [(s.terminal, s.receive, s.expected) for s in recv] == [(2, True, ['1) "message"'])]
    with pytest.raises(ValueError, match="no command before it"):
        parse("OK\n")


def test_a_push_before_a_reply_is_printed_first(servers: dict[str, ServerProcess]) -> None:
    """A RESP3 push that arrives before a command's reply is printed before it, as redis-cli's
    push handler does: a text that leaves out the invalidation fails, on both servers."""
    text = ("127.0.0.1:6379> CLIENT REPLY SKIP\n127.0.0.1:6379> HELLO 3\n"
            "127.0.0.1:6379> CLIENT TRACKING on\nOK\n127.0.0.1:6379> GET planted_t\n(nil)\n"
            "(2) 127.0.0.1:6379> SET planted_t 1\nOK\n127.0.0.1:6379> PING\nPONG\n"
            "(2) 127.0.0.1:6379> DEL planted_t\n(integer) 1\n")
    for sp in servers.values():
        problems = run(parse(text), "127.0.0.1", sp.port)
        assert len(problems) == 1 and "PING" in problems[0], problems
        assert "-> invalidate: 'planted_t'" in problems[0], problems
