"""Differential cases for memory accounting and maxmemory eviction (spec.memory, spec.evict).

Only what is deterministic on a real server: with ``maxmemory 1`` every command finds memory
over the limit, so eviction empties whatever the policy may touch and every deny-oom command
is refused (reads still run); MEMORY USAGE of strings and small aggregates (the model matches
Redis's figures there); OBJECT FREQ with ``lfu-log-factor 0`` (every access adds one, no draw
decides) and ``lfu-decay-time 0`` (no decay); OBJECT IDLETIME of a key just touched; the
CONFIG parameters of the mechanism and their error texts. The harness restores the config.
"""

from __future__ import annotations

TINY = ["CONFIG", "SET", "maxmemory", "1"]
FAR = "99999999999000"


def _policy(p: str) -> list[str]:
    return ["CONFIG", "SET", "maxmemory-policy", p]


LFU0 = [["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
        ["CONFIG", "SET", "lfu-log-factor", "0"], ["CONFIG", "SET", "lfu-decay-time", "0"]]

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("noeviction tiny: writes refused, reads run",
     [["SET", "a", "1"], TINY, ["SET", "b", "2"], ["GET", "a"], ["INCR", "a"],
      ["LPUSH", "l", "x"], ["DBSIZE"], ["EXISTS", "a"]]),
    ("noeviction tiny: DEL is not deny-oom",
     [["SET", "a", "1"], TINY, ["DEL", "a"], ["DBSIZE"], ["SET", "a", "1"]]),
    ("noeviction tiny: EXPIRE and PERSIST are not deny-oom",
     [["SET", "a", "1"], TINY, ["PEXPIREAT", "a", FAR], ["PERSIST", "a"], ["TTL", "a"]]),
    ("noeviction tiny: APPEND SETRANGE refused",
     [["SET", "a", "x"], TINY, ["APPEND", "a", "y"], ["SETRANGE", "a", "3", "z"], ["GET", "a"]]),
    ("noeviction tiny: hash set zset writes refused",
     [TINY, ["HSET", "h", "f", "v"], ["SADD", "s", "m"], ["ZADD", "z", "1", "m"],
      ["RPUSH", "l", "a"], ["MSET", "a", "1", "b", "2"], ["SETNX", "a", "1"]]),
    ("noeviction tiny: reads of aggregates run",
     [["RPUSH", "l", "a", "b"], ["HSET", "h", "f", "v"], TINY, ["LRANGE", "l", "0", "-1"],
      ["HGETALL", "h"], ["LLEN", "l"], ["TYPE", "h"]]),
    ("noeviction tiny then lifted",
     [TINY, ["SET", "a", "1"], ["CONFIG", "SET", "maxmemory", "0"], ["SET", "a", "1"],
      ["GET", "a"]]),
    ("noeviction large maxmemory: writes run",
     [["CONFIG", "SET", "maxmemory", "1gb"], ["SET", "a", "1"], ["GET", "a"]]),
    ("allkeys-lru tiny: everything evicted, write refused",
     [["SET", "a", "1"], ["SET", "b", "2"], ["RPUSH", "l", "x"], _policy("allkeys-lru"), TINY,
      ["DBSIZE"], ["SET", "c", "3"], ["DBSIZE"], ["GET", "a"]]),
    ("allkeys-lfu tiny: everything evicted",
     [["SET", "a", "1"], ["HSET", "h", "f", "v"], _policy("allkeys-lfu"), TINY, ["DBSIZE"],
      ["SET", "c", "3"]]),
    ("allkeys-random tiny: everything evicted",
     [["SET", "a", "1"], ["SET", "b", "2"], _policy("allkeys-random"), TINY, ["DBSIZE"],
      ["GET", "b"], ["SET", "c", "3"]]),
    ("allkeys-lru tiny: other databases too",
     [["SELECT", "3"], ["SET", "a", "1"], ["SELECT", "0"], ["SET", "b", "1"],
      _policy("allkeys-lru"), TINY, ["DBSIZE"], ["SELECT", "3"], ["DBSIZE"]]),
    ("volatile-lru tiny: only keys with a TTL go",
     [["SET", "a", "1"], ["SET", "v", "2", "PXAT", FAR], _policy("volatile-lru"), TINY,
      ["EXISTS", "v"], ["GET", "a"], ["DBSIZE"], ["SET", "b", "1"]]),
    ("volatile-lfu tiny: only keys with a TTL go",
     [["SET", "a", "1"], ["SET", "v", "2", "PXAT", FAR], _policy("volatile-lfu"), TINY,
      ["DBSIZE"], ["GET", "v"], ["GET", "a"]]),
    ("volatile-random tiny: only keys with a TTL go",
     [["SET", "a", "1"], ["SET", "v", "2", "PXAT", FAR], ["SET", "w", "3", "PXAT", FAR],
      _policy("volatile-random"), TINY, ["DBSIZE"], ["GET", "a"]]),
    ("volatile-ttl tiny: only keys with a TTL go",
     [["SET", "a", "1"], ["SET", "v", "2", "PXAT", FAR], _policy("volatile-ttl"), TINY,
      ["DBSIZE"], ["GET", "a"], ["INCR", "a"]]),
    ("volatile-lru without volatile keys: OOM",
     [["SET", "a", "1"], _policy("volatile-lru"), TINY, ["SET", "b", "1"], ["GET", "a"],
      ["DBSIZE"]]),
    ("volatile-ttl without volatile keys: OOM",
     [["SET", "a", "1"], _policy("volatile-ttl"), TINY, ["SET", "b", "1"], ["DBSIZE"]]),
    ("memory usage: int embstr raw strings",
     [["SET", "i", "1"], ["MEMORY", "USAGE", "i"], ["SET", "i", "-123456789012"],
      ["MEMORY", "USAGE", "i"], ["SET", "e", "abc"], ["MEMORY", "USAGE", "e"],
      ["SET", "e", "x" * 44], ["MEMORY", "USAGE", "e"], ["SET", "r", "x" * 45],
      ["MEMORY", "USAGE", "r"], ["SET", "r", "x" * 300], ["MEMORY", "USAGE", "r"],
      ["SET", "k" * 40, "v"], ["MEMORY", "USAGE", "k" * 40]]),
    ("memory usage: small aggregates",
     [["RPUSH", "l", "a", "b", "c"], ["MEMORY", "USAGE", "l"], ["HSET", "h", "a", "1"],
      ["MEMORY", "USAGE", "h"], ["SADD", "s", "1", "2"], ["MEMORY", "USAGE", "s"],
      ["ZADD", "z", "1", "a"], ["MEMORY", "USAGE", "z"]]),
    ("memory usage: missing key and syntax",
     [["SET", "a", "1"], ["MEMORY", "USAGE", "nokey"], ["MEMORY", "USAGE", "a", "SAMPLES"],
      ["MEMORY", "USAGE", "a", "SAMPLES", "x"], ["MEMORY", "USAGE", "a", "SAMPLES", "-1"],
      ["MEMORY", "USAGE", "a", "SAMPLES", "0"], ["MEMORY", "USAGE", "a", "FOO", "1"]]),
    ("memory usage: arity", [["MEMORY", "USAGE"]]),
    ("lfu: new key starts at 5, each read adds one",
     [*LFU0, ["SET", "f", "v"], ["OBJECT", "FREQ", "f"], ["GET", "f"], ["OBJECT", "FREQ", "f"],
      ["GET", "f"], ["GET", "f"], ["OBJECT", "FREQ", "f"]]),
    ("lfu: SET and MSET over a key count one access",
     [*LFU0, ["SET", "f", "v"], ["SET", "f", "w"], ["OBJECT", "FREQ", "f"], ["MSET", "f", "x"],
      ["OBJECT", "FREQ", "f"], ["SET", "f", "y", "XX"], ["OBJECT", "FREQ", "f"]]),
    ("lfu: no-touch commands leave the counter",
     [*LFU0, ["SET", "f", "v"], ["EXISTS", "f"], ["TYPE", "f"], ["TTL", "f"], ["PTTL", "f"],
      ["OBJECT", "ENCODING", "f"], ["OBJECT", "FREQ", "f"]]),
    ("lfu: APPEND and STRLEN touch",
     [*LFU0, ["SET", "f", "v"], ["APPEND", "f", "w"], ["STRLEN", "f"], ["OBJECT", "FREQ", "f"]]),
    ("lfu: list and hash reads touch",
     [*LFU0, ["RPUSH", "l", "a"], ["OBJECT", "FREQ", "l"], ["LRANGE", "l", "0", "-1"],
      ["RPUSH", "l", "b"], ["OBJECT", "FREQ", "l"], ["HSET", "h", "f", "v"], ["HGET", "h", "f"],
      ["OBJECT", "FREQ", "h"]]),
    ("lfu: idletime refused, freq of missing key",
     [*LFU0, ["SET", "f", "v"], ["OBJECT", "IDLETIME", "f"], ["OBJECT", "FREQ", "nokey"]]),
    ("lru: idletime of a fresh key, freq refused",
     [["SET", "f", "v"], ["GET", "f"], ["OBJECT", "IDLETIME", "f"], ["OBJECT", "FREQ", "f"],
      ["OBJECT", "IDLETIME", "nokey"]]),
    ("config: maxmemory get and set",
     [["CONFIG", "SET", "maxmemory", "100mb"], ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "0"], ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "-1"], ["CONFIG", "SET", "maxmemory", "abc"]]),
    ("config: maxmemory-policy values",
     [_policy("allkeys-lru"), ["CONFIG", "GET", "maxmemory-policy"], _policy("volatile-ttl"),
      ["CONFIG", "GET", "maxmemory-policy"], _policy("lru"), _policy("ALLKEYS-LFU"),
      ["CONFIG", "GET", "maxmemory-policy"]]),
    ("config: samples tenacity lfu params",
     [["CONFIG", "GET", "maxmemory-samples"], ["CONFIG", "SET", "maxmemory-samples", "10"],
      ["CONFIG", "SET", "maxmemory-samples", "0"], ["CONFIG", "GET", "maxmemory-eviction-tenacity"],
      ["CONFIG", "SET", "maxmemory-eviction-tenacity", "101"],
      ["CONFIG", "SET", "maxmemory-eviction-tenacity", "100"], ["CONFIG", "GET", "lfu-log-factor"],
      ["CONFIG", "SET", "lfu-log-factor", "-1"], ["CONFIG", "SET", "lfu-decay-time", "5"],
      ["CONFIG", "GET", "lfu-decay-time"]]),
]
