"""HyperLogLog commands (Redis's ``hyperloglog.c``): PFADD, PFCOUNT, PFMERGE, PFDEBUG,
PFSELFTEST, over string values in Redis's HYLL byte layout (see ``spec.types.hll``).

Side effects as in Redis 7.0.15: every command that accepts a key first makes its string
"raw" (``dbUnshareStringValue``). PFADD changes the key only when a register grows (or the key
is new): cache marked stale, ``dirty += changes``, event ``pfadd``. PFCOUNT of one key with a
stale cache writes the fresh cardinality back (``dirty += 1``, propagated as PFCOUNT, no
event). PFMERGE always writes (``dirty += 1``, event ``pfadd``). PFDEBUG GETREG/TODENSE turn a
sparse HLL dense (``dirty += 1``).
"""

from __future__ import annotations

from typing import Any

from ..cstr import c_string
from ..errors import WRONGTYPE
from ..reply import OK, Err, Reply, Status
from ..step import Step
from ..types import hll
from ..types.hll import HllString
from .registry import command

NOT_HLL = Err("WRONGTYPE Key is not a valid HyperLogLog string value.")
INVALID_HLL = Err("INVALIDOBJ Corrupted HLL object detected")
NO_KEY = Err("ERR The specified key does not exist")
NOT_SPARSE = Err("ERR HLL encoding is not sparse")


def _check(v: Any) -> Err | None:
    """``isHLLObjectOrReply``: WRONGTYPE for another type, the HLL-specific WRONGTYPE for a
    string that is not an HLL, None if ``v`` is one."""
    if not isinstance(v, bytes):
        return WRONGTYPE
    return None if hll.is_hll(v) else NOT_HLL


def _unshare(s: Step, key: bytes, v: bytes) -> bytes:
    """``dbUnshareStringValue``: the key now holds its string raw-encoded (same bytes)."""
    if type(v) is not HllString:
        v = HllString(v)
        s.db.overwrite(key, v)
    return v


def add_elements(
    v: bytes, elements: list[bytes], max_bytes: int
) -> tuple[bytes | bytearray, int, bool]:
    """``hllAdd`` for each element in turn: (resulting HLL bytes, registers changed, ok).

    A sparse HLL is edited in place until a value above 32 or ``hll-sparse-max-bytes`` calls
    for ``hllSparseToDense``; from then on the dense registers are set. ``ok`` is False when a
    corrupted sparse HLL stopped the loop (the bytes then hold the edits made before).
    """
    changed = 0
    dense: bytearray | None = None
    ed: hll.SparseEditor | None = None
    if v[4] == hll.DENSE:
        dense = bytearray(v)
    else:
        ed = hll.SparseEditor(v)
    pat_len = hll.pat_len
    for ele in elements:
        index, count = pat_len(ele)
        if dense is None:
            assert ed is not None
            r = ed.set(index, count, max_bytes)
            if r == hll.PROMOTE:
                dense = hll.sparse_to_dense(ed.to_bytes())
                if dense is None:
                    return ed.to_bytes(), changed, False
                ed = None
                hll.dense_set(dense, index, count)
                changed += 1
            elif r < 0:
                return ed.to_bytes(), changed, False
            else:
                changed += r
        else:
            changed += hll.dense_set(dense, index, count)
    if dense is not None:
        return dense, changed, True
    assert ed is not None
    return ed.to_bytes(), changed, True


@command("pfadd")
def pfadd(s: Step, argv: list[bytes]) -> Reply:
    """``pfaddCommand``: add elements; 1 if any register changed or the key was created.

    A new key starts as the empty sparse HLL. The cache is marked stale only when something
    changed; ``dirty`` grows by the number of changes (the creation counts as one).
    """
    key = argv[1]
    db = s.db
    v = db.lookup_write(key)
    updated = 0
    if v is None:
        v = hll.new_sparse()
        db.add(key, v)
        updated = 1
    else:
        err = _check(v)
        if err is not None:
            return err
        v = _unshare(s, key, v)
    if len(argv) > 2:
        new, changed, ok = add_elements(v, argv[2:], s.config["hll-sparse-max-bytes"])
        if not ok:
            db.update(key, HllString(new))
            return INVALID_HLL
        if changed:
            updated += changed
            v = new
    if updated:
        buf = v if type(v) is bytearray else bytearray(v)
        hll.invalidate(buf)
        db.update(key, HllString(buf))
        s.signal_modified_key(db.id, key)
        s.notify("$", "pfadd", key, db.id)
        s.dirty += updated
        return 1
    return 0


def count_one(v: bytes) -> int | None:
    """``hllCount`` of one HLL (dense or sparse); None for a corrupted sparse one."""
    if v[4] == hll.DENSE:
        return hll.estimate(hll.histogram(hll.unpack_dense(memoryview(v)[hll.HDR_SIZE :])))
    h, valid = hll.sparse_histogram(v)
    if not valid:
        return None
    return hll.estimate(h)


def _signed(card: int) -> int:
    """The uint64 cardinality as ``addReplyLongLong`` shows it."""
    return card - (1 << 64) if card >= 1 << 63 else card


def _merge_keys(s: Step, keys: list[bytes]) -> tuple[bytearray, bool] | Err:
    """PFCOUNT's (several keys) and PFMERGE's loop: every existing key, looked up for reading
    and checked (``isHLLObjectOrReply``), merged by ``hllMerge`` into a register-wise maximum.
    Returns the registers and whether any source was dense, or the error of a bad source."""
    db = s.db
    regs = bytearray(hll.REGISTERS)
    use_dense = False
    for key in keys:
        o = db.lookup_read(key)
        if o is None:
            continue
        err = _check(o)
        if err is not None:
            return err
        if o[4] == hll.DENSE:
            use_dense = True
        if not hll.merge_into(regs, o):
            return INVALID_HLL
    return regs, use_dense


@command("pfcount")
def pfcount(s: Step, argv: list[bytes]) -> Reply:
    """``pfcountCommand``: the estimated cardinality of one HLL, or of the union of several.

    One key (looked up for writing, so no hit/miss statistics): the cached value if valid,
    else the estimate, written back into the header (a change: ``dirty``, propagated). Several
    keys: registers merged into a temporary set (missing keys skipped), nothing written.
    """
    db = s.db
    if len(argv) > 2:
        merged = _merge_keys(s, argv[1:])
        if type(merged) is Err:
            return merged
        assert isinstance(merged, tuple)
        return _signed(hll.estimate(hll.histogram(bytes(merged[0]))))
    key = argv[1]
    v = db.lookup_write(key)
    if v is None:
        return 0
    err = _check(v)
    if err is not None:
        return err
    v = _unshare(s, key, v)
    card = hll.cached_card(v)
    if card is not None:
        return card
    card = count_one(v)
    if card is None:
        return INVALID_HLL
    db.update(key, hll.with_card(v, card))
    s.signal_modified_key(db.id, key)
    s.dirty += 1
    # PFCOUNT is not flagged "write", but ``call`` propagates whatever moved server.dirty.
    s.propagate.append((db.id, tuple(argv)))
    return _signed(card)


@command("pfmerge")
def pfmerge(s: Step, argv: list[bytes]) -> Reply:
    """``pfmergeCommand``: the destination (also the first source) becomes the register-wise
    maximum of all the given HLLs. It turns dense if any source is dense; a sparse destination
    takes the registers one ``hllSparseSet`` at a time (and may be promoted on the way). The
    cache is marked stale, ``dirty += 1`` and the event is ``pfadd``, even if nothing changed.
    """
    merged = _merge_keys(s, argv[1:])
    if type(merged) is Err:
        return merged
    assert isinstance(merged, tuple)
    regs, use_dense = merged
    db = s.db
    dest = argv[1]
    v = db.lookup_write(dest)
    if v is None:
        v = hll.new_sparse()
        db.add(dest, v)
    else:
        v = _unshare(s, dest, v)
    result = _merge_registers(v, bytes(regs), use_dense, s.config["hll-sparse-max-bytes"])
    if result is None:
        return INVALID_HLL
    hll.invalidate(result)
    db.update(dest, HllString(result))
    s.signal_modified_key(db.id, dest)
    s.notify("$", "pfadd", dest, db.id)
    s.dirty += 1
    return OK


def _merge_registers(v: bytes, regs: bytes, use_dense: bool, max_bytes: int) -> bytearray | None:
    """PFMERGE's write of the merged registers into the destination ``v`` (whose own registers
    are already part of ``regs``): dense = the packed maximum under ``v``'s header; sparse =
    ``hllSparseSet`` of every non-zero register in index order until a promotion."""
    if v[4] == hll.SPARSE and not use_dense:
        ed = hll.SparseEditor(v)
        promoted = False
        for j in range(hll.REGISTERS):
            c = regs[j]
            if c and ed.set(j, c, max_bytes) == hll.PROMOTE:
                promoted = True
                break
        if not promoted:
            return bytearray(ed.to_bytes())
        if hll.sparse_to_dense(ed.to_bytes()) is None:  # cannot happen: v merged cleanly
            return None
        header = ed.header
    elif v[4] == hll.SPARSE:
        if hll.sparse_to_dense(v) is None:
            return None
        header = bytearray(v[: hll.HDR_SIZE])
    else:
        header = bytearray(v[: hll.HDR_SIZE])
    header[4] = hll.DENSE
    header += hll.pack_dense(regs)
    return header


@command("pfdebug")
def pfdebug(s: Step, argv: list[bytes]) -> Reply:
    """``pfdebugCommand``: GETREG (all 16384 registers; makes a sparse HLL dense), DECODE (the
    sparse opcodes), ENCODING ("dense"/"sparse"), TODENSE (1 if it converted). The key is
    looked up and checked before the subcommand name."""
    sub = c_string(argv[1])
    key = argv[2]
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        return NO_KEY
    err = _check(v)
    if err is not None:
        return err
    v = _unshare(s, key, v)
    name = sub.lower()
    if name in (b"getreg", b"todense"):
        converted = 0
        if v[4] == hll.SPARSE:
            d = hll.sparse_to_dense(v)
            if d is None:
                return INVALID_HLL
            v = HllString(d)
            db.update(key, v)
            s.dirty += 1
            converted = 1
        if name == b"todense":
            return converted
        return list(hll.unpack_dense(memoryview(v)[hll.HDR_SIZE :]))
    if name == b"decode":
        if v[4] != hll.SPARSE:
            return NOT_SPARSE
        return hll.decode_sparse(v)
    if name == b"encoding":
        return Status("dense" if v[4] == hll.DENSE else "sparse")
    return Err(
        f"ERR Unknown PFDEBUG subcommand '{sub.decode('utf-8', 'surrogateescape')}'"
    )


@command("pfselftest")
def pfselftest(s: Step, argv: list[bytes]) -> Reply:
    """``pfselftestCommand``: Redis checks its register macros and estimator; here a small
    self-check of the same kind (set/get of every register value in a few positions, the
    sparse and dense representations of the same registers agreeing on the count)."""
    buf = bytearray(hll.DENSE_SIZE)
    for j in (0, 1, 2, 3, 4, 5, hll.REGISTERS - 1):
        for val in (1, 17, 32, 51, 63):
            buf[hll.HDR_SIZE :] = bytes(hll.DENSE_SIZE - hll.HDR_SIZE)
            hll.dense_set(buf, j, val)
            if hll.dense_get(buf, j) != val:
                return Err(f"ERR TESTFAILED Register error at {j}")
    sparse = hll.new_sparse()
    new = bytes(add_elements(sparse, [b"%d" % i for i in range(50)], 3000)[0])
    d = hll.sparse_to_dense(new)
    if d is None or count_one(new) != count_one(bytes(d)):
        return Err("ERR TESTFAILED sparse and dense counts differ")
    return OK
