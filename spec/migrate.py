"""MIGRATE's transport (``cluster.c``: ``migrateCommand``, ``migrateGetSocket``,
``migrateCloseSocket``, ``migrateCloseTimedoutSockets``) on a standalone server.

MIGRATE talks to another server synchronously: Redis blocks its whole event loop while it
writes the RESTORE commands and reads their replies (``syncWrite`` / ``syncReadLine`` with
the command's timeout). The spec cannot open a socket, so the world's side is a port given
to the transition as an input, the way a busy script's is (``spec.scripting.BusyPort``):
the same object, ``Step.busy_port``, implements :class:`MigratePort` too. With no port (a
pure run with no world, or a port that is not a :class:`MigratePort`) the world is
:class:`EmptyNetwork`: nothing listens anywhere, as on a machine with no target running.

What the spec keeps is Redis's cache of connections (``server.migrate_cached_sockets``):
``ServerState.migrate`` maps a connection's name (``host:port``) to the database it last
SELECTed (-1: none yet, or unknown after an error) and the unix second it was last used.
At most :data:`MIGRATE_SOCKET_CACHE_ITEMS` are cached (a new one evicts a random one);
serverCron closes those idle for more than :data:`MIGRATE_SOCKET_CACHE_TTL` seconds
(:func:`close_timed_out_sockets`), asking the world through ``Effects.migrate_close``.
The world keeps the sockets; the spec only names them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs
from immutables import Map

from .reply import Err
from .resp import encode_request
from .state import ServerState, replace
from .step import Step

__all__ = [
    "MIGRATE_SOCKET_CACHE_ITEMS",
    "MIGRATE_SOCKET_CACHE_TTL",
    "CONNECT_FAILED",
    "Exchange",
    "MigratePort",
    "world_port",
    "EmptyNetwork",
    "EMPTY_NETWORK",
    "socket_name",
    "get_socket",
    "close_socket",
    "last_dbid",
    "set_last_dbid",
    "restore_request",
    "close_timed_out_sockets",
]

#: ``MIGRATE_SOCKET_CACHE_ITEMS``: connections kept at most.
MIGRATE_SOCKET_CACHE_ITEMS = 64
#: ``MIGRATE_SOCKET_CACHE_TTL``: seconds a cached connection may stay unused.
MIGRATE_SOCKET_CACHE_TTL = 10

#: ``migrateGetSocket``'s reply when the connection cannot be made (name resolution fails,
#: or it does not complete within the timeout).
CONNECT_FAILED = Err("IOERR error or timeout connecting to the client")


@attrs.frozen(slots=True)
class Exchange:
    """The world's answer to one exchange with a target: the reply lines read, in order
    (``syncReadLine``: without the CRLF), and, when it stopped early, where it failed
    (``"write"``: ``syncWrite`` did not write everything, nothing was read; ``"read"``: a
    line could not be read) and whether that was the timeout (``errno == ETIMEDOUT``, which
    Redis never retries)."""

    lines: tuple[bytes, ...] = ()
    failed: str | None = None
    timed_out: bool = False


@runtime_checkable
class MigratePort(Protocol):
    """The world's side of MIGRATE: blocking connections to other servers, named as Redis
    names its cached sockets (``host:port``). A pure transition gets it as an input
    (``Step.busy_port``); the reference server implements it with blocking sockets; the
    model port (``spec.migratenet``) with other spec servers."""

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """``connBlockingConnect``: open the connection ``name`` to ``host``:``port`` within
        ``timeout_ms``; False when that fails."""

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        """Write ``data`` on the connection (``syncWrite`` in 64 KiB chunks, each within
        ``timeout_ms``), then read ``lines`` reply lines (``syncReadLine``, each within
        ``timeout_ms``)."""

    def migrate_close(self, name: bytes) -> None:
        """``connClose`` of the connection ``name`` (nothing if it is not open)."""


class EmptyNetwork:
    """The world of a pure run that brings none: no server listens anywhere and there is no
    name service. An IP literal or ``localhost`` "connects" (Redis's non-blocking connect
    reports nothing yet), and the first write fails with the refusal (not a timeout), so
    MIGRATE retries once and answers ``IOERR error or timeout writing to target instance``
    — what 7.0.15 answers for a local port nobody listens on. Any other host name does not
    resolve: ``IOERR error or timeout connecting to the client``."""

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """Only addresses that need no name service get as far as a socket."""
        h = host.decode("latin-1").lower()
        return h == "localhost" or _ip_literal(h)

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        """The connection was refused: the write fails at once."""
        return Exchange(failed="write")

    def migrate_close(self, name: bytes) -> None:
        """Nothing to close."""


def _ip_literal(h: str) -> bool:
    """An IPv4 dotted quad or an IPv6 literal (what ``getaddrinfo`` takes without DNS)."""
    parts = h.split(".")
    if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
        return True
    return ":" in h and all(c in "0123456789abcdef:." for c in h)


#: The world of pure runs without a port (:class:`EmptyNetwork`).
EMPTY_NETWORK = EmptyNetwork()


def world_port(s: Step) -> MigratePort:
    """The world's MIGRATE port of this transition: the transition's own, or
    :data:`EMPTY_NETWORK` when it brings none."""
    port = s.busy_port
    return port if isinstance(port, MigratePort) else EMPTY_NETWORK


def socket_name(host: bytes, port: bytes) -> bytes:
    """The cache's key for a target: ``host:port`` as the arguments spell them."""
    return host + b":" + port


def get_socket(s: Step, port: MigratePort | None, host: bytes, tport: bytes,
               timeout_ms: int) -> bytes | Err:
    """``migrateGetSocket``: the cached connection to ``host:tport`` (its last use time
    refreshed), or a new one (evicting a random cached one when the cache is full, then
    connecting within ``timeout_ms``; a new connection has selected no database yet).
    Returns the connection's name, or the error to reply."""
    name = socket_name(host, tport)
    cache: Map[bytes, tuple[int, int]] = s.part("migrate")
    now_s = s.now_ms // 1000
    hit = cache.get(name)
    if hit is not None:
        s.set_part("migrate", cache.set(name, (hit[0], now_s)))
        return name
    if len(cache) >= MIGRATE_SOCKET_CACHE_ITEMS:  # dictGetRandomKey: one goes
        names = sorted(cache.keys())
        victim = names[s.random() % len(names)]
        if port is not None:
            port.migrate_close(victim)
        cache = cache.delete(victim)
        s.set_part("migrate", cache)
    if port is None or not port.migrate_connect(name, host, tport, timeout_ms):
        return CONNECT_FAILED
    s.set_part("migrate", cache.set(name, (-1, now_s)))
    return name


def close_socket(s: Step, port: MigratePort | None, name: bytes) -> None:
    """``migrateCloseSocket``: close the cached connection (the next use connects again and
    SELECTs again); nothing if it is not cached."""
    cache: Map[bytes, tuple[int, int]] = s.part("migrate")
    if name not in cache:
        return
    if port is not None:
        port.migrate_close(name)
    s.set_part("migrate", cache.delete(name))


def set_last_dbid(s: Step, name: bytes, dbid: int) -> None:
    """Remember the database the connection has SELECTed (-1: unknown, SELECT next time)."""
    cache: Map[bytes, tuple[int, int]] = s.part("migrate")
    hit = cache.get(name)
    if hit is not None:
        s.set_part("migrate", cache.set(name, (dbid, hit[1])))


def last_dbid(s: Step, name: bytes) -> int:
    """The database the cached connection ``name`` last SELECTed (-1: none; a database
    argument of -1 then sends no SELECT, as in Redis, and lands in the target's db 0)."""
    return int(s.part("migrate")[name][0])


def restore_request(key: bytes, ttl: int, payload: bytes, replace_: bool) -> bytes:
    """One ``RESTORE key ttl payload [REPLACE]`` as MIGRATE writes it (RESTORE-ASKING is
    for a cluster node)."""
    args: list[bytes] = [b"RESTORE", key, b"%d" % ttl, payload]
    if replace_:
        args.append(b"REPLACE")
    return encode_request(args)


def migrate_socket_expired(now_s: int, last_use_s: int) -> bool:
    """``migrateCloseTimedoutSockets``: a cached connection unused for more than
    :data:`MIGRATE_SOCKET_CACHE_TTL` seconds (``server.unixtime - last_use_time``, whole
    seconds) is closed."""
    return now_s - last_use_s > MIGRATE_SOCKET_CACHE_TTL


def close_timed_out_sockets(state: ServerState,
                            now_ms: int) -> tuple[ServerState, tuple[bytes, ...]]:
    """``migrateCloseTimedoutSockets`` (serverCron, once a second): the cached connections
    unused for more than :data:`MIGRATE_SOCKET_CACHE_TTL` seconds (``server.unixtime``) are
    dropped; returns them for the world to close (``Effects.migrate_close``)."""
    now_s = now_ms // 1000
    cache = state.migrate
    idle = tuple(n for n, (_, used) in cache.items() if migrate_socket_expired(now_s, used))
    if not idle:
        return state, ()
    for n in idle:
        cache = cache.delete(n)
    return replace(state, migrate=cache), idle
