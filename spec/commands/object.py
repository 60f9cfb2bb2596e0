"""OBJECT: introspection of a stored value's physical layer (Redis's ``objectCommand``)."""

from __future__ import annotations

from ..evict import estimate_idle_ms, lfu_decr_and_return, word_of
from ..memory import DICT_ENTRY, QUICKLIST_EXACT_MAX, SAMPLES, key_usage, quicklist_usage, sds_alloc
from ..numbers import string2ll
from ..reply import Err, Reply, Status, help_lines
from ..step import Step
from ..types.list import ListValue
from ..values import encoding_of
from .registry import command

_HELP = [Status(line) for line in help_lines("OBJECT", [
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
])]


@command("object|help")
def object_help(s: Step, argv: list[bytes]) -> Reply:
    """OBJECT HELP (``addReplyHelp``): usage lines, as status replies."""
    return list(_HELP)


@command("object|encoding")
def object_encoding(s: Step, argv: list[bytes]) -> Reply:
    """OBJECT ENCODING key: the value's encoding name, nil if the key is missing."""
    v = s.db.lookup(argv[2])
    return None if v is None else encoding_of(v).encode()


@command("object|refcount")
def object_refcount(s: Step, argv: list[bytes]) -> Reply:
    """OBJECT REFCOUNT key. Redis shares the integers 0..9999 (``OBJ_SHARED_INTEGERS``) unless
    ``maxmemory`` is set with an LRU/LFU policy, which needs per-key metadata
    (``tryObjectEncoding``); shared objects (spec.evict ``shared_marker``, decided when the
    value was stored) report INT_MAX."""
    v = s.db.lookup(argv[2])
    if v is None:
        return None
    return 2147483647 if s.db.lru.get(argv[2], 0) < 0 else 1


@command("object|idletime")
def object_idletime(s: Step, argv: list[bytes]) -> Reply:
    """OBJECT IDLETIME key: seconds since the last access (``estimateObjectIdleTime`` of the
    key's LRU clock; the lookup itself does not touch the key, ``LOOKUP_NOTOUCH``)."""
    v = s.db.lookup(argv[2])
    if v is None:
        return None
    if "lfu" in s.config.get("maxmemory-policy", "noeviction"):
        return Err(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time "
            "to adjust."
        )
    return estimate_idle_ms(word_of(s, s.db.lru.get(argv[2])), s.now_ms) // 1000


@command("object|freq")
def object_freq(s: Step, argv: list[bytes]) -> Reply:
    """OBJECT FREQ key: the LFU counter after decay (``LFUDecrAndReturn``, not stored); an
    error unless an LFU policy is selected."""
    v = s.db.lookup(argv[2])
    if v is None:
        return None
    if "lfu" not in s.config.get("maxmemory-policy", "noeviction"):
        return Err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust."
        )
    return lfu_decr_and_return(word_of(s, s.db.lru.get(argv[2])), s.now_ms,
                               s.config.get("lfu-decay-time", 1))


@command("memory|usage")
def memory_usage(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY USAGE key [SAMPLES count] (``memoryCommand``, object.c): the modelled bytes of
    the key (``objectComputeSize`` + key sds + dictEntry; spec.memory). The dict is read
    directly (``dictFind``): no expiry, no touch. A list of at most
    ``QUICKLIST_EXACT_MAX`` elements is sized from its nodes, ``count`` of them sampled (0:
    all; ``spec.memory.quicklist_usage``); other values by the model, which samples 5
    elements."""
    samples = SAMPLES
    for j in range(3, len(argv), 2):
        if argv[j].lower() != b"samples" or j + 1 >= len(argv):
            return SYNTAX_ERR
        n = string2ll(argv[j + 1])
        if n is None:
            return Err("ERR value is not an integer or out of range")
        if n < 0:
            return SYNTAX_ERR
        samples = n
    key = argv[2]
    v = s.db.keys.get(key)
    if v is None:
        return None
    if isinstance(v, ListValue) and len(v) <= QUICKLIST_EXACT_MAX:
        return (quicklist_usage(v, s.config.get("list-max-listpack-size", -2),
                                s.part("ql_packed_threshold"), samples)
                + sds_alloc(len(key), True) + DICT_ENTRY)
    return key_usage(key, v)


SYNTAX_ERR = Err("ERR syntax error")
