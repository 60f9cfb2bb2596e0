"""A case replayed on a server starts with no fork child left by the case before it.

While a child runs, Redis does not grow its hash tables (``updateDictResizePolicy``), so what a
case observes depends on whether the previous case's BGSAVE has been reaped: the script cache's
memory in INFO differed (1144 against 1176 bytes) when the vector run shared the machine with
other tests. ``ServerTarget.reset`` therefore waits until INFO persistence shows no child.
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.reference.diff.replay import DiffError, ServerTarget

#: INFO memory's script fields, read inside a script (the same probe as the scripting vectors).
PROBE = ("local i = redis.call('info', 'memory') return i:match('used_memory_scripts_eval:%d+')")


def _target(sp: Any) -> ServerTarget:
    return ServerTarget("127.0.0.1", sp.port)


def _busy_child(t: ServerTarget) -> None:
    """A BGSAVE whose child lives for minutes (one key, a long per-key delay)."""
    t.setup_call("SET", "k", "v")
    assert t.setup_call("CONFIG", "SET", "rdb-key-save-delay", "100000000") == b"+OK\r\n"
    assert t.setup_call("BGSAVE") == b"+Background saving started\r\n"


def test_reset_waits_until_the_killed_child_is_reaped(private_redis: Any) -> None:
    """FLUSHALL kills the RDB child, but the parent forgets it at a later cron: reset returns
    only after that, and the next case grows the script cache's table as on an idle server."""
    t = _target(private_redis)
    try:
        t.reset()
        for body in ("return 1", "return 2", "return 3", "return 4", "return 5"):
            t.setup_call("SCRIPT", "LOAD", body)
        idle = t.setup_call("EVAL", PROBE, "0")
        _busy_child(t)
        t.reset()
        assert b"rdb_bgsave_in_progress:0" in t.setup_call("INFO", "persistence")
        for body in ("return 1", "return 2", "return 3", "return 4", "return 5"):
            t.setup_call("SCRIPT", "LOAD", body)
        assert t.setup_call("EVAL", PROBE, "0") == idle
    finally:
        t.setup_call("CONFIG", "SET", "rdb-key-save-delay", "0")
        t.close()


def test_reset_refuses_when_a_child_outlives_the_timeout(private_redis: Any) -> None:
    """An AOF rewrite child is not killed by FLUSHALL: after the timeout reset says so rather
    than replaying the next case beside it."""
    t = _target(private_redis)
    try:
        t.reset()
        t.setup_call("SET", "k", "v")
        assert t.setup_call("CONFIG", "SET", "rdb-key-save-delay", "100000000") == b"+OK\r\n"
        assert t.setup_call("BGREWRITEAOF").startswith(b"+Background append only file")
        with pytest.raises(DiffError, match="background child still runs"):
            t.wait_no_child(timeout=0.3)
    finally:
        t.setup_call("CONFIG", "SET", "rdb-key-save-delay", "0")
        t.setup_call("CONFIG", "SET", "appendonly", "no")
        t.close()
