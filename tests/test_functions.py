"""Redis 7.0 functions (spec/functions.py, issue 14): FUNCTION * and FCALL at the spec level,
their propagation, the dump payload's bytes, and FUNCTION DUMP / RESTORE interoperating with
a real redis-server 7.0.15 both ways. The differential cases
(tests/differential/cases_functions.py) compare the replies with 7.0.15."""

from __future__ import annotations

import random
import socket
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec.crc64 import crc64_bytes
from redspec.spec.functions import extract_lib_metadata, functions_dump
from redspec.spec.lzf import compress, decompress
from redspec.spec.rdbcodec import Reader, save_len, save_raw_string
from redspec.spec.state import FunctionLibrary
from tests.session import Session

LONG = ("#!lua name=longlib\n"
        "local function greet(keys, args) return 'hello ' .. (args[1] or 'nobody') end\n"
        "redis.register_function{function_name='greet', callback=greet, flags={'no-writes'},\n"
        "  description='greets whoever is named in the first argument, politely'}\n")
SHORT = "#!lua name=s\nredis.register_function('sf', function() return 7 end)"
RW = ("#!lua name=rw\n"
      "redis.register_function('two', function(keys) redis.call('set', keys[1], 'a') "
      "redis.call('incr', keys[2]) return 1 end)\n"
      "redis.register_function('one', function(keys) return redis.call('set', keys[1], 'b') end)\n"
      "redis.register_function{function_name='ro', callback=function(keys) "
      "return redis.call('get', keys[1]) end, flags={'no-writes'}}")


def test_load_list_and_call() -> None:
    s = Session()
    assert s.call("FUNCTION", "LOAD", LONG) == b"$7\r\nlonglib\r\n"
    assert s.call("FCALL", "GREET", 0, "you") == b"$9\r\nhello you\r\n"
    assert s.call("FCALL_RO", "greet", 0) == b"$12\r\nhello nobody\r\n"
    assert s.call("FUNCTION", "LIST") == (
        b"*1\r\n*6\r\n$12\r\nlibrary_name\r\n$7\r\nlonglib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
        b"$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$5\r\ngreet\r\n$11\r\ndescription\r\n"
        b"$55\r\ngreets whoever is named in the first argument, politely\r\n$5\r\nflags\r\n"
        b"*1\r\n+no-writes\r\n")
    s.call("HELLO", 3)
    assert s.call("FUNCTION", "STATS") == (
        b"%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n"
        b"$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n")
    info = s.call("INFO", "memory")
    assert b"number_of_functions:1\r\n" in info and b"number_of_libraries:1\r\n" in info


def test_library_state_lives_in_the_server_state() -> None:
    s = Session()
    before = s.state
    s.call("FUNCTION", "LOAD", SHORT)
    assert not before.scripting.libraries  # the input state is not changed
    lib = s.state.scripting.libraries[b"s"]
    assert lib.code == SHORT.encode() and [f.name for f in lib.functions] == [b"sf"]
    assert dict(s.state.scripting.functions) == {b"sf": b"s"}
    s.call("FCALL", "sf", 0)
    assert s.state.scripting.libraries[b"s"] is lib  # no local to keep: nothing changes


def test_metadata() -> None:
    assert extract_lib_metadata(b"#!lua name=a\nx") == (b"lua", b"a", b"\nx")
    assert str(extract_lib_metadata(b"return 1")) == "ERR Missing library metadata"
    assert str(extract_lib_metadata(b"#!lua name=a")) == "ERR Invalid library metadata"
    assert str(extract_lib_metadata(b"#!lua\nx")) == "ERR Library name was not given"
    assert str(extract_lib_metadata(b"#!lua x=1 name=a\n")) == (
        "ERR Invalid metadata value given: x=1")


def test_register_errors_and_loading_globals() -> None:
    s = Session()
    assert s.call("FUNCTION", "LOAD", "#!lua name=x\nredis.call('ping')") == (
        b"-ERR Error registering functions: ERR user_function:2: Script attempted to access "
        b"nonexistent global variable 'call'\r\n")
    assert s.call("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function = 1") == (
        b"-ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly "
        b"table\r\n")
    assert s.call("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{callback="
                  "function() end}") == (
        b"-ERR Error registering functions: ERR redis.register_function must get a function "
        b"name argument\r\n")
    assert s.call("FUNCTION", "LOAD", "#!lua name=x\nreturn 1") == (
        b"-ERR No functions registered\r\n")
    assert s.call("FUNCTION", "LIST") == b"*0\r\n"


def test_load_timeout_is_an_instruction_budget() -> None:
    s = Session()
    assert s.call("FUNCTION", "LOAD", "#!lua name=loop\nwhile true do end") == (
        b"-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n")
    # the hook is gone once the library is loaded: a function may run longer
    s.call("FUNCTION", "LOAD", "#!lua name=ok\nredis.register_function('long', function() "
           "local i = 0 while i < 20000000 do i = i + 1 end return i end)")
    assert s.call("FCALL", "long", 0) == b":20000000\r\n"


def test_errors_name_the_function() -> None:
    s = Session()
    s.call("FUNCTION", "LOAD", "#!lua name=e\n\nredis.register_function('boom', function() "
           "error('x') end)")
    assert s.call("FCALL", "boom", 0) == (
        b"-ERR user_function:3: x script: boom, on @user_function:3.\r\n")
    assert s.call("FCALL", "nope", 0) == b"-ERR Function not found\r\n"


def test_read_only_gates() -> None:
    s = Session()
    s.call("FUNCTION", "LOAD", RW)
    assert s.call("FCALL_RO", "one", 1, "k") == (
        b"-ERR Can not execute a script with write flag using *_ro command.\r\n")
    assert s.call("FCALL_RO", "ro", 1, "k") == b"$-1\r\n"
    assert s.value("k") is None


def test_propagation() -> None:
    s = Session()
    eff = s.effects("FUNCTION", "LOAD", RW)
    assert [a for _, a in eff.propagate] == [(b"FUNCTION", b"LOAD", RW.encode())]
    assert not s.effects("FUNCTION", "LOAD", RW).propagate  # refused: nothing changed
    assert [a for _, a in s.effects("FCALL", "two", 2, "a", "b").propagate] == [
        (b"MULTI",), (b"set", b"a", b"a"), (b"incr", b"b"), (b"EXEC",)]
    assert [a for _, a in s.effects("FCALL", "one", 1, "a").propagate] == [
        (b"set", b"a", b"b")]
    assert not s.effects("FCALL", "ro", 1, "a").propagate
    assert not s.effects("FUNCTION", "LIST").propagate
    dump = s.state.scripting.libraries
    payload = functions_dump(list(dump.values()))
    assert [a for _, a in s.effects("FUNCTION", "DELETE", "rw").propagate] == [
        (b"FUNCTION", b"DELETE", b"rw")]
    assert [a for _, a in s.effects("FUNCTION", "RESTORE", payload).propagate] == [
        (b"FUNCTION", b"RESTORE", payload)]
    assert [a for _, a in s.effects("FUNCTION", "FLUSH", "ASYNC").propagate] == [
        (b"FUNCTION", b"FLUSH", b"ASYNC")]


def test_library_locals_persist_between_calls() -> None:
    """In Redis a library stays loaded in one Lua state, so its local variables keep their
    values between calls (7.0.15 gives these replies); here the state carries them
    (``FunctionLibrary.lua_state``) and a fresh runtime gets them back."""
    s = Session()
    s.call("FUNCTION", "LOAD", "#!lua name=c\nlocal n = 0\nlocal seen = {list = {}}\n"
           "local function bump() n = n + 1 return n end\n"
           "redis.register_function('inc', function() return bump() end)\n"
           "redis.register_function('peek', function() return n end)\n"
           "redis.register_function('add', function(k, a) seen.list[#seen.list + 1] = a[1] "
           "return #seen.list end)\n"
           "redis.register_function('fail', function() n = n + 100 error('x') end)")
    assert s.state.scripting.libraries[b"c"].lua_state is None
    assert s.call("FCALL", "inc", 0) == b":1\r\n"
    assert s.call("FCALL", "inc", 0) == b":2\r\n"
    assert s.call("FCALL", "peek", 0) == b":2\r\n"  # one local shared by two functions
    assert s.call("FCALL", "add", 0, "a\0\n") == b":1\r\n"
    assert s.call("FCALL", "add", 0, "b") == b":2\r\n"
    s.call("FCALL", "fail", 0)  # what a failing call changed stays changed
    assert s.call("FCALL", "peek", 0) == b":102\r\n"
    code = s.state.scripting.libraries[b"c"].code
    s.call("FUNCTION", "LOAD", "REPLACE", code)  # a new load starts again
    assert s.call("FCALL", "peek", 0) == b":0\r\n"


def test_locals_that_cannot_be_written_down_start_again() -> None:
    """A local holding a function made at run time is not carried (documented difference:
    Redis keeps it); the call still works and the plain locals are carried."""
    s = Session()
    s.call("FUNCTION", "LOAD", "#!lua name=m\nlocal maker = nil\nlocal n = 0\n"
           "redis.register_function('mk', function() local k = 0 maker = function() k = k + 1 "
           "return k end n = n + 1 return maker() end)\n"
           "redis.register_function('use', function() return {maker and maker() or 0, n} end)")
    assert s.call("FCALL", "mk", 0) == b":1\r\n"
    assert s.call("FCALL", "use", 0) == b"*2\r\n:0\r\n:1\r\n"  # 7.0.15: 2, 1


def test_dump_restore_round_trip_and_policies() -> None:
    s = Session()
    s.call("FUNCTION", "LOAD", LONG)
    s.call("FUNCTION", "LOAD", SHORT)
    payload = s.call("FUNCTION", "DUMP").split(b"\r\n", 1)[1][:-2]
    assert payload[-10:-8] == b"\x0a\x00" and payload[-8:] == crc64_bytes(payload[:-8])
    assert s.call("FUNCTION", "RESTORE", payload) == b"-ERR Library longlib already exists\r\n"
    assert s.call("FUNCTION", "RESTORE", payload, "REPLACE") == b"+OK\r\n"
    s.call("FUNCTION", "FLUSH")
    assert s.call("FUNCTION", "RESTORE", payload) == b"+OK\r\n"
    assert s.call("FCALL", "sf", 0) == b":7\r\n"
    assert s.call("FUNCTION", "RESTORE", payload[:-1] + bytes([payload[-1] ^ 1])) == (
        b"-ERR DUMP payload version or checksum are wrong\r\n")


def test_dump_bytes() -> None:
    short = FunctionLibrary(b"s", SHORT.encode())
    assert len(SHORT) > 63  # a 14-bit length: 01xxxxxx xxxxxxxx
    body = b"\xf5\x40" + bytes([len(SHORT)]) + SHORT.encode() + b"\x0a\x00"
    assert functions_dump([short], compression=False) == body + crc64_bytes(body)
    # long code is LZF-compressed (RDB_ENC_LZF), as Redis stores it
    lng = functions_dump([FunctionLibrary(b"longlib", LONG.encode())])
    assert lng[1] == 0xC3
    assert Reader(lng, 1).load_string() == LONG.encode()


@given(st.binary(max_size=600) | st.text("ab \n()", max_size=600).map(str.encode))
@settings(max_examples=300, deadline=None)
def test_lzf_round_trip(data: bytes) -> None:
    comp = compress(data, len(data) + 64)
    if data:
        assert comp is not None and decompress(comp, len(data)) == data
    enc = save_raw_string(data, True)
    assert Reader(enc).load_string() == data


def test_rdb_lengths() -> None:
    for n in (0, 63, 64, 16383, 16384, 2**32 - 1, 2**32):
        enc = save_len(n)
        assert Reader(enc).load_len_enc() == (n, False)
    assert save_raw_string(b"-12", True) == b"\xc0\xf4"
    assert save_raw_string(b"012", True) == b"\x03012"


# -- against a real redis-server 7.0.15 ----------------------------------------------------


def _command(sock: socket.socket, *args: Any) -> bytes:
    """One command on a raw connection; the reply frame (bulk payloads are short here)."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)
    buf = b""
    while True:
        buf += sock.recv(65536)
        if buf.startswith(b"$") and b"\r\n" in buf:
            head, rest = buf.split(b"\r\n", 1)
            n = int(head[1:])
            if n < 0 or len(rest) >= n + 2:
                return buf
        elif buf.endswith(b"\r\n"):
            return buf


def _bulk(frame: bytes) -> bytes:
    head, rest = frame.split(b"\r\n", 1)
    return rest[:int(head[1:])]


def test_dump_restore_interop_with_redis(private_redis: Any) -> None:
    """A payload of 7.0.15 restores here and ours in 7.0.15; for one library the bytes are
    identical, for two they are the same records (Redis orders them by its seeded dict)."""
    with socket.create_connection(("127.0.0.1", private_redis.port)) as r:
        for code in (LONG, SHORT):
            assert _command(r, "FUNCTION", "LOAD", code).startswith(b"$")
        both = _bulk(_command(r, "FUNCTION", "DUMP"))
        _command(r, "FUNCTION", "DELETE", "s")
        one = _bulk(_command(r, "FUNCTION", "DUMP"))
        s = Session()
        s.call("FUNCTION", "LOAD", LONG)
        assert _bulk(s.call("FUNCTION", "DUMP")) == one
        s.call("FUNCTION", "LOAD", SHORT)
        libs = s.state.scripting.libraries
        assert both in (functions_dump([libs[b"longlib"], libs[b"s"]]),
                        functions_dump([libs[b"s"], libs[b"longlib"]]))
        fresh = Session()
        assert fresh.call("FUNCTION", "RESTORE", both) == b"+OK\r\n"
        assert fresh.call("FUNCTION", "LIST", "WITHCODE") == s.call("FUNCTION", "LIST", "WITHCODE")
        assert fresh.call("FCALL", "greet", 0, "redis") == b"$11\r\nhello redis\r\n"
        ours = _bulk(s.call("FUNCTION", "DUMP"))
        assert _command(r, "FUNCTION", "RESTORE", ours, "FLUSH") == b"+OK\r\n"
        assert _command(r, "FCALL", "sf", 0) == b":7\r\n"
        assert _command(r, "FCALL", "greet", 0, "us") == b"$8\r\nhello us\r\n"


def test_dump_bytes_of_generated_libraries(private_redis: Any) -> None:
    """FUNCTION DUMP of generated libraries, each dumped twice by 7.0.15, equals ours."""
    rng = random.Random(3)
    pieces = ["redis.call('set', keys[1], args[1]) ", "x = (x or 1) + 1 ", "-- c\n",
              "if keys then local y = 2 end ", "local z = 'aaaaaaaaab' "]
    with socket.create_connection(("127.0.0.1", private_redis.port)) as r:
        for i in range(40):
            body = "".join(rng.choice(pieces) for _ in range(rng.randrange(3, 40)))
            code = (f"#!lua name=l{i}\nredis.register_function('f{i}', function(keys, args) "
                    f"local x = 1 {body} return 1 end)")
            _command(r, "FUNCTION", "FLUSH")
            assert _command(r, "FUNCTION", "LOAD", code).startswith(b"$")
            first = _bulk(_command(r, "FUNCTION", "DUMP"))
            second = _bulk(_command(r, "FUNCTION", "DUMP"))
            s = Session()
            s.call("FUNCTION", "LOAD", code)
            assert first == second == _bulk(s.call("FUNCTION", "DUMP")), code


def test_lzf_matches_redis_dump(private_redis: Any) -> None:
    """Redis's DUMP of a string key holds the value as an RDB string: LZF-compressed by
    7.0.15's compressor when it pays. Each value in a key of its own, never freed, so that no
    stale slot of Redis's uninitialised hash table can point into it."""
    rng = random.Random(14)
    words = [b"redis", b"function", b"(", b")", b" ", b"\n", b"local", b"return", b"a", b"ab"]
    with socket.create_connection(("127.0.0.1", private_redis.port)) as r:
        for i in range(300):
            n = rng.choice([21, 24, 30, 45, 80, 200, 1000, 5000])
            kind = i % 3
            if kind == 0:
                v = bytes(rng.choice(b"ab") for _ in range(n))
            elif kind == 1:
                v = bytes(rng.randrange(256) for _ in range(n))
            else:
                v = b"".join(rng.choice(words) for _ in range(n // 3))[:n]
            if len(v) <= 20:
                continue
            _command(r, "SET", f"k{i}", v)
            body = b"\x00" + save_raw_string(v, True) + b"\x0a\x00"
            assert _bulk(_command(r, "DUMP", f"k{i}")) == body + crc64_bytes(body), (i, v)


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
