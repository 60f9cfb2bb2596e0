"""Lua scripting (spec/scripting.py, issue 14): EVAL/EVALSHA/_RO, SCRIPT, the sandbox, the
conversions and propagation, at the spec level. The differential cases
(tests/differential/cases_scripting.py) compare the same behaviours with Redis 7.0.15."""

from __future__ import annotations

import pytest

from redspec.spec import scripting
from redspec.spec.reply import Err
from redspec.spec.scripting import sha1hex, shebang_flags
from redspec.spec.server import client_connect, run_command
from tests.session import NOW, Session, b


def test_eval_basics_and_conversions() -> None:
    s = Session()
    assert s.call("EVAL", "return 1", 0) == b":1\r\n"
    assert s.call("EVAL", "return {1,2,nil,3}", 0) == b"*2\r\n:1\r\n:2\r\n"
    assert s.call("EVAL", "return 3.99", 0) == b":3\r\n"
    assert s.call("EVAL", "return -3.7", 0) == b":-3\r\n"
    assert s.call("EVAL", "return 0/0", 0) == b":-9223372036854775808\r\n"
    assert s.call("EVAL", "return false", 0) == b"$-1\r\n"
    assert s.call("EVAL", "return true", 0) == b":1\r\n"
    assert s.call("EVAL", 'return {err="x"}', 0) == b"-x\r\n"
    assert s.call("EVAL", 'return {ok="a\\nb"}', 0) == b"+a b\r\n"
    assert s.call("EVAL", "return {KEYS[1], ARGV[1]}", 1, "k", "a") == b"*2\r\n$1\r\nk\r\n$1\r\na\r\n"
    assert s.call("EVAL", 'return redis.error_reply("My")', 0) == b"-ERR My\r\n"
    assert s.call("EVAL", 'return redis.error_reply("MY x")', 0) == b"-MY x\r\n"
    assert s.call("EVAL", "return redis.REDIS_VERSION_NUM", 0) == b":458767\r\n"


def test_resp3_conversions() -> None:
    s = Session()
    s.call("HELLO", 3)
    s.call("HSET", "h", "a", "1")
    assert s.call("EVAL", 'redis.setresp(3); return redis.call("hgetall","h")', 0) == (
        b"%1\r\n$1\r\na\r\n$1\r\n1\r\n")
    assert s.call("EVAL", "redis.setresp(3); return true", 0) == b"#t\r\n"
    assert s.call("EVAL", "return {double=1.5}", 0) == b",1.5\r\n"
    assert s.call("EVAL", 'return type(redis.call("get","nokey"))', 0) == b"$7\r\nboolean\r\n"
    assert s.call("EVAL", 'redis.setresp(3) return type(redis.call("get","nokey"))', 0) == (
        b"$3\r\nnil\r\n")


def test_sandbox_errors() -> None:
    s = Session()
    sha = sha1hex(b"x=1")
    assert s.call("EVAL", "x=1", 0) == (
        b"-ERR user_script:1: Attempt to modify a readonly table script: %s, on "
        b"@user_script:1.\r\n" % sha.encode())
    assert b"nonexistent global variable 'os'" in s.call("EVAL", "return os", 0)
    assert s.call("EVAL", "return 1+", 0) == (
        b"-ERR Error compiling script (new function): user_script:1: unexpected symbol "
        b"near '<eof>'\r\n")
    assert s.call("EVAL", 'rawset(_G,"y",1) return y', 0).startswith(
        b"-ERR Attempt to modify a readonly table script:")
    assert s.call("EVAL", "return redis.pcall('nosuch')", 0) == (
        b"-ERR Unknown Redis command called from script\r\n")


def test_no_global_survives_a_script() -> None:
    s = Session()
    s.call("EVAL", "pcall(function() x = 1 end)", 0)
    assert b"nonexistent global variable 'x'" in s.call("EVAL", "return x", 0)


def test_script_cache_and_evalsha() -> None:
    s = Session()
    sha = sha1hex(b"return 1")
    assert s.call("SCRIPT", "LOAD", "return 1") == b"$40\r\n%s\r\n" % sha.encode()
    assert s.call("EVALSHA", sha.upper(), 0) == b":1\r\n"
    assert s.call("SCRIPT", "EXISTS", sha, "nope") == b"*2\r\n:1\r\n:0\r\n"
    assert s.call("EVALSHA", "abc", 0) == b"-NOSCRIPT No matching script. Please use EVAL.\r\n"
    assert s.call("SCRIPT", "FLUSH", "bad") == b"-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n"
    assert s.call("SCRIPT", "FLUSH") == b"+OK\r\n"
    assert s.call("SCRIPT", "EXISTS", sha) == b"*1\r\n:0\r\n"
    s.call("EVAL", "return 2", 0)  # EVAL caches its body too
    assert b"number_of_cached_scripts:1" in s.call("INFO", "memory")


def test_shebang_and_read_only() -> None:
    assert shebang_flags(b"#!lua") == shebang_flags(b"#!lua") and str(shebang_flags(b"#!lua")) == (
        "ERR Invalid script shebang")
    s = Session()
    assert s.call("EVAL_RO", 'return redis.call("set","k","v")', 0).startswith(
        b"-ERR Write commands are not allowed from read-only scripts. script:")
    assert s.call("EVAL_RO", "#!lua\nreturn 1", 0) == (
        b"-ERR Can not execute a script with write flag using *_ro command.\r\n")
    assert s.call("EVAL", "#!lua flags=bad\nreturn 1", 0) == (
        b"-ERR Unexpected flag in script shebang: bad\r\n")
    assert s.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", 0) == b"$-1\r\n"
    assert s.value("k") is None


def test_propagation_is_effects() -> None:
    s = Session()
    eff = s.effects("EVAL", "redis.call('set','a','1'); redis.call('incr','a')", 0)
    assert [a for _, a in eff.propagate] == [
        (b"MULTI",), (b"set", b"a", b"1"), (b"incr", b"a"), (b"EXEC",)]
    assert [a for _, a in s.effects("EVAL", "redis.call('set','a','1')", 0).propagate] == [
        (b"set", b"a", b"1")]
    assert not s.effects("EVAL", "return redis.call('get','a')", 0).propagate
    assert not s.effects(
        "EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set','a','2')", 0).propagate
    assert not s.effects("SCRIPT", "LOAD", "return 1").propagate


def test_script_writes_invalidate_watch_of_another_client() -> None:
    s = Session()
    s.state, other = client_connect(s.state, NOW)
    s.state, _ = run_command(s.state, other, [b"WATCH", b"k"], NOW)
    s.call("EVAL", "redis.call('set','k','1')", 0)
    s.state, _ = run_command(s.state, other, [b"MULTI"], NOW)
    s.state, _ = run_command(s.state, other, [b"SET", b"k", b"2"], NOW)
    s.state, frame = run_command(s.state, other, [b"EXEC"], NOW)
    assert frame == b"*-1\r\n"


def test_eval_inside_multi() -> None:
    s = Session()
    s.call("MULTI")
    assert s.call("EVAL", "return redis.call('incr','n')", 0) == b"+QUEUED\r\n"
    assert s.call("EXEC") == b"*1\r\n:1\r\n"
    s.call("MULTI")
    s.call("EVAL", "redis.call('incr','n')", 0)
    s.call("EVAL", "redis.call('incr','n')", 0)
    eff = s.effects("EXEC")
    assert [a[0] for _, a in eff.propagate] == [b"MULTI", b"incr", b"incr", b"EXEC"]


def test_math_random_carries_its_state() -> None:
    s = Session()
    # Redis's redisLrand48 from its initial state: the same numbers two fresh 7.0.15 give
    assert s.call("EVAL", "return math.random(1000000)", 0) == b":396465\r\n"
    assert s.call("EVAL", "return math.random(1000000)", 0) == b":840486\r\n"
    assert b(1) == b"1"


# -- the shebang line, math.randomseed, acl_check_cmd (answers read off 7.0.15) -------------------

SHEBANGS = [
    (b"#!\nreturn 1", "ERR Unexpected engine in script shebang: #!"),
    (b"#!luax\nreturn 1", "ERR Unexpected engine in script shebang: #!luax"),
    (b'#!"lu\\"a"\nreturn 1', 'ERR Unexpected engine in script shebang: #!lu"a'),
    (b'#!lua "abc\nreturn 1', "ERR Invalid engine in script shebang"),
    (b"#!lua 'abc\nreturn 1", "ERR Invalid engine in script shebang"),
    (b'#!lua "a"b\nreturn 1', "ERR Invalid engine in script shebang"),
    (b"#!lua 'a'b\nreturn 1", "ERR Invalid engine in script shebang"),
    (b'#!lua flags="no-writes"x\nreturn 1', "ERR Invalid engine in script shebang"),
    (b'#!lua "a\\x41"\nreturn 1', "ERR Unknown lua shebang option: aA"),
    (b'#!lua "a\\x4"\nreturn 1', "ERR Unknown lua shebang option: ax4"),
    (b"#!lua 'a\\'b'\nreturn 1", "ERR Unknown lua shebang option: a'b"),
    (b"#!lua 'a\\b'\nreturn 1", "ERR Unknown lua shebang option: a\\b"),
    (b"#!lua flags=no-writes,,allow-oom\nreturn 1", "ERR Unexpected flag in script shebang: "),
]


@pytest.mark.parametrize("body,err", SHEBANGS)
def test_shebang_errors(body: bytes, err: str) -> None:
    assert scripting.shebang_flags(body) == Err(err)


def test_shebang_flags_parsed() -> None:
    assert scripting.shebang_flags(b'#!"lua"\nreturn 1') == (frozenset(), 7)
    assert scripting.shebang_flags(b"#!'lua' 'flags=no-writes'\nreturn 1") == (
        frozenset({"no-writes"}), 25)
    assert scripting.shebang_flags(b"#!lua\tflags=no-writes\nreturn 1") == (
        frozenset({"no-writes"}), 21)
    assert scripting.shebang_flags(b"#!lua  flags=\nreturn 1") == (frozenset(), 13)
    assert scripting.shebang_flags(b"return 1") == (None, 0)
    s = Session()
    assert s.call("EVAL", "#!lua flags=allow-oom,no-cluster,allow-stale,allow-cross-slot-keys"
                  "\nreturn 2", 0) == b":2\r\n"


def test_randomseed_sequences() -> None:
    s = Session()
    assert s.call("EVAL", "math.randomseed(123456); return {math.random(1000), "
                  "math.random(1000)}", 0) == b"*2\r\n:941\r\n:671\r\n"
    assert s.call("EVAL", "math.randomseed(-5.5); return math.random(1000)", 0) == b":817\r\n"
    assert s.call("EVAL", "math.randomseed(4294967297); return math.random(1000)", 0) == (
        b":42\r\n")


def test_acl_check_cmd() -> None:
    s = Session()
    assert s.call("EVAL", "return redis.acl_check_cmd('get', 'k')", 0) == b":1\r\n"
    assert s.call("EVAL", "return redis.acl_check_cmd('get', 1)", 0) == b":1\r\n"
    assert s.call("EVAL", "return {pcall(redis.acl_check_cmd, 'nosuch')}", 0) == (
        b"*2\r\n$-1\r\n$51\r\nERR Invalid command passed to redis.acl_check_cmd()\r\n")
    assert s.call("EVAL", "return {pcall(redis.acl_check_cmd, 'get', {})}", 0) == (
        b"*2\r\n$-1\r\n$63\r\nERR Lua redis lib command arguments must be strings or "
        b"integers\r\n")


def test_script_load_checks_the_shebang() -> None:
    s = Session()
    assert s.call("SCRIPT", "LOAD", "#!lua flags=bad\nreturn 1") == (
        b"-ERR Unexpected flag in script shebang: bad\r\n")
    assert s.call("SCRIPT", "EXISTS", sha1hex(b"#!lua flags=bad\nreturn 1")) == b"*1\r\n:0\r\n"


def test_resp3_big_number_and_verbatim_tables() -> None:
    s = Session()
    s.call("HELLO", 3)
    assert s.call("EVAL", "return {big_number='123'}", 0) == b"(123\r\n"
    assert s.call("EVAL", "return {verbatim_string={format='txt',string='hi'}}", 0) == (
        b"=6\r\ntxt:hi\r\n")
    s.call("HELLO", 2)
    assert s.call("EVAL", "return {big_number='123'}", 0) == b"$3\r\n123\r\n"
    assert s.call("EVAL", "return {verbatim_string={format='txt',string='hi'}}", 0) == (
        b"$2\r\nhi\r\n")


def test_numbers_as_command_arguments() -> None:
    """``luaArgsToRedisArgv``: a Lua number is written with ``%.17g``; a boolean is refused."""
    s = Session()
    assert s.call("EVAL", "redis.call('set', 'k', 1.5); return redis.call('get', 'k')", 0) == (
        b"$3\r\n1.5\r\n")
    assert s.call("EVAL", "redis.call('set', 'n', 10); return redis.call('incrby', 'n', 3)",
                  0) == b":13\r\n"
    assert s.call("EVAL", "redis.call('set', 'f', 0.1); return redis.call('get', 'f')", 0) == (
        b"$19\r\n0.10000000000000001\r\n")
    assert s.call("EVAL", "return redis.pcall('set', 'k', true)", 0) == (
        b"-ERR Lua redis lib command arguments must be strings or integers\r\n")


def test_array_replies_in_lua() -> None:
    """``redisProtocolToLuaType``: an array is a table, a null array ``false`` (7.0.15)."""
    s = Session()
    assert s.call("EVAL", "redis.call('rpush','lz','a','b'); return redis.call('lrange','lz',0,-1)",
                  0) == b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert s.call("EVAL", "return type(redis.call('lpop','nokey',2))", 0) == b"$7\r\nboolean\r\n"
    assert s.call("EVAL", "return {type(redis.call('lrange','nokey',0,-1)), "
                  "#redis.call('lrange','nokey',0,-1)}", 0) == b"*2\r\n$5\r\ntable\r\n:0\r\n"
