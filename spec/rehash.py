"""``databasesCron``'s dict upkeep: ``tryResizeHashTables`` and ``incrementallyRehash``.

Each cron tick, when no fork child exists (``dict_can_resize``; always true until RDB/AOF
land), Redis visits up to 16 databases from ``resize_db`` and shrinks any dict (main or
expires) that ``htNeedsResize`` (more than 4 slots, under 10% full), then — when
``activerehashing`` is yes — visits databases from ``rehash_db`` and gives the first one with a
rehashing dict 1 ms of ``dictRehashMilliseconds`` (main dict first, else expires), stopping
there. The millisecond is a work budget here (``spec.dict.REHASH_CALLS_PER_MS`` calls of
``dictRehash(d, 100)``), as spec.expire models its time limit.
"""

from __future__ import annotations

from .dict import Dict, dict_resize, needs_resize, rehash_milliseconds
from .state import ServerState, replace

__all__ = ["CRON_DBS_PER_CALL", "databases_cron_dicts"]

CRON_DBS_PER_CALL = 16


def databases_cron_dicts(state: ServerState) -> ServerState:
    """The resize and rehash part of ``databasesCron`` for one tick (see the module doc)."""
    ds = state.dicts
    if not ds.can_resize:  # hasActiveChildProcess(): no resizing or rehashing at all
        return state
    dbs = list(state.dbs)
    ndb = len(dbs)
    per_call = min(CRON_DBS_PER_CALL, ndb)
    seed = ds.seed
    changed = False
    resize_db = ds.resize_db
    for _ in range(per_call):
        i = resize_db % ndb
        resize_db += 1
        db = dbs[i]
        ht, eht = db.ht, db.expires_ht
        if needs_resize(ht):
            d = Dict(ht, seed)
            dict_resize(d, True)
            ht = d.freeze()
        if needs_resize(eht):
            d = Dict(eht, seed)
            dict_resize(d, True)
            eht = d.freeze()
        if ht is not db.ht or eht is not db.expires_ht:
            dbs[i] = replace(db, ht=ht, expires_ht=eht)
            changed = True
    rehash_db = ds.rehash_db
    if state.config.get("activerehashing", True):
        for _ in range(per_call):
            db = dbs[rehash_db]
            if db.ht.rehashidx != -1:
                d = Dict(db.ht, seed)
                rehash_milliseconds(d, 1)
                dbs[rehash_db] = replace(db, ht=d.freeze())
                changed = True
                break
            if db.expires_ht.rehashidx != -1:
                d = Dict(db.expires_ht, seed)
                rehash_milliseconds(d, 1)
                dbs[rehash_db] = replace(db, expires_ht=d.freeze())
                changed = True
                break
            rehash_db = (rehash_db + 1) % ndb
    new_ds = replace(ds, resize_db=resize_db % ndb, rehash_db=rehash_db)
    if changed:
        return replace(state, dbs=tuple(dbs), dicts=new_ds)
    return replace(state, dicts=new_ds)
