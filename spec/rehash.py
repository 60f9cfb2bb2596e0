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

from .dict import needs_resize, rehash_ms, resize
from .state import Db, ServerState, replace

__all__ = ["CRON_DBS_PER_CALL", "databases_cron_dicts", "incrementally_rehash"]

CRON_DBS_PER_CALL = 16


def incrementally_rehash(db: Db, seed: tuple[int, int, int, int]) -> Db | None:
    """``incrementallyRehash``: 1 ms of rehashing for the main dict if it is rehashing, else
    for the expires dict; None when neither is."""
    if db.ht.rehashidx != -1:
        return replace(db, ht=rehash_ms(db.ht, 1, seed))
    if db.expires_ht.rehashidx != -1:
        return replace(db, expires_ht=rehash_ms(db.expires_ht, 1, seed))
    return None


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
            ht = resize(ht, seed)
        if needs_resize(eht):
            eht = resize(eht, seed)
        if ht is not db.ht or eht is not db.expires_ht:
            dbs[i] = replace(db, ht=ht, expires_ht=eht)
            changed = True
    rehash_db = ds.rehash_db
    if state.config.get("activerehashing", True):
        for _ in range(per_call):
            rehashed = incrementally_rehash(dbs[rehash_db], seed)
            if rehashed is not None:
                dbs[rehash_db] = rehashed
                changed = True
                break
            rehash_db = (rehash_db + 1) % ndb
    new_ds = replace(ds, resize_db=resize_db % ndb, rehash_db=rehash_db)
    if changed:
        return replace(state, dbs=tuple(dbs), dicts=new_ds)
    return replace(state, dicts=new_ds)
