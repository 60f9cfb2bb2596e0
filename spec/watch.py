"""The WATCH table (Redis's ``multi.c``, its optimistic-locking half).

Per client, ``ClientInfo.watched`` (``c->watched_keys``): ``(db, key, expired)`` in WATCH
order, ``expired`` = the key was already logically expired when watched. Server-wide,
``ServerState.watched_keys``: ``(db, key) -> client ids`` in WATCH order (Redis's per-db
``db->watched_keys`` dicts, keyed by db index because SWAPDB does not move watchers). A key
with no watcher is absent, so "nobody watches" is one emptiness check.

``signalModifiedKey`` (``Step.signal_modified_key``) and the flush/swap paths of ``db.c``
call :func:`touch_watched_key` / :func:`touch_all_watched_keys_in_db`; that is why this sits
in the db layer, below the MULTI queue of ``spec.multi``. Everything here is pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Client, ServerState, replace

if TYPE_CHECKING:
    from .db import DbView
    from .step import Step

__all__ = ["watch_key", "unwatch_all", "touch_watched_key", "touch_all_watched_keys_in_db",
           "is_watched_key_expired", "unwatch_on_free"]


def _without(wk: Any, c: Client) -> Any:
    """The watch table with ``c`` removed from every key it watches."""
    cid = c.id
    m = wk.mutate()
    for d, k, _ in c.info.watched:
        ids = m.get((d, k))
        if ids is None:
            continue
        rest = tuple(i for i in ids if i != cid)
        if rest:
            m[(d, k)] = rest
        else:
            del m[(d, k)]
    return m.finish()


# -- WATCH / UNWATCH ------------------------------------------------------------------------


def watch_key(s: Step, key: bytes) -> None:
    """``watchForKey``: the current client watches ``key`` in its selected db (once), noting
    whether the key is already logically expired (``keyIsExpired``, no deletion)."""
    c = s.client
    db = s.db
    dbid = db.id
    for d, k, _ in c.info.watched:
        if d == dbid and k == key:
            return
    wk = s.part("watched_keys")
    wk = wk.set((dbid, key), wk.get((dbid, key), ()) + (c.id,))
    s.set_part("watched_keys", wk)
    s.update_client(watched=c.info.watched + ((dbid, key, db.key_is_expired(key)),))


def unwatch_all(s: Step, c: Client) -> Client:
    """``unwatchAllKeys``: ``c`` stops watching everything; returns the updated client (the
    caller installs it)."""
    if not c.info.watched:
        return c
    s.set_part("watched_keys", _without(s.part("watched_keys"), c))
    return replace(c, watched=())


def _set_expired_flag(c: Client, dbid: int, key: bytes, flag: bool) -> Client:
    return replace(c, watched=tuple((d, k, flag) if d == dbid and k == key else (d, k, e)
                                    for d, k, e in c.info.watched))


def _entry_expired(c: Client, dbid: int, key: bytes) -> bool:
    for d, k, e in c.info.watched:
        if d == dbid and k == key:
            return e
    return False


def touch_watched_key(s: Step, dbid: int, key: bytes) -> None:
    """``touchWatchedKey`` (via ``signalModifiedKey``): every client watching ``key`` in db
    ``dbid`` becomes ``dirty_cas`` and stops watching (nothing it watches matters any more).

    Exception (7.0): a watcher that watched the key while it was already logically expired
    is not dirtied when the key is now gone (deleting an expired key changes nothing a client
    could see); its entry merely stops being "expired". Callers check that the watch table
    is non-empty first (``Step.signal_modified_key``).
    """
    ids = s.part("watched_keys").get((dbid, key))
    if ids is None:
        return
    for cid in ids:
        c = s.get_client(cid)
        if c is None:
            continue
        if _entry_expired(c, dbid, key) and key not in s.open_db(dbid).keys:
            s.put_client(_set_expired_flag(c, dbid, key, False))
            continue
        c = unwatch_all(s, c)
        s.put_client(replace(c, flags=c.flags | {"dirty_cas"}))


def touch_all_watched_keys_in_db(s: Step, emptied: DbView, replaced_with: DbView | None) -> None:
    """``touchAllWatchedKeysInDb``: ``emptied`` loses its contents (FLUSHDB/FLUSHALL:
    ``replaced_with`` None) or gets ``replaced_with``'s (SWAPDB). A watcher of a key of that
    db index becomes ``dirty_cas`` when the key exists before or after, except that, as in
    7.0, an entry watched as expired stays clean when the key is now gone or still expired,
    and a key that did not exist and now arrives already expired only becomes "expired".
    Watchers are not unwatched here (7.0 iterates the table while flagging)."""
    wk = s.part("watched_keys")
    if not wk:
        return
    dbid = emptied.id
    for (d, key), ids in wk.items():
        if d != dbid:
            continue
        exists = key in emptied.keys
        in_new = replaced_with is not None and key in replaced_with.keys
        if not (exists or in_new):
            continue
        for cid in ids:
            c = s.get_client(cid)
            if c is None:
                continue
            if _entry_expired(c, dbid, key):
                if not in_new:
                    s.put_client(_set_expired_flag(c, dbid, key, False))
                    continue
                assert replaced_with is not None
                if replaced_with.key_is_expired(key):
                    continue
            elif not exists and replaced_with is not None and replaced_with.key_is_expired(key):
                s.put_client(_set_expired_flag(c, dbid, key, True))
                continue
            if "dirty_cas" not in c.flags:
                s.put_client(replace(c, flags=c.flags | {"dirty_cas"}))


def is_watched_key_expired(s: Step, c: Client) -> bool:
    """``isWatchedKeyExpired``: some key watched while live is logically expired now."""
    for d, k, e in c.info.watched:
        if not e and s.open_db(d).key_is_expired(k):
            return True
    return False


def unwatch_on_free(state: ServerState, c: Client) -> ServerState:
    """``freeClient`` → ``unwatchAllKeys``: a departing client leaves the watch table."""
    if not c.info.watched:
        return state
    return replace(state, watched_keys=_without(state.watched_keys, c))
