"""The AOF stream of the differential cases: every case of the ``cases_*.py`` modules replayed
(RESP2, one command at a time) on a real redis-server 7.0.15 and on redspec, both with
``appendonly yes`` and ``appendfsync always`` (so each write is in the file before its reply),
and the bytes each server appended to its INCR file during the case compared.

What differs legitimately is normalised: the absolute unix-ms time a relative expiry became
(``PXAT``/``PEXPIREAT`` arguments) and stream IDs generated from the clock. Cases whose
writes depend on randomness, on the wall clock, or that change the persistence itself are
skipped, each group with its reason (``SKIPPED``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _redis_problem, _redspec_argv, start_server
from tests.differential import harness
from tests.differential.harness import Case, Target

FOUND = harness.discover()

#: Words whose cases are not compared, and why.
SKIPPED = {
    # they change or read the persistence itself (files, children, the AOF state)
    "bgrewriteaof": "rewrites the AOF", "bgsave": "forks", "save": "writes an RDB file",
    "debug": "DEBUG RELOAD/SLEEP change the files or the timing",
    "shutdown": "stops the server", "appendonly": "turns the AOF off",
    # what they propagate is drawn at random, by Redis's rand() or redspec's generator
    "spop": "random members", "srandmember": "random", "randomkey": "random",
    "hrandfield": "random", "zrandmember": "random", "math.random": "random",
    "sleep": "timing",
    # eviction samples keys at random (Redis's rand(), redspec's generator)
    "maxmemory": "eviction samples at random",
    "redspec": "redspec's own commands",
}
_SKIP = re.compile("|".join(re.escape(w) for w in SKIPPED).encode(), re.IGNORECASE)

_TIME = re.compile(rb"\$13\r\n1\d{12}\r\n")
_STREAM_ID = re.compile(rb"\r\n1\d{12}-\d+\r\n")


def normalise(data: bytes) -> bytes:
    data = _TIME.sub(b"$13\r\n<unix-ms>\r\n", data)
    return _STREAM_ID.sub(b"\r\n<ms>-<seq>\r\n", data)


def compared(case: Case) -> bool:
    """Whether the case's writes are deterministic and leave the persistence alone."""
    if case.norms or case.norm_all is not None:  # a nondeterministic reply: writes may be too
        return False
    return not any(_SKIP.search(b" ".join(a for a in step)) for _, step in case.steps)


CASES = [c for c in FOUND.cases if compared(c)]


class AofServer:
    def __init__(self, name: str, make_argv: object, workdir: Path) -> None:
        self.workdir = workdir
        self.proc = start_server(name, make_argv, workdir)  # type: ignore[arg-type]

    def incr(self) -> Path:
        d = self.workdir / "appendonlydir"
        lines = (d / "appendonly.aof.manifest").read_text().splitlines()
        name = [ln.split()[1] for ln in lines if ln.split()[-1] == "i"][-1]
        return d / name


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AofServer, AofServer]]:
    problem = _redis_problem()
    if problem is not None:
        pytest.skip(problem)
    rdir = tmp_path_factory.mktemp("aof-redis")
    sdir = tmp_path_factory.mktemp("aof-redspec")
    # active expiry off on both (DEBUG SET-ACTIVE-EXPIRE 0 below): a key that expires is
    # deleted, and its DEL propagated, only when a command finds it, as the cases say
    aof = ["--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "yes"]
    real = AofServer("redis-aof", lambda p: [
        "redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
        "--daemonize", "no", "--dir", str(rdir), *aof], rdir)
    ours = AofServer("redspec-aof", lambda p: [*_redspec_argv(p), "--dir", str(sdir), *aof],
                     sdir)
    for s in (real, ours):
        t = s.proc.target()
        assert t.setup_call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
        t.drop_setup()
    yield real, ours
    real.proc.stop()
    ours.proc.stop()


def _appended(server: AofServer, target: Target, case: Case) -> bytes:
    path = server.incr()
    before = path.stat().st_size
    harness.replay(target, case, 2, "single")
    return server.incr().read_bytes()[before:] if server.incr() == path else b"<new file>"


def test_cases_are_compared() -> None:
    """The skip list leaves most cases in (it must not hollow the comparison out)."""
    assert len(CASES) > 0.6 * len(FOUND.cases), (len(CASES), len(FOUND.cases))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_aof_stream(servers: tuple[AofServer, AofServer], case: Case) -> None:
    real, ours = servers
    a = _appended(real, real.proc.target(), case)
    b = _appended(ours, ours.proc.target(), case)
    if normalise(a) != normalise(b):
        pytest.fail(f"AOF streams differ for {case.id}:\n redis:   {a[:600]!r}\n"
                    f" redspec: {b[:600]!r}", pytrace=False)
