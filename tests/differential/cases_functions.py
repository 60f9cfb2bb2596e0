"""Differential cases: Redis 7.0 functions (FUNCTION LOAD/DELETE/LIST/DUMP/RESTORE/FLUSH/
STATS/KILL/HELP, FCALL, FCALL_RO; issue 14).

Libraries outlive FLUSHALL on both servers, so every case starts and ends with FUNCTION FLUSH.
Redis lists libraries, and a library's functions, in the order of its dicts, which hash with
a seed drawn at random when the server starts: a case that lists (or dumps) shows one
library with one function, or sorts a list of one-function libraries; a library with
several functions is only called, never listed. The payloads restored below were taken from
FUNCTION DUMP of a 7.0.15 (their CRC is computed here, from the record bytes).
"""

from __future__ import annotations

from typing import Any

from redspec.spec.crc64 import crc64_bytes


def lib(name: str, body: str) -> str:
    return f"#!lua name={name}\n{body}"


def load(name: str, body: str, *opts: str) -> list[Any]:
    return ["FUNCTION", "LOAD", *opts, lib(name, body)]


def payload(records: bytes) -> bytes:
    """A FUNCTION DUMP payload: records, RDB version 10, CRC-64."""
    body = records + b"\x0a\x00"
    return body + crc64_bytes(body)


FLUSH = ["FUNCTION", "FLUSH"]
ONE = "redis.register_function('f1', function(keys, args) return {keys, args} end)"
RW = ("redis.register_function('setter', function(keys, args) return redis.call('set', keys[1], "
      "args[1]) end)\n"
      "redis.register_function{function_name='getter', callback=function(keys) return "
      "redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}")
#: The record 7.0.15's FUNCTION DUMP gives for ``lib("dumped", ...)`` with rdbcompression
#: off (the payload's footer is added by :func:`payload`).
DUMPED = lib("dumped", "redis.register_function('dumped_f', function() return 'restored' end)")
assert 64 <= len(DUMPED) < 16384  # an RDB 14-bit length: 01xxxxxx xxxxxxxx
SHORT_RECORD = b"\xf5" + bytes((0x40 | len(DUMPED) >> 8, len(DUMPED) & 0xFF)) + DUMPED.encode()

CASES: list[tuple[str, list[list[Any]]]] = [
    ("function load and fcall", [
        FLUSH, load("mylib", ONE), ["FCALL", "f1", 2, "k1", "k2", "a1"], ["FCALL", "F1", 0],
        ["FCALL", "f1", 0, "a"], ["FCALL_RO", "f1", 0], ["FUNCTION", "LIST"],
        ["FUNCTION", "LIST", "WITHCODE"], ["FUNCTION", "STATS"], FLUSH]),
    ("function load errors", [
        FLUSH, ["FUNCTION", "LOAD", "return 1"], ["FUNCTION", "LOAD", "#!lua"],
        ["FUNCTION", "LOAD", "#!lua name=x"], ["FUNCTION", "LOAD", "#lua name=x\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua\nreturn 1"], ["FUNCTION", "LOAD", "#!\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=x foo=bar\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=a name=b\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=\"x\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=x-y\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua \"name=x y\"\nreturn 1"],
        ["FUNCTION", "LOAD", "#!js name=x\nreturn 1"], load("x", "return 1"),
        load("x", "return 1+"), load("x", "local t = nil; local x = t.y"),
        load("x", "redis.call('ping')"), load("x", "x = 1"), load("x", "error('boom')"),
        load("x", "redis.x = 1"), load("x", "redis.register_function = 1"),
        load("x", "redis.log(1)"), load("x", "redis.log('x', 1)"),
        ["FUNCTION", "LOAD"], ["FUNCTION", "LOAD", "REPLACE"], ["FUNCTION", "LOAD", "X", "Y"],
        ["FUNCTION", "LIST"], FLUSH]),
    ("function load sees only the loading globals", [
        FLUSH, *[load("probe", f"local x = {g}\nredis.register_function('p', function() end)")
                 for g in ("string", "math", "table", "cjson", "pairs", "type", "tostring",
                           "pcall", "loadstring", "KEYS", "_G", "next", "redis.call",
                           "redis.pcall", "redis.setresp", "redis.sha1hex", "redis.error_reply",
                           "redis.REPL_ALL", "redis.log", "redis.LOG_WARNING",
                           "redis.REDIS_VERSION", "redis.REDIS_VERSION_NUM")],
        FLUSH]),
    ("function register_function errors", [
        FLUSH, *[load("x", body) for body in (
            "redis.register_function('f')", "redis.register_function('f', 1)",
            "redis.register_function(1, function() end)",
            "redis.register_function('a-b', function() end)",
            "redis.register_function('', function() end)",
            "redis.register_function('f', function() end) redis.register_function('f', function() end)",
            "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
            "redis.register_function{function_name='f', callback=function() end, foo=1}",
            "redis.register_function{callback=function() end}",
            "redis.register_function{function_name='f'}",
            "redis.register_function{function_name='f', callback=function() end, flags='x'}",
            "redis.register_function{function_name='z', callback=function() end, description={}}",
            "redis.register_function{function_name='z', callback=function() end, [1]=2}",
            "redis.register_function{function_name='z', callback=function() end, flags={1}}",
            "redis.register_function{function_name='z', callback=function() end, flags={{}}}",
            "redis.register_function{function_name={}, callback=function() end}",
            "redis.register_function{function_name='z', callback=1}",
            "redis.register_function('f', function() end, 3)", "redis.register_function()",
            "redis.register_function(1)")], ["FUNCTION", "LIST"], FLUSH]),
    ("function flags and description", [
        FLUSH, load("flagged", "redis.register_function{function_name='fl', callback=function() "
                    "return 1 end, description='all of them', flags={'allow-cross-slot-keys', "
                    "'NO-WRITES', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes'}}"),
        ["FUNCTION", "LIST"], ["FCALL_RO", "fl", 0], ["FCALL", "fl", 0],
        load("numeric", "redis.register_function{function_name=12, callback=function() "
             "return 2 end, description=3.5}"),
        ["FUNCTION", "LIST", "LIBRARYNAME", "numeric"], ["FCALL", "12", 0], FLUSH]),
    ("function replace and collisions", [
        FLUSH, load("l1", "redis.register_function('a', function() return 1 end)"),
        load("l1", "redis.register_function('a', function() return 2 end)"),
        load("l1", "redis.register_function('a', function() return 3 end)", "REPLACE"),
        ["FCALL", "a", 0], load("l2", "redis.register_function('A', function() end)"),
        load("l2", "redis.register_function('b', function() return 'b' end)"),
        load("l1", "redis.register_function('b', function() end)", "replace"),
        ["FCALL", "a", 0], load("l1", "redis.register_function('c', function() return 'c' end)",
                                "REPLACE"),
        ["FCALL", "a", 0], ["FCALL", "c", 0], ["FUNCTION", "LIST"],
        ["FUNCTION", "STATS"], FLUSH]),
    ("function list filters", [
        FLUSH, load("alpha", "redis.register_function('fa', function() end)"),
        load("Beta", "redis.register_function('fb', function() end)"),
        load("gamma_2", "redis.register_function('fg', function() end)"),
        ["FUNCTION", "LIST", "LIBRARYNAME", "alpha"], ["FUNCTION", "LIST", "LIBRARYNAME", "BETA"],
        ["FUNCTION", "LIST", "libraryname", "*a*", "withcode"],
        ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "zz"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "g?mma_[0-9]"], ["FUNCTION", "LIST"],
        ["FUNCTION", "LIST", "bad"], ["FUNCTION", "LIST", "LIBRARYNAME"],
        ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"], ["FUNCTION", "STATS"],
        FLUSH]),
    ("function delete flush kill help", [
        FLUSH, load("d1", "redis.register_function('d1f', function() return 1 end)"),
        ["FUNCTION", "DELETE", "nope"], ["FUNCTION", "DELETE", "D1"], ["FUNCTION", "DELETE", "d1"],
        ["FCALL", "d1f", 0], ["FUNCTION", "DELETE", "d1"], ["FUNCTION", "DELETE"],
        ["FUNCTION", "DELETE", "a", "b"], ["FUNCTION", "FLUSH", "bad"],
        ["FUNCTION", "FLUSH", "SYNC"], ["FUNCTION", "FLUSH", "async"],
        ["FUNCTION", "FLUSH", "a", "b"], ["FUNCTION", "KILL"], ["FUNCTION", "KILL", "x"],
        ["FUNCTION", "STATS", "x"], ["FUNCTION", "DUMP", "x"], ["FUNCTION", "HELP"],
        ["FUNCTION", "HELP", "x"], ["FUNCTION", "nosuch"], ["FUNCTION"], FLUSH]),
    ("fcall arguments and errors", [
        FLUSH, load("calls", "redis.register_function('f', function(keys, args) return "
                    "{#keys, #args, keys[1], args[1]} end)\n"
                    "redis.register_function('e', function() error('boom') end)\n"
                    "redis.register_function('e2', function() return redis.call('nosuch') end)\n"
                    "redis.register_function('rf', function() return "
                    "redis.register_function('x', function() end) end)\n"
                    "redis.register_function('g', function() x = 1 end)\n"
                    "redis.register_function('k', function() return KEYS end)\n"
                    "redis.register_function('t', function() return {type(math), type(cjson), "
                    "type(loadstring), type(_G)} end)\n"
                    "redis.register_function('p', function() return redis.pcall('incr', 'str') "
                    "end)\n"
                    "redis.register_function('et', function() return {err='MY own'} end)"),
        ["SET", "str", "x"],
        ["FCALL", "f", 1, "k", "a"], ["FCALL", "nope", 0], ["FCALL", "f", "x"],
        ["FCALL", "f", 3, "k"], ["FCALL", "f", -1], ["FCALL", "nope", "x"], ["FCALL", "e", 0],
        ["FCALL", "e2", 0], ["FCALL", "rf", 0], ["FCALL", "g", 0], ["FCALL", "k", 0],
        ["FCALL", "t", 0], ["FCALL", "p", 0], ["FCALL", "et", 0], ["FCALL"], ["FCALL", "f"],
        ["FCALL_RO", "f"], FLUSH]),
    ("fcall_ro and no-writes", [
        FLUSH, load("rw", RW), ["FCALL_RO", "setter", 1, "k", "v"],
        ["FCALL_RO", "getter", 1, "k"], ["FCALL", "setter", 1, "k", "v"],
        ["FCALL_RO", "getter", 1, "k"], ["FCALL", "getter", 1, "k"],
        load("rw2", "redis.register_function{function_name='badw', callback=function(keys) "
             "return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}"),
        ["FCALL", "badw", 1, "k"], ["FCALL_RO", "badw", 1, "k"], ["GET", "k"], FLUSH]),
    ("fcall resp3 and conversions", [
        FLUSH, load("conv", "redis.register_function('hm', function(keys) redis.setresp(3) "
                    "return redis.call('hgetall', keys[1]) end)\n"
                    "redis.register_function('tf', function() return {true, false, 3.7, "
                    "{double=1.5}} end)\n"
                    "redis.register_function('st', function() return redis.status_reply('FINE') "
                    "end)"),
        ["HSET", "h", "a", "1"], ["FCALL", "hm", 1, "h"], ["FCALL", "tf", 0], ["FCALL", "st", 0],
        FLUSH]),
    ("fcall in multi and with watch", [
        FLUSH, load("rw", RW), ["@2", "WATCH", "k"], ["FCALL", "setter", 1, "k", "1"],
        ["@2", "MULTI"], ["@2", "SET", "k", "2"], ["@2", "EXEC"], ["MULTI"],
        ["FCALL", "setter", 1, "k", "3"], ["FCALL_RO", "getter", 1, "k"], ["EXEC"], FLUSH]),
    ("function dump and restore", [
        FLUSH, ["FUNCTION", "DUMP"],
        load("mylib", "redis.register_function('my_f', function(keys, args) return "
             "'a fairly long body so that LZF has something to compress: ' .. (args[1] or '') "
             "end)"),
        ["FUNCTION", "DUMP"], ["FUNCTION", "RESTORE", "abc"], ["FUNCTION", "RESTORE", "abc", "bad"],
        ["FUNCTION", "RESTORE", "abc", "FLUSH"], ["FUNCTION", "RESTORE", "a", "b", "c"],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD)], ["FCALL", "dumped_f", 0],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD)],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD), "APPEND"],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD), "replace"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "dumped"], ["FUNCTION", "RESTORE", payload(SHORT_RECORD), "FLUSH"],
        ["FUNCTION", "LIST"], ["FUNCTION", "DUMP"], ["CONFIG", "SET", "rdbcompression", "no"],
        ["FUNCTION", "DUMP"], ["CONFIG", "SET", "rdbcompression", "yes"], FLUSH,
        load("again", "redis.register_function('again_f', function() return 'x' end)",
             "REPLACE"),
        ["FUNCTION", "DUMP"],
        ["FUNCTION", "LOAD", "REPLACE", "REPLACE", lib("again", "redis.register_function("
                                                            "'again_g', function() end)")],
        ["FUNCTION", "LIST"], FLUSH]),
    ("function restore errors", [
        FLUSH, ["FUNCTION", "RESTORE", payload(b"")], ["FUNCTION", "LIST"],
        ["FUNCTION", "RESTORE", payload(b"\x00\x01k\x01v")],
        ["FUNCTION", "RESTORE", payload(b"\xf6")], ["FUNCTION", "RESTORE", payload(b"\xf6\x01x")],
        ["FUNCTION", "RESTORE", payload(b"\xf5")], ["FUNCTION", "RESTORE", payload(b"\xf5\x80")],
        ["FUNCTION", "RESTORE", payload(b"\xf5\xc3\x05\x05abc")],
        ["FUNCTION", "RESTORE", payload(b"\xf5\xc0\x05")],
        ["FUNCTION", "RESTORE", payload(b"\xf5\x10abc")],
        ["FUNCTION", "RESTORE", payload(b"\xf5\x0creturn 1 end")],
        ["FUNCTION", "RESTORE", payload(b"\xf5\x15#!lua name=r\nreturn 1")],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD + SHORT_RECORD)],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD)[:-1] + b"\x00"],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD)[:-10] + b"\x0b\x00" + b"\x00" * 8],
        load("other", "redis.register_function('dumped_f', function() end)"),
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD)],
        ["FUNCTION", "RESTORE", payload(SHORT_RECORD), "REPLACE"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "other"], ["FUNCTION", "RESTORE", "short"],
        FLUSH]),
    ("function and fcall refused inside scripts", [
        FLUSH, load("n", "redis.register_function('nf', function() return redis.call('function', "
                    "'list') end)\nredis.register_function('nf2', function() return "
                    "redis.pcall('fcall', 'nf', '0') end)"),
        ["FCALL", "nf", 0], ["FCALL", "nf2", 0],
        ["EVAL", "return redis.call('fcall','nf','0')", 0],
        ["EVAL", "return redis.call('function','load','x')", 0],
        ["EVAL", "return redis.pcall('function','flush')", 0], FLUSH]),
    ("function commands in multi", [
        FLUSH, ["MULTI"], load("m", "redis.register_function('mf', function() return 1 end)"),
        ["FCALL", "mf", 0], ["FUNCTION", "LIST"], ["FUNCTION", "DELETE", "m"], ["FCALL", "mf", 0],
        ["EXEC"], ["MULTI"], ["FUNCTION", "LOAD"], ["EXEC"], FLUSH]),
    ("function binary code and values", [
        FLUSH, ["FUNCTION", "LOAD", "#!lua name=z\0x\nredis.register_function('zf', function() "
                "return 1 end)"],
        load("z", "redis.register_function('zf', function(keys, args) return {'a\\0b', "
             "args[1]} end) -- \0 in a comment"),
        ["FCALL", "zf", 0, b"\x00\xff"], ["FUNCTION", "LIST", "LIBRARYNAME", "z", "WITHCODE"],
        ["FUNCTION", "DUMP"], FLUSH]),
    ("fcall resp3 values", [
        FLUSH, load("big", "redis.register_function('bf', function() redis.setresp(3) "
                    "return {1, {double=2.5}, {big_number='123'}, {map={x=1}}, {set={y=true}}, "
                    "true, false, redis.call('get', 'nokey')} end)"),
        ["FCALL", "bf", 0], FLUSH]),
    ("function library locals persist between calls", [
        FLUSH, load("c", "local n = 0\nlocal cache = {hits = 0, list = {}}\n"
                    "local M = {count = 0}\nfunction M.bump() M.count = M.count + 1 "
                    "return M.count end\n"
                    "local function helper() n = n + 1 return n end\n"
                    "redis.register_function('inc', function() return helper() end)\n"
                    "redis.register_function('peek', function() return n end)\n"
                    "redis.register_function('cache', function(k, a) cache.hits = cache.hits + 1 "
                    "cache.list[#cache.list + 1] = a[1] return {cache.hits, #cache.list, "
                    "cache.list[#cache.list]} end)\n"
                    "redis.register_function('mod', function() return M.bump() end)\n"
                    "redis.register_function('err', function() n = n + 100 error('x') end)\n"
                    "redis.register_function('big', function() n = n + 0.5 "
                    "cache.nan = 0/0 cache.inf = -1/0 return tostring(n) end)"),
        ["FCALL", "inc", 0], ["FCALL", "inc", 0], ["FCALL", "peek", 0],
        ["FCALL", "cache", 0, "a"], ["FCALL", "cache", 0, b"b\x00\n\"'"], ["FCALL", "cache", 0],
        ["FCALL", "mod", 0], ["FCALL_RO", "mod", 0], ["FCALL", "err", 0], ["FCALL", "peek", 0],
        ["FCALL", "big", 0], ["FCALL", "big", 0],
        load("other", "local n = 0 redis.register_function('o', function() n = n + 1 "
             "return n end)"),
        ["FCALL", "o", 0], ["FCALL", "peek", 0],
        ["FUNCTION", "LOAD", "REPLACE", lib("c", "local n = 10\nredis.register_function('peek', "
                                             "function() n = n + 1 return n end)")],
        ["FCALL", "peek", 0], ["FCALL", "peek", 0], ["FCALL", "o", 0], FLUSH]),
    ("function load timeout", [
        FLUSH, load("loop", "while true do end"),
        load("short", "local i = 0 while i < 100000 do i = i + 1 end "
             "redis.register_function('short_f', function() return i end)"),
        ["FCALL", "short_f", 0], FLUSH]),
    ("function info fields", [
        FLUSH, load("i1", "redis.register_function('i1f', function() end)"),
        ["FCALL", "i1f", 0], load("i2", "redis.register_function{function_name='i2f', "
                                  "callback=function() end, description='described'}"),
        ["EVAL", "return redis.call('info','memory'):match('number_of_functions:%d+')", 0],
        ["EVAL", "return redis.call('info','memory'):match('number_of_libraries:%d+')", 0],
        ["EVAL", "return redis.call('info','memory'):match('used_memory_functions:%d+')", 0],
        ["FUNCTION", "DELETE", "i1"],
        ["EVAL", "return redis.call('info','memory'):match('number_of_functions:%d+')", 0],
        FLUSH,
        ["EVAL", "return redis.call('info','memory'):match('used_memory_functions:%d+')", 0]]),
]

NONDETERMINISTIC: dict[str, Any] = {
    # several one-function libraries: Redis lists them in its dict's (seeded) order
    "function list filters": {6: "sort", 9: "sort"},
    "function replace and collisions": {12: "sort"},
}
