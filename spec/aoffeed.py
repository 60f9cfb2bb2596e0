"""Feeding the append-only file (``aof.c``'s ``feedAppendOnlyFile``): every command a
transition propagates goes into ``aof_buf`` as it is propagated, so the buffer holds the
stream in execution order even when a rewrite starts between two commands of one batch
(the rewrite flushes the buffer to the old INCR file first: ``spec.aof``). ``Step.commit``
feeds what its commands propagated; the rest of the AOF is ``spec.aof``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .effects import ReplOnly
from .state import AOF_OFF, AOF_ON, AOF_WAIT_REWRITE, AofState

__all__ = ["cat_command", "feed_append_only_file", "feed_all"]


def cat_command(argv: Iterable[bytes]) -> bytes:
    """``catAppendOnlyGenericCommand``: the command as ``*<argc>`` and a ``$<len>`` bulk per
    argument, as a client would send it."""
    args = list(argv)
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


def feed_append_only_file(a: AofState, dbid: int, argv: Iterable[bytes], unixtime: int,
                          timestamps: bool) -> AofState:
    """``feedAppendOnlyFile``: the annotation (``#TS:``, once per second when
    ``aof-timestamp-enabled``), the SELECT the db change needs, and the command, appended to
    ``aof_buf`` when AOF is on or being turned on by a running rewrite (while AOF is being
    turned on, the buffer goes to the temporary incr file). The annotation and the selected
    db advance even when nothing is buffered, as in Redis."""
    buf = b""
    ts = a.cur_timestamp
    if timestamps and a.cur_timestamp < unixtime:
        ts = unixtime
        buf += b"#TS:%d\r\n" % unixtime
    sel = a.selected_db
    if dbid != -1 and dbid != sel:
        d = b"%d" % dbid
        buf += b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n" % (len(d), d)
        sel = dbid
    buf += cat_command(argv)
    keep = a.status == AOF_ON or (a.status == AOF_WAIT_REWRITE and a.child is not None)
    return attrs.evolve(a, buf=a.buf + buf if keep else a.buf, selected_db=sel,
                        cur_timestamp=ts)


def feed_all(a: AofState, propagate: Iterable[tuple[int, tuple[bytes, ...]]], now_ms: int,
             timestamps: bool) -> AofState:
    """``propagateNow`` → ``feedAppendOnlyFile`` for each propagated ``(db, argv)`` in
    order (nothing while AOF is off)."""
    if a.status == AOF_OFF:
        return a
    unixtime = now_ms // 1000
    for dbid, argv in propagate:
        if type(argv) is ReplOnly:  # PROPAGATE_REPL only (PUBLISH)
            continue
        a = feed_append_only_file(a, dbid, argv, unixtime, timestamps)
    return a
