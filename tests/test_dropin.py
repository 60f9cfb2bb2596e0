"""``redspec-server`` as a drop-in for ``redis-server`` (issue 19), and protected mode.

Every live test here starts both servers through the same harness function,
:func:`start_like_redis`, which knows only redis-server's interface — as a client library's
test suite does: write a conf file, run ``<server> <conf> [--options]``, wait for ``Ready to
accept connections`` in the log, talk RESP, stop with SIGTERM, read the pidfile — and asserts
the same things of both.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from redspec.reference.dropin import (
    VERSION_LINE,
    RedisLogHandler,
    listen_address,
    parse_command_line,
)
from redspec.spec import server as S
from redspec.spec.protected import (
    DENIED,
    is_local_peer,
    protected_mode_denies,
    reject_connection,
)
from tests.conftest import REDIS_VERSION, free_port
from tests.dropin_harness import (
    HANDLER_LINE,
    LOG_LINE,
    REDSPEC_SERVER,
    Started,
    pick_server,
    pid_alive,
    redis_problem,
    resp_command,
    start_like_redis,
    stopping,
    wait_for_log,
    wait_gone,
)


@pytest.fixture(params=["redis-server", "redspec-server"])
def server_exe(request: pytest.FixtureRequest) -> str:
    """The real redis-server, then redspec-server, under the same checks."""
    return pick_server(request.param)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def started() -> Iterator[list[Started]]:
    """Servers a test started; killed at the end whatever happened."""
    yield from stopping()


# -- the same checks on both --------------------------------------------------------------------


def test_start_log_pidfile_and_sigterm(server_exe: str, workdir: Path,
                                       started: list[Started]) -> None:
    """A conf file with a pidfile: INFO's ``config_file`` is its absolute path; the log
    lines are serverLog's, the first names the starting server, "Ready to accept connections" comes once listening; the pidfile holds
    the pid; SIGTERM shuts down (exit 0, last line "bye bye"), the pidfile is removed."""
    pidfile = workdir / "server.pid"
    s = start_like_redis(server_exe, workdir, f'save ""\npidfile {pidfile}\n')
    started.append(s)
    assert s.command("PING") == b"+PONG\r\n"
    assert f"config_file:{workdir / 'redis.conf'}\r\n".encode() in s.command("INFO", "server")
    assert int(pidfile.read_text()) == s.proc.pid
    assert pidfile.read_text().endswith("\n")
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(15) == 0
    assert not pidfile.exists()
    lines = [ln for ln in s.lines() if LOG_LINE.match(ln)]
    assert lines, s.lines()
    first = LOG_LINE.match(lines[0])
    assert first is not None
    assert first.group(1) == str(s.proc.pid) and first.group(2) == "C"
    assert first.group(4) == "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"
    assert any(f"Redis version={REDIS_VERSION}" in ln and f"pid={s.proc.pid}" in ln
               for ln in lines)
    messages = [m.group(4) for m in map(LOG_LINE.match, lines) if m]
    assert messages.index("Configuration loaded") < messages.index("Server initialized") \
        < messages.index("Ready to accept connections")
    ready = [LOG_LINE.match(ln) for ln in lines if ln.endswith("Ready to accept connections")]
    assert len(ready) == 1 and ready[0] is not None and ready[0].group(2) == "M"
    assert ready[0].group(3) == "*"
    assert lines[-1].endswith("# Redis is now ready to exit, bye bye...")
    assert [m.group(1, 2) for m in map(HANDLER_LINE.match, s.lines()) if m] == \
        [(str(s.proc.pid), "Received SIGTERM scheduling shutdown...")]


def test_logfile_loglevel_and_sigint(server_exe: str, workdir: Path,
                                     started: list[Started]) -> None:
    """``logfile`` gets the lines instead of stdout; ``loglevel warning`` drops the notice
    ones ("Ready to accept connections" among them); SIGINT shuts down as SIGTERM does."""
    logfile = workdir / "server.log"
    s = start_like_redis(server_exe, workdir, f'save ""\nlogfile {logfile}\n',
                         "--loglevel", "warning", wait_ready=False)
    started.append(s)
    wait_for_log(s, logfile, "Configuration loaded")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if s.command("PING") == b"+PONG\r\n":
                break
        except OSError:
            time.sleep(0.05)
    s.proc.send_signal(signal.SIGINT)
    assert s.proc.wait(15) == 0
    assert s.log.read_text() == ""  # nothing on stdout
    lines = logfile.read_text().splitlines()
    assert [HANDLER_LINE.match(ln).group(2) for ln in lines  # type: ignore[union-attr]
            if HANDLER_LINE.match(ln)] == ["Received SIGINT scheduling shutdown..."]
    matched = [LOG_LINE.match(ln) for ln in lines if not HANDLER_LINE.match(ln)]
    assert all(m is not None for m in matched), lines
    assert {m.group(3) for m in matched if m is not None} == {"#"}
    assert not any("Ready to accept connections" in ln for ln in lines)
    assert lines[-1].endswith("Redis is now ready to exit, bye bye...")


def test_daemonize_with_pidfile(server_exe: str, workdir: Path, started: list[Started]) -> None:
    """``daemonize yes``: the command returns 0 at once, the daemon (another pid, its own
    session) writes the pidfile, logs to ``logfile``, and removes the pidfile at SHUTDOWN."""
    pidfile, logfile = workdir / "d.pid", workdir / "d.log"
    s = start_like_redis(server_exe, workdir,
                         f'save ""\ndaemonize yes\npidfile {pidfile}\nlogfile {logfile}\n',
                         wait_ready=False)
    assert s.proc.wait(15) == 0
    wait_for_log(s, logfile, "Ready to accept connections")
    assert s.log.read_text() == ""  # nothing on the starting terminal
    pid = int(pidfile.read_text())
    assert pid != s.proc.pid and pid_alive(pid)
    assert os.getsid(pid) == pid
    assert s.command("CONFIG", "GET", "daemonize") == b"*2\r\n$9\r\ndaemonize\r\n$3\r\nyes\r\n"
    with pytest.raises(ConnectionError):
        s.command("SHUTDOWN", "NOSAVE")
    wait_gone(pid)
    assert not pidfile.exists()
    assert any(ln.startswith(f"{pid}:M ") for ln in logfile.read_text().splitlines())


def test_daemonize_without_logfile_says_nothing(server_exe: str, workdir: Path) -> None:
    """``daemonize yes`` with ``logfile ""``: not a line on the terminal it was started
    from (the daemon logs to /dev/null), exit 0; the daemon serves until SHUTDOWN."""
    port = free_port()
    pidfile = workdir / "q.pid"
    r = subprocess.run([server_exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                        "--daemonize", "yes", "--pidfile", str(pidfile)], capture_output=True,
                       timeout=30, cwd=workdir, stdin=subprocess.DEVNULL)
    assert (r.returncode, r.stdout, r.stderr) == (0, b"", b"")
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text().endswith("\n"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    try:
        while True:
            try:
                assert resp_command(port, "PING") == b"+PONG\r\n"
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        with pytest.raises(ConnectionError):
            resp_command(port, "SHUTDOWN", "NOSAVE")
        wait_gone(pid)
    finally:
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_options_override_the_file_and_multiword(server_exe: str, workdir: Path,
                                                 started: list[Started]) -> None:
    """``--name value`` options come after the file (the last wins); a parameter's several
    words are separate arguments (``--save 900 1 300 10``); ``--save`` alone at the end is
    ``save ""``; config read from stdin with ``-`` comes between the file and the options."""
    s = start_like_redis(server_exe, workdir, "hz 5\nmaxmemory 1mb\n",
                         "--hz", "20", "--save", "900", "1", "300", "10",
                         "--maxmemory-policy", "allkeys-lru", "-",
                         stdin=b"maxmemory 2mb\nhz 7\n")
    started.append(s)
    assert s.command("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"
    assert s.command("CONFIG", "GET", "maxmemory") == \
        b"*2\r\n$9\r\nmaxmemory\r\n$7\r\n2097152\r\n"
    assert s.command("CONFIG", "GET", "save") == b"*2\r\n$4\r\nsave\r\n$12\r\n900 1 300 10\r\n"
    assert s.command("CONFIG", "GET", "maxmemory-policy").endswith(b"allkeys-lru\r\n")
    assert s.command("CONFIG", "GET", "dir") == \
        f"*2\r\n$3\r\ndir\r\n${len(str(workdir))}\r\n{workdir}\r\n".encode()
    s.stop()
    s2 = start_like_redis(server_exe, workdir / "b", "", "--appendonly", "no", "--save")
    started.append(s2)
    assert s2.command("CONFIG", "GET", "save") == b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n"


@pytest.mark.parametrize("argv", [
    ["--foo", "bar"],
    ["--port", "7000", "extra"],
    ["--maxmemory", "lots"],
    ["--hz"],
    ["--dir", "/nonexistent"],
    ["--dir", "/tmp", "--dir", "/nonexistent/sub"],
    ["--logfile", "/nonexistent/x.log"],
])
def test_fatal_config_errors_identical(argv: list[str], workdir: Path) -> None:
    """A bad option stops the start with 7.0.15's FATAL CONFIG FILE ERROR text on stderr,
    byte for byte, and exit status 1: an unknown name, extra words, a bad value, a name
    with no value, a ``dir`` that cannot be entered (each ``dir`` in turn), a log file that
    cannot be opened (reported with no line)."""
    problem = redis_problem()
    if problem is not None:
        pytest.skip(problem)
    got = {}
    for exe in ("redis-server", REDSPEC_SERVER):
        r = subprocess.run([exe, *argv], capture_output=True, cwd=workdir, timeout=30,
                           stdin=subprocess.DEVNULL)
        got[exe] = (r.returncode, r.stderr)
    assert got["redis-server"] == got[REDSPEC_SERVER]
    assert got[REDSPEC_SERVER][0] == 1


def test_bad_line_in_the_file_identical(workdir: Path) -> None:
    """A bad line in the conf file: the same report (line number, the line, the reason)."""
    problem = redis_problem()
    if problem is not None:
        pytest.skip(problem)
    conf = workdir / "bad.conf"
    conf.write_text("# comment\nport 7000\n  maxmemory-policy   sometimes  \n")
    out = [subprocess.run([exe, str(conf)], capture_output=True, timeout=30,
                          stdin=subprocess.DEVNULL)
           for exe in ("redis-server", REDSPEC_SERVER)]
    assert (out[0].returncode, out[0].stderr) == (out[1].returncode, out[1].stderr)
    assert b"at line 3\n>>> 'maxmemory-policy   sometimes'\n" in out[1].stderr


def test_missing_config_file(server_exe: str, workdir: Path) -> None:
    """A config file (or an ``include``) that does not exist: a "Fatal error, can't open
    config file" log line on stdout, exit 1."""
    r = subprocess.run([server_exe, str(workdir / "none.conf")], capture_output=True,
                       timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 1
    m = LOG_LINE.match(r.stdout.decode().strip())
    assert m is not None and m.group(3) == "#"
    assert m.group(4) == (f"Fatal error, can't open config file '{workdir / 'none.conf'}': "
                          "No such file or directory")
    r = subprocess.run([server_exe, "--include", str(workdir / "inc.conf")], capture_output=True,
                       timeout=30, stdin=subprocess.DEVNULL)  # an include that is not there
    assert r.returncode == 1
    m = LOG_LINE.match(r.stdout.decode().strip())
    assert m is not None and m.group(4) == (f"Fatal error, can't open config file "
                                            f"'{workdir / 'inc.conf'}': No such file or directory")


def test_version_help_and_refused_modes() -> None:
    """``-v``/``--version`` print one line in redis-server's format (``v=7.0.15``, build
    names redspec) and exit 0; ``--help`` prints the usage on stderr and exits 1, as
    redis-server; ``--test-memory`` and ``--sentinel`` are refused (exit 1)."""
    for flag in ("-v", "--version"):
        r = subprocess.run([REDSPEC_SERVER, flag], capture_output=True, text=True, timeout=30)
        assert (r.returncode, r.stdout) == (0, VERSION_LINE + "\n")
        assert re.match(r"^Redis server v=7\.0\.15 sha=\S+ malloc=\S+ bits=64 "
                        r"build=redspec-\S+$", r.stdout.strip())
    for flag in ("-h", "--help"):
        r = subprocess.run([REDSPEC_SERVER, flag], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and r.stderr.startswith("Usage: ")
    for argv in (["--test-memory", "100"], ["--port", "7000", "--sentinel"]):
        r = subprocess.run([REDSPEC_SERVER, *argv], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode == 1 and "redspec" in r.stderr and r.stdout == ""


def test_command_line_parsing_as_redis_main() -> None:
    """``main``'s argument handling: the file made absolute, ``-`` first or last, values
    quoted with sdscatrepr, ``--save`` before another option means ``save ""``."""
    cl = parse_command_line(["r.conf", "--port", "7000", "--save", "--hz", "5", "-"])
    assert cl.configfile == os.path.abspath("r.conf") and cl.from_stdin
    assert cl.options == 'port "7000" \nsave ""\nhz "5" '
    cl = parse_command_line(["--save", "900", "1", "--bind", "a b"])
    assert cl.configfile is None and not cl.from_stdin
    assert cl.options == 'save "900" "1" \nbind "a b" '
    assert parse_command_line(["--port 7000"]).options == "port 7000 "


def test_listen_address() -> None:
    """redspec-server's one listening address for ``bind``: Redis's default ``* -::*`` is
    0.0.0.0, the shipped redis.conf's ``127.0.0.1 -::1`` is 127.0.0.1, two required
    addresses are refused."""
    assert listen_address("* -::*") == "0.0.0.0"
    assert listen_address("127.0.0.1 -::1") == "127.0.0.1"
    assert listen_address("-::1") == "::1"
    with pytest.raises(ValueError):
        listen_address("127.0.0.1 ::1")


class _FakeSyslog:
    """The parts of Python's ``syslog`` module the log handler uses, recording calls."""

    LOG_PID, LOG_NDELAY, LOG_NOWAIT = 1, 8, 16
    LOG_LOCAL3 = 19 << 3
    LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING = 7, 6, 5, 4

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def openlog(self, *args: object) -> None:
        self.calls.append(("openlog", *args))

    def syslog(self, *args: object) -> None:
        self.calls.append(("syslog", *args))


def test_syslog_and_levels(tmp_path: Path) -> None:
    """``syslog-enabled``: ``openlog(ident, LOG_PID|LOG_NDELAY|LOG_NOWAIT, facility)`` and
    each line kept by ``loglevel`` sent with its level's priority; the file gets the same
    lines in serverLog's format."""
    import logging

    fake = _FakeSyslog()
    h = RedisLogHandler(str(tmp_path / "l.log"), "verbose", True, "myident", "local3",
                        syslog_module=fake)
    logger = logging.getLogger("test_dropin.syslog")
    logger.handlers[:] = [h]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.debug("d")
    logger.log(15, "v")
    logger.info("n")
    logger.warning("w")
    assert fake.calls == [("openlog", "myident", 1 | 8 | 16, 19 << 3), ("syslog", 6, "v"),
                          ("syslog", 5, "n"), ("syslog", 4, "w")]
    lines = (tmp_path / "l.log").read_text().splitlines()
    assert [LOG_LINE.match(ln).group(3) for ln in lines] == ["-", "*", "#"]  # type: ignore[union-attr]


# -- protected mode -----------------------------------------------------------------------------


def test_protected_mode_decision() -> None:
    """``clientAcceptHandler``'s check: only 127.0.0.1 and ::1 are local (127.0.0.2 is
    not, as 7.0.15 compares the address); a password or ``protected-mode no`` lets anyone
    in. Planted: a rule that takes all of 127/8 as local would pass 127.0.0.2."""
    st0 = S.new_server(0)
    cfg = st0.config

    def state(c: Any) -> Any:
        return attrs.evolve(st0, config=c)

    assert is_local_peer("127.0.0.1:5") and is_local_peer("::1:5") and is_local_peer("[::1]:6")
    assert not is_local_peer("127.0.0.2:5") and not is_local_peer("::ffff:127.0.0.1:5")
    assert protected_mode_denies(state(cfg), "127.0.0.2:40000")
    assert protected_mode_denies(state(cfg), "192.0.2.7:40000")
    assert not protected_mode_denies(state(cfg), "127.0.0.1:40000")
    assert not protected_mode_denies(state(cfg.set("requirepass", "x")), "192.0.2.7:1")
    assert not protected_mode_denies(state(cfg.set("protected-mode", False)), "192.0.2.7:1")
    st = reject_connection(S.new_server(0))
    assert st.stats.rejected_connections == 1 and st.next_client_id == 2
    assert st.stats.total_connections_received == 0
    assert DENIED.startswith(b"-DENIED Redis is running in protected mode") \
        and DENIED.endswith(b"from the outside.\r\n") and DENIED.count(b"\r\n") == 1


def _denied_bytes(port: int) -> bytes:
    """Connect from 127.0.0.2 (a loopback address 7.0.15 does not take as local) and read
    everything until the server closes."""
    with socket.socket() as s:
        s.settimeout(10)
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", port))
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data


def _loopback_alias_usable() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


def test_protected_mode_live(server_exe: str, workdir: Path, started: list[Started]) -> None:
    """Both servers, bound to 127.0.0.1, protected mode on, no password: a connection from
    127.0.0.2 gets the DENIED text (the exact bytes) and is closed, counted in
    ``rejected_connections`` only, its client id used; with a password it is served (NOAUTH
    until AUTH); with ``protected-mode no`` too."""
    if not _loopback_alias_usable():
        pytest.skip("cannot bind 127.0.0.2 here: only the pure decision is tested")
    s = start_like_redis(server_exe, workdir, 'save ""\nbind 127.0.0.1\n')
    started.append(s)
    first_id = int(s.command("CLIENT", "ID")[1:-2])
    assert _denied_bytes(s.port) == DENIED
    stats = s.command("INFO", "stats").decode()
    assert "rejected_connections:1\r\n" in stats
    assert "total_connections_received:2\r\n" in stats  # CLIENT ID's and INFO's
    assert int(s.command("CLIENT", "ID")[1:-2]) == first_id + 3  # the denied one had an id
    assert s.command("CONFIG", "SET", "requirepass", "pw") == b"+OK\r\n"
    assert resp_command(s.port, "PING", source="127.0.0.2").startswith(b"-NOAUTH")
    assert resp_command(s.port, "PING", password="pw", source="127.0.0.2") == b"+PONG\r\n"
    assert s.command("CONFIG", "SET", "requirepass", "", password="pw") == b"+OK\r\n"
    assert _denied_bytes(s.port) == DENIED
    assert s.command("CONFIG", "SET", "protected-mode", "no") == b"+OK\r\n"
    assert resp_command(s.port, "PING", source="127.0.0.2") == b"+PONG\r\n"


def test_cannot_listen(server_exe: str, workdir: Path, started: list[Started]) -> None:
    """The port is taken: a warning naming the socket as ``bind`` gave it (``*`` for the
    default) and ``Failed listening on port N (TCP), aborting.``, exit 1; port 0 (and no
    Unix socket): ``Configured to not listen anywhere, exiting.``, exit 1."""
    runs = {}
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        for shown, extra in (("127.0.0.1", ["--bind", "127.0.0.1"]), ("*", [])):
            runs[shown] = subprocess.run([server_exe, "--port", str(port), "--save", "",
                                          *extra], capture_output=True, text=True,
                                         timeout=30, cwd=workdir, stdin=subprocess.DEVNULL)
    for shown, r in runs.items():
        assert r.returncode == 1
        messages = [m.group(3, 4) for m in map(LOG_LINE.match, r.stdout.splitlines()) if m]
        assert ("#", f"Warning: Could not create server TCP listening socket {shown}:{port}: "
                     "bind: Address already in use") in messages
        assert messages[-1] == ("#", f"Failed listening on port {port} (TCP), aborting.")
    r = subprocess.run([server_exe, "--port", "0", "--save", ""], capture_output=True,
                       text=True, timeout=30, cwd=workdir, stdin=subprocess.DEVNULL)
    assert r.returncode == 1
    last = LOG_LINE.match(r.stdout.splitlines()[-1])
    assert last is not None
    assert last.group(3, 4) == ("#", "Configured to not listen anywhere, exiting.")


def test_users_from_the_config_file(server_exe: str, workdir: Path,
                                    started: list[Started]) -> None:
    """``user`` lines in the config file are the server's users at start
    (``ACLLoadUsersAtStartup``): ACL LIST shows them as Redis canonicalises them, AUTH as one
    of them works; CONFIG REWRITE writes them back."""
    s = start_like_redis(server_exe, workdir, 'save ""\nuser alice on >pw ~k* +get\n')
    started.append(s)
    alice = (b"user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4"
             b" ~k* resetchannels -@all +get")
    default = b"user default on nopass ~* &* +@all"
    assert s.command("ACL", "LIST") == b"*2\r\n" + b"".join(
        b"$%d\r\n%s\r\n" % (len(u), u) for u in (alice, default))
    assert s.command("AUTH", "alice", "pw") == b"+OK\r\n"
    assert s.command("CONFIG", "REWRITE") == b"+OK\r\n"
    text = (workdir / "redis.conf").read_text()
    assert "user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 " \
        "~k* resetchannels -@all +get\n" in text
    assert "user default on nopass ~* &* +@all\n" in text


def test_users_in_the_file_and_an_aclfile_refused(server_exe: str, workdir: Path) -> None:
    """Users in the config file and an ``aclfile`` at once: Redis's log line, exit 1."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "users.acl").write_text("")
    conf = workdir / "redis.conf"
    conf.write_text(f"port {free_port()}\nuser alice on >pw\naclfile {workdir / 'users.acl'}\n")
    r = subprocess.run([server_exe, str(conf)], capture_output=True, timeout=30,
                       stdin=subprocess.DEVNULL, cwd=workdir)
    assert r.returncode == 1
    last = LOG_LINE.match(r.stdout.decode().strip().split("\n")[-1])
    assert last is not None and last.group(3) == "#"
    assert last.group(4) == (
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file "
        "path is invalid. This setup is very likely to lead to configuration errors and security "
        "holes, please define either an ACL file or declare users directly in your redis.conf, "
        "but not both.")
