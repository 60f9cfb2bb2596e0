"""The cluster commands on a server with ``cluster-enabled no`` (``cluster.c``): what a
standalone Redis 7.0.15 answers them.

redspec serves no cluster yet (``cluster-enabled yes`` is refused at start and by CONFIG
SET). A standalone 7.0.15 still has every cluster command in its table: CLUSTER <subcommand>,
READONLY, READWRITE and ASKING all reply that cluster support is disabled (an unknown
CLUSTER subcommand gets the generic subcommand error first, from the command lookup), and
RESTORE-ASKING is RESTORE (the ASKING flag it carries only matters to a cluster node).

MIGRATE works on a standalone server too and is served: it moves keys to another server
over a connection the world makes (``spec.migrate``'s port; no port: the connection
fails), one ``RESTORE key ttl payload [REPLACE]`` per key after AUTH and SELECT, and
deletes the keys the target acknowledged (propagated as ``DEL``) unless COPY is given. See
docs/mechanisms/migrate.md.
"""

from __future__ import annotations

import attrs

from ..errors import NOT_INTEGER, SYNTAX
from ..migrate import (
    Exchange,
    close_socket,
    get_socket,
    last_dbid,
    restore_request,
    set_last_dbid,
    world_port,
)
from ..numbers import string2ll
from ..rdb import RdbUnsupported, dump_payload
from ..reply import OK, Err, Reply, Status
from ..resp import encode_request
from ..step import Step
from .registry import command

__all__ = ["CLUSTER_DISABLED", "CLUSTER_SUBCOMMANDS", "KEYS_NEED_EMPTY_KEY", "NOKEY", "MigrateArgs",
           "migrate_args", "migrate"]

#: ``clusterCommand`` / ``readonlyCommand`` / ``askingCommand`` without cluster support.
CLUSTER_DISABLED = Err("ERR This instance has cluster support disabled")

#: Every CLUSTER subcommand of 7.0.15's table.
CLUSTER_SUBCOMMANDS = (
    "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot",
    "delslots", "delslotsrange", "failover", "flushslots", "forget", "getkeysinslot", "help",
    "info", "keyslot", "links", "meet", "myid", "nodes", "replicas", "replicate", "reset",
    "saveconfig", "set-config-epoch", "setslot", "shards", "slaves", "slots",
)


@command("asking", "readonly", "readwrite", *("cluster|" + sub for sub in CLUSTER_SUBCOMMANDS))
def cluster_disabled(s: Step, argv: list[bytes]) -> Reply:
    """ASKING, READONLY, READWRITE, CLUSTER <subcommand> on a standalone server: every one
    of them answers that cluster support is disabled (``server.cluster_enabled == 0``)."""
    return CLUSTER_DISABLED


# -- MIGRATE ---------------------------------------------------------------------------------

KEYS_NEED_EMPTY_KEY = Err("ERR When using MIGRATE KEYS option, the key argument must be set to "
                          "the empty string")
#: MIGRATE's reply when none of the keys exists (not an error: a key may just have expired).
NOKEY = Status("NOKEY")


@attrs.frozen(slots=True)
class MigrateArgs:
    """MIGRATE's parsed arguments: the options, the keys named (``first_key``/``num_keys``),
    the target database and the timeout (ms; <= 0 given means 1000)."""

    copy: bool
    replace: bool
    username: bytes | None
    password: bytes | None
    keys: tuple[bytes, ...]
    dbid: int
    timeout_ms: int


def migrate_args(argv: list[bytes]) -> MigrateArgs | Err:
    """``migrateCommand``'s parsing: the options from the 7th argument (COPY, REPLACE, AUTH
    password, AUTH2 username password; KEYS takes every argument after it as a key and needs
    the key argument empty); then the timeout and the database as integers."""
    copy = replace_ = False
    username = password = None
    keys: tuple[bytes, ...] = (argv[3],)
    j = 6
    while j < len(argv):
        opt = argv[j].lower()
        more = len(argv) - 1 - j
        if opt == b"copy":
            copy = True
        elif opt == b"replace":
            replace_ = True
        elif opt == b"auth":
            if not more:
                return SYNTAX
            j += 1
            password = argv[j]
        elif opt == b"auth2":
            if more < 2:
                return SYNTAX
            username, password = argv[j + 1], argv[j + 2]
            j += 2
        elif opt == b"keys":
            if argv[3]:
                return KEYS_NEED_EMPTY_KEY
            keys = tuple(argv[j + 1:])
            break
        else:
            return SYNTAX
        j += 1
    timeout = string2ll(argv[5])
    dbid = string2ll(argv[4])
    if timeout is None or dbid is None:
        return NOT_INTEGER
    return MigrateArgs(copy, replace_, username, password, keys, dbid,
                       1000 if timeout <= 0 else timeout)


def _auth_request(a: MigrateArgs) -> bytes:
    """AUTH [username] password, written first when MIGRATE was given AUTH / AUTH2."""
    if a.password is None:
        return b""
    return encode_request([b"AUTH", a.password] if a.username is None
                          else [b"AUTH", a.username, a.password])


@command("migrate")
def migrate(s: Step, argv: list[bytes]) -> Reply:
    """MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
    [AUTH2 username password] [KEYS key ...] (``migrateCommand``).

    The keys that exist (``lookupKeyRead``) are sent as one pipelined write to the cached
    connection (``migrateGetSocket``): AUTH when asked, SELECT when the connection's last
    database differs, then one RESTORE per key with its remaining TTL (at least 1 ms; 0
    without one) and the DUMP payload. The replies are read in order. A key the target
    acknowledged is deleted here unless COPY (event ``del``, WATCH touched, dirty), and the
    command propagates as ``DEL`` of those keys only. The first error line of the target is
    the reply (``Target instance replied with error``); a socket error closes the
    connection and, once, retries from a new one unless it timed out or some key was
    already acknowledged (``IOERR error or timeout writing|reading to target instance``).
    +NOKEY when none of the keys exists.
    """
    a = migrate_args(argv)
    if isinstance(a, Err):
        return a
    db = s.db
    found = [(k, v) for k in a.keys if (v := db.lookup_read(k)) is not None]
    if not found:
        return NOKEY
    port = world_port(s)
    may_retry = True
    rewritten = False
    while True:  # try_again
        name = get_socket(s, port, argv[1], argv[2], a.timeout_ms)
        if isinstance(name, Err):
            return name
        select = last_dbid(s, name) != a.dbid
        head = _auth_request(a)
        if select:
            head += encode_request([b"SELECT", b"%d" % a.dbid])
        moving, body = _restore_requests(s, a, found)
        if isinstance(body, Err):
            return body
        nhead = (a.password is not None) + select
        ex = port.migrate_exchange(name, head + body, nhead + len(moving), a.timeout_ms) \
            if port is not None else Exchange(failed="write")
        if ex.failed == "write" or len(ex.lines) < nhead:
            write_error = ex.failed == "write"
        else:
            reply, read, rewritten = _restore_replies(s, a, name, ex, nhead, moving)
            if reply is not None:
                return reply
            write_error = False
            if read:  # a socket error after some replies: no retry
                may_retry = False
        # socket_err
        if not rewritten:
            close_socket(s, port, name)
        if ex.timed_out or not may_retry:
            return Err("IOERR error or timeout %s to target instance"
                       % ("writing" if write_error else "reading"))
        may_retry = False


def _restore_requests(s: Step, a: MigrateArgs, found: list[tuple[bytes, object]]
                      ) -> tuple[list[bytes], bytes | Err]:
    """The RESTORE requests of the keys still alive (``ttl = expireat - now``, at least 1;
    a key that expired meanwhile is left out), and the keys they move."""
    db = s.db
    moving: list[bytes] = []
    body: list[bytes] = []
    list_size = s.config["list-max-listpack-size"]
    compress = bool(s.config["rdbcompression"])
    for key, value in found:
        ttl = 0
        when = db.get_expire(key)
        if when != -1:
            ttl = when - s.now_ms
            if ttl < 0:
                continue
            ttl = max(ttl, 1)
        try:
            payload = dump_payload(value, list_size, compress)
        except RdbUnsupported as e:
            return moving, Err(f"ERR {e}")
        moving.append(key)
        body.append(restore_request(key, ttl, payload, a.replace))
    return moving, b"".join(body)


def _restore_replies(s: Step, a: MigrateArgs, name: bytes, ex: Exchange, nhead: int,
                     moving: list[bytes]) -> tuple[Reply | None, int, bool]:
    """Read the replies after AUTH's and SELECT's: every acknowledged key is deleted (unless
    COPY); the first error line (AUTH's, SELECT's, then the RESTORE's own) becomes the
    reply and forgets the connection's database. Returns the reply (None: a socket error
    to handle), how many RESTORE replies were read, and whether the command was rewritten
    as DEL."""
    head = ex.lines[:nhead]
    head_err = next((ln for ln in head if ln[:1] == b"-"), None)
    replies = ex.lines[nhead:nhead + len(moving)]
    target_err: Err | None = None
    acked: list[bytes] = []
    db = s.db
    for key, line in zip(moving, replies, strict=False):
        if head_err is not None or line[:1] == b"-":
            if target_err is None:
                set_last_dbid(s, name, -1)
                text = (head_err if head_err is not None else line)[1:]
                target_err = Err("ERR Target instance replied with error: "
                                 + text.decode("utf-8", "surrogateescape"))
        elif not a.copy:
            db.delete(key)
            s.notify("g", "del", key, db.id)
            s.dirty += 1
            acked.append(key)
    read = len(replies)
    socket_error = read < len(moving)
    if socket_error:
        close_socket(s, world_port(s), name)
    rewritten = bool(acked)
    if rewritten:
        s.argv_rewrite = (b"DEL", *acked)
    if target_err is not None:
        return target_err, read, rewritten
    if socket_error:
        return None, read, rewritten
    set_last_dbid(s, name, a.dbid)
    return OK, read, rewritten
