"""DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's fingerprint of a dataset (``debug.c``'s
``computeDatasetDigest``, ``xorObjectDigest``, ``mixDigest``, ``xorDigest``).

Two 20-byte SHA1 combinators: ``xorDigest(d, s)`` XORs ``SHA1(s)`` into ``d`` (order does not
matter), ``mixDigest(d, s)`` does that and then replaces ``d`` by ``SHA1(d)`` (order matters).
A value's digest mixes its type number (4 bytes, big-endian) and then:

- a string: its bytes (an integer-encoded one as its decimal text);
- a list: each element in order (mixed);
- a set: each member XORed;
- a sorted set: per member a fresh digest mixing the member and the score as ``%.17g``,
  XORed in;
- a hash: per field a fresh digest mixing field and value, XORed in;
- a stream: per live entry in ID order its ID as ``ms.seq`` (decimal), then each field and
  value (mixed). Consumer groups, their PELs and consumers are not part of it: 7.0.15's
  ``OBJ_STREAM`` branch walks the entries only (checked against a real server: creating a
  group or delivering an entry leaves DEBUG DIGEST-VALUE unchanged);

and XORs ``"!!expire!!"`` in when the key has a TTL. The dataset digest mixes, per non-empty
database, its number (4 bytes, big-endian), then XORs in, per key, a digest that mixes the key
and then the value as above. So the digest does not depend on encodings or on the order of
hashtables, which makes it the "same dataset" oracle between two servers. An empty dataset
digests to 20 zero bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import StreamValue
from .types.string import is_string
from .types.zset import ZSet

__all__ = ["xor_digest", "mix_digest", "object_digest", "stream_digest", "dataset_digest", "hexdigest"]

_TYPE_NUM = {ListValue: 1, SetValue: 2, ZSet: 3, HashValue: 4, StreamValue: 6}


def xor_digest(digest: bytearray, data: bytes) -> None:
    """``xorDigest``: XOR ``SHA1(data)`` into ``digest``."""
    h = hashlib.sha1(data).digest()
    for i in range(20):
        digest[i] ^= h[i]


def mix_digest(digest: bytearray, data: bytes) -> None:
    """``mixDigest``: ``xorDigest``, then ``digest = SHA1(digest)``."""
    xor_digest(digest, data)
    digest[:] = hashlib.sha1(bytes(digest)).digest()


def _score_text(score: float) -> bytes:
    """A score as ``snprintf("%.17g")`` prints it (``inf``, ``-inf``, ``nan`` spelt so)."""
    if score != score:
        return b"nan"
    if score in (float("inf"), float("-inf")):
        return b"inf" if score > 0 else b"-inf"
    return b"%.17g" % score


def object_digest(digest: bytearray, value: Any, has_expire: bool) -> None:
    """``xorObjectDigest``: add a value (and its having a TTL) to ``digest``."""
    tnum = 0 if is_string(value) else _TYPE_NUM[type(value)]
    mix_digest(digest, tnum.to_bytes(4, "big"))
    if is_string(value):
        mix_digest(digest, bytes(value))
    elif isinstance(value, ListValue):
        for e in value:
            mix_digest(digest, e)
    elif isinstance(value, SetValue):
        for i in range(len(value)):
            xor_digest(digest, value.slots[i])
    elif isinstance(value, ZSet):
        for m, s in value.items():
            ele = bytearray(20)
            mix_digest(ele, m)
            mix_digest(ele, _score_text(s))
            xor_digest(digest, bytes(ele))
    elif isinstance(value, HashValue):
        for f, v in value.items():
            ele = bytearray(20)
            mix_digest(ele, f)
            mix_digest(ele, v)
            xor_digest(digest, bytes(ele))
    elif isinstance(value, StreamValue):
        stream_digest(digest, value)
    if has_expire:
        xor_digest(digest, b"!!expire!!")


def stream_digest(digest: bytearray, value: StreamValue) -> None:
    """``xorObjectDigest``'s ``OBJ_STREAM`` branch: a stream iterator over every live entry
    (tombstones skipped), mixing the ID as ``%U.%U`` and then field, value, ..."""
    for e in value.entries():
        mix_digest(digest, b"%d.%d" % e.id)
        for f, v in zip(e.fields, e.values, strict=True):
            mix_digest(digest, f)
            mix_digest(digest, v)


def dataset_digest(dbs: Iterable[tuple[int, Iterable[tuple[bytes, Any, bool]]]]) -> bytes:
    """``computeDatasetDigest`` over (db number, [(key, value, has TTL)]) for the non-empty
    databases in ascending order."""
    final = bytearray(20)
    for dbid, keys in dbs:
        mixed = False
        for key, value, has_expire in keys:
            if not mixed:
                mix_digest(final, dbid.to_bytes(4, "big"))
                mixed = True
            d = bytearray(20)
            mix_digest(d, key)
            object_digest(d, value, has_expire)
            xor_digest(final, bytes(d))
    return bytes(final)


def hexdigest(digest: bytes) -> str:
    """The 40 lowercase hex characters DEBUG replies."""
    return digest.hex()
