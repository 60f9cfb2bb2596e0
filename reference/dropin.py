"""``redspec-server``: the reference server behind redis-server's command line, so that a
harness written for ``redis-server`` (a client library's test suite, a CI script) can start
redspec instead.

What it takes, as Redis 7.0.15's ``main`` takes it: a config file as the first argument (made
absolute: CONFIG REWRITE writes it back), ``--name value ...`` options appended after the file
as config lines (several words for one parameter; ``--save`` alone or before another option
means ``save ""``), ``-`` to read more config from stdin, ``-v``/``--version``, ``-h``/
``--help``. ``--test-memory``, ``--check-system`` and ``--sentinel`` are refused.

What it does as 7.0.15 does: log lines in ``serverLog``'s format (``<pid>:<role> <date> <level
char> <message>``) to ``logfile`` (stdout when empty) and to syslog when ``syslog-enabled``,
filtered by ``loglevel``; a bad config is reported in the ``*** FATAL CONFIG FILE ERROR ***``
form on stderr with exit status 1; ``daemonize yes`` forks and detaches (``setsid``, standard
streams on /dev/null); the ``pidfile`` (``/var/run/redis.pid`` when daemonized without one) is
written at start and removed at exit; ``dir`` is the working directory; ``Ready to accept
connections`` is logged once the server listens and has loaded its RDB file; SIGTERM and
SIGINT shut down as SHUTDOWN does (``reference.server``).

Where it differs (docs/dropin.md): it listens on one address (``bind``'s first required
address, ``*`` being 0.0.0.0; optional ``-`` addresses such as ``-::*`` and ``-::1`` are
skipped), and ``redspec serve`` keeps its own defaults (127.0.0.1).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from redspec.reference import server as ref_server
from redspec.reference.config_file import ACL_USERS, ConfigError, parse_config_text, split_args
from redspec.spec.acl import load_users_at_startup
from redspec.spec.config import PARAMS
from redspec.spec.configfile import with_config_file
from redspec.spec.resp import sdscatrepr
from redspec.spec.server import new_server, with_replid

__all__ = ["main", "VERSION_LINE", "parse_command_line", "CommandLine", "RedisLogHandler",
           "listen_address"]

#: Redis's version this server follows.
REDIS_VERSION = "7.0.15"
#: ``redis-server -v``: the fields harnesses parse (``v=``), with ``build=`` naming redspec.
VERSION_LINE = (f"Redis server v={REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 "
                "build=redspec-0.1.0")

USAGE = """\
Usage: redspec-server [/path/to/redis.conf] [options] [-]
       redspec-server - (read config from stdin)
       redspec-server -v or --version
       redspec-server -h or --help

Examples:
       redspec-server (run the server with default conf)
       echo 'maxmemory 128mb' | redspec-server -
       redspec-server /etc/redis/6379.conf
       redspec-server --port 7777
       redspec-server /etc/myredis.conf --loglevel verbose -
       redspec-server /etc/myredis.conf --loglevel verbose

redspec-server is redspec's reference server (Redis 7.0.15 semantics) behind
redis-server's command line. Not served: --test-memory, --check-system, --sentinel.
"""

#: ``CONFIG_DEFAULT_PID_FILE``: the pidfile of a daemonized server that names none.
DEFAULT_PIDFILE = "/var/run/redis.pid"

#: ``serverLog``'s level characters (debug, verbose, notice, warning).
_LEVEL_CHARS = ".-*#"
_LEVELS = {"debug": 0, "verbose": 1, "notice": 2, "warning": 3}
#: Python's logging level for Redis's "verbose".
VERBOSE = 15


class UsageExit(Exception):
    """The command line asks for no server: print ``text`` on ``stream``, exit ``code``."""

    def __init__(self, text: str, code: int, stream: str = "stderr") -> None:
        super().__init__(text)
        self.text, self.code, self.stream = text, code, stream


class CommandLine:
    """What redis-server's ``main`` makes of its arguments: the config file (absolute, or
    None), whether to read config from stdin, and the options as config text."""

    def __init__(self, configfile: str | None, from_stdin: bool, options: str,
                 argc: int) -> None:
        self.configfile = configfile
        self.from_stdin = from_stdin
        self.options = options
        self.argc = argc


def _repr_arg(arg: str) -> str:
    """``sdscatrepr`` of one command-line argument (as the OS gave its bytes)."""
    return sdscatrepr(os.fsencode(arg)).decode("utf-8", "surrogateescape")


def parse_command_line(argv: Sequence[str]) -> CommandLine:
    """Redis 7.0.15's ``main`` argument handling. ``argv`` excludes the program name.
    Raises :class:`UsageExit` for ``-v``, ``-h``, and the modes this server refuses."""
    argc = len(argv) + 1
    if argv:
        first = argv[0]
        if first in ("-v", "--version"):
            raise UsageExit(VERSION_LINE + "\n", 0, "stdout")
        if first in ("-h", "--help"):
            raise UsageExit(USAGE, 1)
        if first == "--test-memory":
            raise UsageExit("redspec-server does not test memory (--test-memory is "
                            "redis-server's memory tester; run redis-server for it).\n", 1)
        if first == "--check-system":
            raise UsageExit("redspec-server does not check the system (--check-system).\n", 1)
    if any(a == "--sentinel" for a in argv):
        raise UsageExit("Sentinel mode is not implemented by redspec-server.\n", 1)
    configfile: str | None = None
    j = 0
    if argv and not argv[0].startswith("-"):
        configfile = os.path.abspath(argv[0])
        j = 1
    from_stdin = False
    options = ""
    handled_last = True
    n = len(argv)
    while j < n:
        a = argv[j]
        if a == "-" and (j == 0 or j == n - 1):
            from_stdin = True
        elif handled_last and a.startswith("--"):
            if options:
                options += "\n"
            options += a[2:] + " "
            words = split_args(a)
            if words is not None and len(words) == 1:
                handled_last = False  # a name alone: its value follows
                if j != n - 1 and argv[j + 1].startswith("--") and a.lower() == "--save":
                    options += '""'  # ``--save --port 1``: pre-7.0 habit, means save ""
                    handled_last = True
                elif j == n - 1 and a.lower() == "--save":
                    options += '""'
            else:
                handled_last = True  # "--port 6380" given as one argument
        else:
            options += _repr_arg(a) + " "
            handled_last = True
        j += 1
    return CommandLine(configfile, from_stdin, options, argc)


class FatalConfig(Exception):
    """``loadServerConfigFromString``'s ``loaderr``: the line and the reason."""

    def __init__(self, lineno: int, line: str, reason: str) -> None:
        super().__init__(reason)
        self.lineno, self.line, self.reason = lineno, line, reason

    def report(self) -> str:
        """The text 7.0.15 prints on stderr before exiting with status 1 (no line when the
        error is found after the last line: ``lineno`` 0)."""
        where = (f"Reading the configuration file, at line {self.lineno}\n"
                 f">>> '{self.line}'\n") if self.lineno else ""
        return (f"\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\n"
                f"{where}{self.reason}\n")


def load_server_config(text: str) -> dict[str, Any]:
    """The config text's parameters, or :class:`FatalConfig` naming the line that failed."""
    try:
        return parse_config_text(text, can_daemonize=True)
    except ConfigError as e:
        msg = str(e)
        lineno, _, reason = msg.partition(": ")
        try:
            n = int(lineno.removeprefix("line "))
        except ValueError:
            raise FatalConfig(0, "", msg) from e
        lines = text.split("\n")
        line = lines[n - 1].strip(" \t\r\n") if 0 < n <= len(lines) else ""
        raise FatalConfig(n, line, reason) from e


class RedisLogHandler(logging.Handler):
    """``serverLogRaw``: ``<pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <level char> <message>``
    appended to ``logfile`` (opened for each line, as Redis does; stdout when empty) and,
    with ``syslog-enabled``, sent to syslog with the level's priority. Lines below
    ``loglevel`` are dropped. The role is ``C`` until the server is initialised
    (:meth:`server_started`), then ``M``."""

    def __init__(self, logfile: str = "", loglevel: str = "notice",
                 syslog_enabled: bool = False, syslog_ident: str = "redis",
                 syslog_facility: str = "local0",
                 syslog_module: Any = None, stdout: Callable[[], TextIO] | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.logfile = logfile
        self.verbosity = _LEVELS[loglevel]
        self.server_pid: int | None = None
        self._stdout = stdout or (lambda: sys.stdout)
        self._syslog: Any = None
        if syslog_enabled:
            if syslog_module is None:
                import syslog as syslog_module
            facility = getattr(syslog_module, "LOG_" + syslog_facility.upper())
            syslog_module.openlog(syslog_ident, syslog_module.LOG_PID | syslog_module.LOG_NDELAY
                                  | syslog_module.LOG_NOWAIT, facility)
            self._syslog = syslog_module

    def server_started(self) -> None:
        """``initServer`` set ``server.pid``: lines from this process are the master's now."""
        self.server_pid = os.getpid()

    @staticmethod
    def redis_level(levelno: int) -> int:
        """Python's level as Redis's (debug, verbose, notice, warning = 0..3)."""
        if levelno <= logging.DEBUG:
            return 0
        if levelno < logging.INFO:
            return 1
        if levelno < logging.WARNING:
            return 2
        return 3

    def emit(self, record: logging.LogRecord) -> None:
        """One log record: as the signal handler's line, or as ``serverLog``'s."""
        level = self.redis_level(record.levelno)
        if level < self.verbosity:
            return
        msg = record.getMessage()
        if getattr(record, "from_signal_handler", False):
            self.write_from_handler(msg)
            return
        self.write(level, msg)

    def write_from_handler(self, msg: str) -> None:
        """``serverLogFromHandler``: ``<pid>:signal-handler (<unix seconds>) <message>``,
        written by the signal handler, never to syslog."""
        self._put(f"{os.getpid()}:signal-handler ({int(time.time())}) {msg}\n")

    def write(self, level: int, msg: str) -> None:
        """One ``serverLog`` line at Redis level ``level``."""
        now = time.time()
        pid = os.getpid()
        role = "M" if self.server_pid == pid else "C"
        stamp = time.strftime("%d %b %Y %H:%M:%S.", time.localtime(now))
        line = f"{pid}:{role} {stamp}{int(now * 1000) % 1000:03d} {_LEVEL_CHARS[level]} {msg}\n"
        self._put(line)
        if self._syslog is not None:
            prio = (self._syslog.LOG_DEBUG, self._syslog.LOG_INFO, self._syslog.LOG_NOTICE,
                    self._syslog.LOG_WARNING)[level]
            self._syslog.syslog(prio, msg)

    def _put(self, line: str) -> None:
        """Append one line to the log file, or write it on stdout."""
        try:
            if self.logfile:
                with open(self.logfile, "a", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(line)
            else:
                out = self._stdout()
                out.write(line)
                out.flush()
        except OSError:
            pass  # Redis drops a line it cannot write


def listen_address(bind: str) -> str:
    """The one address this server listens on for a ``bind`` value: the first address
    not marked optional (``-``), else the first optional one; ``*`` is 0.0.0.0 and ``::*``
    is ::. Raises :class:`ValueError` when several addresses are required (redspec has one
    listening socket)."""
    words = bind.split()
    if not words:
        raise ValueError("bind \"\" (no TCP listener) is not supported by redspec-server")
    required = [w for w in words if not w.startswith("-")]
    if len(required) > 1:
        raise ValueError(f"redspec-server listens on one address; bind names {len(required)} "
                         "required addresses")
    addr = required[0] if required else words[0][1:]
    return {"*": "0.0.0.0", "::*": "::"}.get(addr, addr)


def daemonize() -> None:
    """``daemonize``: fork, the parent exits 0, the child starts a new session and puts
    /dev/null on its standard streams."""
    if os.fork() != 0:
        os._exit(0)
    os.setsid()
    fd = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(fd, std)
    if fd > 2:
        os.close(fd)


def create_pidfile(path: str, log: logging.Logger) -> bool:
    """``createPidFile``: the pid and a newline; a failure is logged and the start goes on."""
    try:
        with open(path, "w") as f:
            f.write(f"{os.getpid()}\n")
    except OSError as e:
        log.warning("Failed to write PID file: %s", e.strerror)
        return False
    return True


def _read_config_text(cl: CommandLine, stdin: TextIO, log: logging.Logger) -> str:
    """``loadServerConfig``: the file, then stdin, then the options."""
    text = ""
    if cl.configfile is not None:
        try:
            with open(cl.configfile, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
        except OSError as e:
            log.warning("Fatal error, can't open config file '%s': %s", cl.configfile,
                        e.strerror)
            raise SystemExit(1) from e
    if cl.from_stdin:
        log.warning("Reading config from stdin")
        text += stdin.read()
    if cl.options:
        text += "\n" + cl.options
    return text


def apply_dir_lines(text: str) -> None:
    """The ``dir`` lines of the config text in order, each a ``chdir`` as 7.0.15 does while
    it reads them; :class:`FatalConfig` at the first one that fails."""
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r\n")
        args = split_args(line) if line and not line.startswith("#") else None
        if args and len(args) == 2 and args[0].lower() == "dir":
            try:
                os.chdir(args[1])
            except OSError as e:
                raise FatalConfig(n, line, e.strerror or str(e)) from e


def check_logfile(logfile: str) -> None:
    """7.0.15's check after reading the config: the log file must open for appending
    (:class:`FatalConfig` with no line, ``Can't open the log file: <strerror>``)."""
    if not logfile:
        return
    try:
        with open(logfile, "a"):
            pass
    except OSError as e:
        raise FatalConfig(0, "", f"Can't open the log file: {e.strerror}") from e


def main(argv: Sequence[str] | None = None) -> int:
    """``redspec-server [config] [--name value ...] [-]``: start the reference server as
    redis-server starts (see the module's docstring); the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cl = parse_command_line(args)
    except UsageExit as u:
        (sys.stdout if u.stream == "stdout" else sys.stderr).write(u.text)
        return u.code
    logger = logging.getLogger("redspec")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    boot = RedisLogHandler()
    logger.handlers[:] = [boot]
    try:
        text = _read_config_text(cl, sys.stdin, logger)
    except SystemExit as e:
        return int(e.code or 1)
    try:
        overrides = load_server_config(text)
    except FatalConfig as f:
        sys.stderr.write(f.report())
        return 1
    except OSError as e:  # an ``include`` file that cannot be read
        logger.warning("Fatal error, can't open config file '%s': %s", e.filename, e.strerror)
        return 1
    cfg = {name: overrides.get(name, p.default) for name, p in PARAMS.items()}
    try:
        if cfg["supervised"] != "no":
            raise FatalConfig(0, "", "supervised: only 'no' is implemented by redspec-server")
        try:
            host = listen_address(str(cfg["bind"]))
        except ValueError as e:
            raise FatalConfig(0, "", str(e)) from e
        apply_dir_lines(text)
        check_logfile(str(cfg["logfile"]))
    except FatalConfig as f:
        sys.stderr.write(f.report())
        return 1
    overrides["dir"] = os.getcwd()
    background = bool(cfg["daemonize"])
    if background and not cfg["pidfile"]:
        overrides["pidfile"] = DEFAULT_PIDFILE
    pidfile = str(overrides.get("pidfile", ""))
    # a daemon without a logfile logs nowhere, from the first line on (7.0.15 writes nothing
    # to the terminal it was started from)
    logfile = str(cfg["logfile"]) or (os.devnull if background else "")
    handler = RedisLogHandler(logfile, str(cfg["loglevel"]),
                              bool(cfg["syslog-enabled"]), str(cfg["syslog-ident"]),
                              str(cfg["syslog-facility"]))
    logger.handlers[:] = [handler]
    logger.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo")
    logger.warning("Redis version=%s, bits=64, commit=00000000, modified=0, pid=%d, "
                   "just started", REDIS_VERSION, os.getpid())
    logger.warning("redspec-server: redspec's reference server with Redis %s semantics",
                   REDIS_VERSION)
    if cl.argc == 1:
        logger.warning("Warning: no config file specified, using the default config. In "
                       "order to specify a config file use redspec-server "
                       "/path/to/redis.conf")
    else:
        logger.warning("Configuration loaded")
    if background:
        daemonize()
    return _serve(cl, overrides, host, int(cfg["port"]), pidfile, handler, logger)


def _serve(cl: CommandLine, overrides: dict[str, Any], host: str, port: int, pidfile: str,
           handler: RedisLogHandler, logger: logging.Logger) -> int:
    """``initServer`` to ``aeMain``: the state, the pidfile, the listener, the loop; the
    pidfile removed at exit."""
    overrides.setdefault("save", PARAMS["save"].default)  # Redis's default save points
    clock = ref_server.Clock()
    acl_users = overrides.pop(ACL_USERS, [])
    state = new_server(clock.now_ms(), **overrides)
    state = with_replid(state, os.urandom(20).hex())  # every server its own history
    if cl.configfile is not None:
        state = with_config_file(state, cl.configfile)
    # ACLLoadUsersAtStartup: the config file's users, or the aclfile's (never both)
    aclfile = state.config["aclfile"]
    got = load_users_at_startup(state, acl_users,
                                ref_server.read_acl_file(state, aclfile) if aclfile else None)
    if isinstance(got, list):
        for line in got:
            logger.warning("%s", line)
        return 1
    state, notices = got
    for line in notices:
        logger.warning("%s", line)
    handler.server_started()
    ref_server.say_hook = logger.info
    wrote_pid = bool(pidfile) and create_pidfile(pidfile, logger)

    def remove_pidfile() -> None:
        """``prepareForShutdown``: "Removing the pid file." and the unlink (once)."""
        nonlocal wrote_pid
        if wrote_pid:
            wrote_pid = False
            logger.info("Removing the pid file.")
            with contextlib.suppress(OSError):
                os.unlink(pidfile)

    ref_server.exit_hook = remove_pidfile

    def initialized() -> None:
        """After ``initServer`` (listening): the lines 7.0.15 writes then."""
        logger.info("Running mode=standalone, port=%d.", port)
        logger.warning("Server initialized")

    ref_server.listen_hook = initialized
    code = 1
    if port == 0:  # no TCP port and (here) never a Unix socket
        logger.warning("Configured to not listen anywhere, exiting.")
        ref_server.say_hook = ref_server.exit_hook = ref_server.listen_hook = None
        remove_pidfile()
        return 1
    try:
        aof = None
        if state.config.get("appendonly"):  # loadDataFromDisk: the AOF set, never the RDB
            from redspec.reference.aofload import open_aof_set

            aof = open_aof_set(state, ref_server._say)
        rdb = ref_server.read_rdb_file(state)
        code = ref_server.run(host, port, state, clock=clock, rdb=rdb, aof=aof)
    except ref_server.LoadError as e:
        for line in str(e).split("\n"):
            logger.warning("%s", line)
        if e.panic:
            os.abort()
    except OSError as e:
        text = str(e.strerror or e)
        if host == "0.0.0.0":  # Redis names the address as bind gave it: "*"
            text = text.replace(f" {host}:{port}:", f" *:{port}:")
        logger.warning("Warning: %s", text)
        logger.warning("Failed listening on port %d (TCP), aborting.", port)
    finally:
        ref_server.say_hook = ref_server.exit_hook = ref_server.listen_hook = None
        remove_pidfile()
    return code


def entry() -> None:
    """The console script."""
    sys.exit(main())
