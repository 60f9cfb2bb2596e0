"""The ACL file and ``user`` lines, end to end against a real Redis 7.0.15: ACL LOAD and
ACL SAVE with an ``aclfile`` (the same replies, the same file bytes, the same clients
disconnected), a bad file's error text, and the start-up refusals (logged lines, exit 1)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from redspec.reference.diff.rawclient import RawClient as Conn
from tests.conftest import _redis_problem, _redspec_argv, free_port, start_server

GOOD = b"user alice on >p ~* +@all\nuser bob off\n"
BAD = (b"user alice on >p ~* +@all\n# comment\nuser  carol on foo\nuser alice\nuser a b c\n"
       b"user x (+get\nnotuser\n\n   \nuser ok on %R~a &ch -@all +get\nuser \"q q\" on\n"
       b"user 'u\n")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[list[tuple[Conn, Path, object]]]:
    """A real Redis and redspec, each with ``users.acl`` (GOOD) in its own directory."""
    if _redis_problem() is not None or shutil.which("redis-server") is None:
        pytest.skip("needs redis-server 7.0.15")
    out = []
    procs = []
    for name in ("redis", "redspec"):
        d = tmp_path / name
        d.mkdir()
        (d / "users.acl").write_bytes(GOOD)
        acl = str(d / "users.acl")
        if name == "redis":
            def argv(p: int, acl: str = acl, d: Path = d) -> list[str]:
                return ["redis-server", "--port", str(p), "--save", "", "--dir", str(d),
                        "--aclfile", acl]
        else:
            def argv(p: int, acl: str = acl, d: Path = d) -> list[str]:
                return [*_redspec_argv(p), "--dir", str(d), "--aclfile", acl]
        sp = start_server(name, argv, d)
        procs.append(sp)
        out.append((Conn("127.0.0.1", sp.port), d, sp))
    yield out
    for sp in procs:
        sp.stop()


def both(pair: list[tuple[Conn, Path, object]], *argv: str) -> list[bytes]:
    return [c.call(*argv) for c, _, _ in pair]


def test_load_save_as_redis(pair: list[tuple[Conn, Path, object]]) -> None:
    r, s = both(pair, "ACL", "LIST")
    assert r == s and b"user alice on #" in r
    others = [Conn("127.0.0.1", sp.port) for _, _, sp in pair]  # type: ignore[attr-defined]
    assert [o.call("AUTH", "alice", "p") for o in others] == [b"+OK\r\n"] * 2
    assert both(pair, "ACL", "SETUSER", "carol", "on", "nopass", "+get", "(~x +set)") == \
        [b"+OK\r\n"] * 2
    assert both(pair, "ACL", "SAVE") == [b"+OK\r\n"] * 2
    files = [(d / "users.acl").read_bytes() for _, d, _ in pair]
    assert files[0] == files[1]
    assert sorted(p.name for p in pair[1][1].iterdir() if "tmp" in p.name) == []
    r, s = both(pair, "ACL", "LOAD")
    assert r == s == b"+OK\r\n"
    # ACL LOAD frees every non-default user: alice's connection is closed on both
    for o in others:
        with pytest.raises(ConnectionError):
            o.call("PING")
    for _, d, _ in pair:
        (d / "users.acl").write_bytes(BAD)
    r, s = both(pair, "ACL", "LOAD")
    assert r.replace(bytes(pair[0][1]), b"D") == s.replace(bytes(pair[1][1]), b"D")
    assert r.startswith(b"-ERR ") and b"no change to the previously active ACL rules" in r
    for _, d, _ in pair:
        (d / "users.acl").unlink()
    r, s = both(pair, "ACL", "LOAD")
    assert r.replace(bytes(pair[0][1]), b"D") == s.replace(bytes(pair[1][1]), b"D")
    r, s = both(pair, "ACL", "LIST")
    assert r == s


def _start_fails(argv: list[str], cwd: Path) -> tuple[int, str]:
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize(("conf", "needle"), [
    ("user alice on >p\nuser alice off\n", "Error in user declaration 'alice': Duplicate user "
     "found. A user can only be defined once in config files"),
    ("user alice on foo\n", "Error in user declaration 'alice': Syntax error"),
    ("user alice on +nocmd\n", "Error loading ACL rule '+nocmd' for the user named 'alice': "
     "Unknown command or category name in ACL"),
    ("aclfile {dir}/users.acl\nuser alice on\n", "Configuring Redis with users defined in "
     "redis.conf and at the same setting an ACL file path is invalid."),
    ("aclfile {dir}/nofile.acl\n", "Aborting Redis startup because of ACL errors: Error "
     "loading ACLs, opening file '{dir}/nofile.acl': No such file or directory"),
])
def test_startup_refusals_as_redis(tmp_path: Path, conf: str, needle: str) -> None:
    if _redis_problem() is not None:
        pytest.skip("needs redis-server 7.0.15")
    (tmp_path / "users.acl").write_bytes(GOOD)
    text = conf.format(dir=tmp_path)
    (tmp_path / "r.conf").write_text(f"port {free_port()}\nsave \"\"\n" + text)
    (tmp_path / "s.conf").write_text(text)
    want = needle.format(dir=tmp_path)
    code, out = _start_fails(["redis-server", str(tmp_path / "r.conf")], tmp_path)
    assert code == 1 and want in out, out
    exe = Path(sys.executable).parent / "redspec"
    code, out = _start_fails([str(exe), "serve", "--port", str(free_port()), "--config",
                              str(tmp_path / "s.conf")], tmp_path)
    assert code == 1 and want in out, out


def test_config_file_users_as_redis(tmp_path: Path) -> None:
    """``user`` lines of the config file (``default`` reset first, then its rules)."""
    if _redis_problem() is not None:
        pytest.skip("needs redis-server 7.0.15")
    users = ("user alice on >p ~a* &b* +@all -flushall (~c* +get)\n"
             "user default on nopass ~* &* +@all -keys\nuser bob\n")
    (tmp_path / "u.conf").write_text(users)
    procs = [
        start_server("redis", lambda p: ["redis-server", str(tmp_path / "u.conf"), "--port",
                                         str(p), "--save", ""], tmp_path),
        start_server("redspec", lambda p: [*_redspec_argv(p), "--config",
                                           str(tmp_path / "u.conf")], tmp_path),
    ]
    try:
        got = [Conn("127.0.0.1", sp.port).call("ACL", "LIST") for sp in procs]
        assert got[0] == got[1] and b"user bob off" in got[0]
    finally:
        for sp in procs:
            sp.stop()
