"""Differential cases: per-client state (PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH, CLIENT).

Conventions (see ``tests/differential/harness.py``):

- A case is ``(name, [argv, ...])``; each case starts after FLUSHALL with fresh connections.
- An argv whose first element is ``"@N"`` is sent on connection N (``"@2"``: a second
  connection); argvs without a marker go to connection 1. Every connection a case names is
  opened before its first step, in number order (so CLIENT LIST sees all of them from the
  start), and in the RESP3 replay each one sends ``HELLO 3`` first.
- A connection is accepted by the server asynchronously: a case that needs connection N to
  exist before connection 1 acts (CLIENT LIST, CONFIG SET requirepass) starts with a step on N.
- The harness's own *setup connection* (FLUSHALL, CLIENT LIST until it is alone) stays open
  during a case: CLIENT LIST shows it (``cmd=client|list``) and a CLIENT KILL by TYPE or USER
  counts and kills it too (the harness reconnects it).
- ``NONDETERMINISTIC`` names normalisers (``tests/differential/normalise.py``): client ids,
  addresses, fds, ages and memory figures differ between servers, so cases that show them use
  ``"client-list"`` (CLIENT LIST / INFO lines), ``"hello"`` (the id in HELLO's reply) or
  ``"client-id"`` (CLIENT ID; by step index, since it masks every integer).

Cases that set ``requirepass`` clear it again in their last step.

Nothing is sent on a connection after a step that closes it (QUIT, CLIENT KILL of itself): in
``split`` mode those bytes would reach the server after it closed the socket, the kernel would
answer with a reset, and the client could lose the reply to the closing command (a race of
TCP, on real Redis too). That a closing command ends the pipeline is tested in
``tests/test_clients.py``.
"""

from __future__ import annotations

from typing import Any

HELLO_LIST: list[str] = ["hello", "client-list"]

CASES: list[tuple[str, list[list[Any]]]] = [
    # -- PING / ECHO ------------------------------------------------------------------------
    ("ping-echo", [
        ["PING"], ["PING", "hello"], ["ping", ""], ["PING", "a", "b"],
        ["ECHO", "x"], ["ECHO", b"\x00\xff\r\n"], ["ECHO"], ["ECHO", "a", "b"],
    ]),
    # -- SELECT -------------------------------------------------------------------------------
    ("select-errors", [
        ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "x"], ["SELECT", "99999999999"],
        ["SELECT", "2147483648"], ["SELECT", "-2147483649"], ["SELECT", " 1"], ["SELECT", "01"],
        ["SELECT", "1.0"], ["SELECT"], ["SELECT", "1", "2"], ["SELECT", "15"], ["SELECT", "0"],
    ]),
    ("select-isolation", [
        ["SET", "k", "v0"], ["SELECT", "1"], ["GET", "k"], ["SET", "k", "v1"], ["SELECT", "0"],
        ["GET", "k"], ["SELECT", "1"], ["GET", "k"], ["@2", "GET", "k"],
    ]),
    # -- QUIT ---------------------------------------------------------------------------------
    ("quit", [["QUIT"]]),
    ("quit-with-args", [["QUIT", "now", "please"]]),
    ("quit-after-write", [["SET", "a", "1"], ["QUIT"], ["@2", "GET", "a"]]),
    ("quit-gone-from-list", [["@2", "QUIT"], ["CLIENT", "LIST"]]),
    # -- HELLO --------------------------------------------------------------------------------
    ("hello-default", [["HELLO"], ["HELLO", "2"], ["HELLO"]]),
    ("hello-switch", [
        ["HELLO", "3"], ["GET", "missing"], ["HELLO"], ["HELLO", "2"], ["GET", "missing"],
        ["HELLO", "3"], ["HELLO", "3"],
    ]),
    ("hello-errors", [
        ["HELLO", "4"], ["HELLO", "1"], ["HELLO", "0"], ["HELLO", "-1"], ["HELLO", "x"],
        ["HELLO", "2.5"], ["HELLO", ""], ["HELLO", "02"], ["HELLO", "99999999999999999999"],
        ["HELLO", "2", "foo"], ["HELLO", "3", "AUTH", "default"], ["HELLO", "3", "SETNAME"],
        ["HELLO", "2", "setname", "a b"], ["HELLO", "SETNAME", "x"], ["HELLO", "4", "foo"],
    ]),
    ("hello-setname", [
        ["HELLO", "3", "SETNAME", "myname"], ["CLIENT", "GETNAME"],
        ["HELLO", "2", "setname", ""], ["CLIENT", "GETNAME"],
        ["HELLO", "2", "SETNAME", "a", "SETNAME", "b"], ["CLIENT", "GETNAME"],
    ]),
    ("hello-auth-nopass", [
        ["HELLO", "2", "AUTH", "default", "anything"], ["HELLO", "3", "AUTH", "bob", "x"],
        ["HELLO", "3", "auth", "default", ""], ["HELLO", "3", "AUTH", "default", "x", "y"],
    ]),
    ("hello-options-apply-in-order", [
        ["HELLO", "3", "SETNAME", "kept", "foo"], ["CLIENT", "GETNAME"], ["GET", "missing"],
        ["HELLO", "3", "SETNAME", "early", "AUTH", "bob", "x"], ["CLIENT", "GETNAME"],
        ["HELLO", "3", "AUTH", "bob", "x", "SETNAME", "late"], ["CLIENT", "GETNAME"],
        ["HELLO", "3", "SETNAME", "x y", "SETNAME", "ok"], ["CLIENT", "GETNAME"],
    ]),
    ("hello-in-client-list", [
        ["@2", "HELLO", "3", "SETNAME", "three"], ["CLIENT", "LIST"], ["@2", "HELLO", "2"],
        ["CLIENT", "LIST"],
    ]),
    # -- AUTH ---------------------------------------------------------------------------------
    ("auth-without-requirepass", [
        ["AUTH", "x"], ["AUTH", "default", "x"], ["AUTH", "default", ""], ["AUTH", "bob", "x"],
        ["AUTH", "a", "b", "c"], ["AUTH"], ["PING"],
    ]),
    ("requirepass-reset-and-auth", [
        ["@2", "PING"], ["CONFIG", "SET", "requirepass", "pw"], ["PING"], ["@2", "PING"],
        ["RESET"], ["PING"],
        ["CLIENT", "ID"], ["SELECT", "1"], ["HELLO"], ["HELLO", "3"],
        ["HELLO", "3", "SETNAME", "a b"], ["HELLO", "3", "AUTH", "default", "bad"],
        ["HELLO", "2", "SETNAME", "early"], ["AUTH", "bad"], ["AUTH", "default", "bad"],
        ["PING"], ["AUTH", "a", "b", "c"], ["QUIT", "x"],
        ["@2", "AUTH", "x"], ["@2", "AUTH", "pw"], ["@2", "RESET"], ["@2", "CLIENT", "GETNAME"],
        ["@2", "HELLO", "3", "AUTH", "default", "pw", "SETNAME", "n"], ["@2", "CLIENT", "GETNAME"],
        ["@2", "AUTH", "default", "bad"], ["@2", "PING"],
        ["@2", "CONFIG", "SET", "requirepass", ""],
    ]),
    ("requirepass-early-name-survives", [
        ["CONFIG", "SET", "requirepass", "pw"], ["RESET"], ["HELLO", "2", "SETNAME", "early"],
        ["AUTH", "pw"], ["CLIENT", "GETNAME"], ["HELLO", "3", "AUTH", "default", "pw", "foo"],
        ["PING"], ["CONFIG", "SET", "requirepass", ""], ["RESET"], ["PING"],
    ]),
    # -- CLIENT ID / GETNAME / SETNAME --------------------------------------------------------
    ("client-id", [["CLIENT", "ID"], ["CLIENT", "ID", "x"], ["client", "id"]]),
    ("client-setname-getname", [
        ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "foo"], ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME", ""], ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "a b"],
        ["CLIENT", "SETNAME", "a\nb"], ["CLIENT", "SETNAME", b"\xc3\xa9"],
        ["CLIENT", "SETNAME", b"\x7f"], ["CLIENT", "SETNAME", b"a\x00b"],
        ["CLIENT", "SETNAME", "~!#$%"], ["CLIENT", "GETNAME"],
    ]),
    ("client-setname-arity", [
        ["CLIENT", "SETNAME"], ["CLIENT", "SETNAME", "a", "b"], ["CLIENT", "GETNAME", "x"],
        ["CLIENT"],
    ]),
    ("client-getname-null-resp", [["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "n"],
                                  ["CLIENT", "GETNAME"]]),
    # -- CLIENT INFO / LIST -------------------------------------------------------------------
    ("client-info", [["CLIENT", "INFO"], ["CLIENT", "INFO", "x"]]),
    ("client-info-state", [
        ["CLIENT", "SETNAME", "x"], ["SELECT", "5"], ["CLIENT", "NO-EVICT", "on"],
        ["CLIENT", "INFO"], ["HELLO", "3"], ["CLIENT", "INFO"], ["HELLO", "2"], ["CLIENT", "INFO"],
    ]),
    ("client-list-single", [["CLIENT", "LIST"], ["client", "list"]]),
    ("client-list-two", [
        ["@2", "CLIENT", "SETNAME", "two"], ["@2", "SELECT", "3"], ["CLIENT", "LIST"],
        ["@2", "GET"], ["CLIENT", "LIST"], ["@2", "NOSUCHCOMMAND"], ["CLIENT", "LIST"],
        ["@2", "CLIENT", "NOSUCH"], ["CLIENT", "LIST"], ["@2", "CLIENT", "NO-EVICT", "on"],
        ["CLIENT", "LIST", "TYPE", "normal"],
    ]),
    ("client-list-three", [
        ["@3", "CLIENT", "SETNAME", "c3"], ["@2", "CLIENT", "SETNAME", "c2"],
        ["CLIENT", "LIST"], ["@2", "QUIT"], ["CLIENT", "LIST"],
    ]),
    ("client-list-type", [
        ["CLIENT", "LIST", "TYPE", "normal"], ["CLIENT", "LIST", "TYPE", "NORMAL"],
        ["CLIENT", "LIST", "TYPE", "pubsub"], ["CLIENT", "LIST", "TYPE", "master"],
        ["CLIENT", "LIST", "TYPE", "replica"], ["CLIENT", "LIST", "TYPE", "slave"],
        ["CLIENT", "LIST", "TYPE", "foo"], ["CLIENT", "LIST", "foo"],
        ["CLIENT", "LIST", "TYPE", "normal", "x"], ["CLIENT", "LIST", "TYPE"],
    ]),
    ("client-list-id", [
        ["CLIENT", "LIST", "ID", "999999"], ["CLIENT", "LIST", "ID", "0"],
        ["CLIENT", "LIST", "ID", "-1"], ["CLIENT", "LIST", "ID", "x"],
        ["CLIENT", "LIST", "ID", "999", "x"], ["CLIENT", "LIST", "ID", "1.5"],
        ["CLIENT", "LIST", "ID"], ["CLIENT", "LIST", "id", "999999", "999998"],
    ]),
    # -- CLIENT KILL --------------------------------------------------------------------------
    ("client-kill-errors", [
        ["CLIENT", "KILL", "ID", "x"], ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "ID", "-1"],
        ["CLIENT", "KILL", "ID", "1.5"], ["CLIENT", "KILL", "ID", "99999999999999999999"],
        ["CLIENT", "KILL", "TYPE", "foo"], ["CLIENT", "KILL", "USER", "bob"],
        ["CLIENT", "KILL", "SKIPME", "maybe"], ["CLIENT", "KILL", "foo", "bar"],
        ["CLIENT", "KILL", "ID", "9", "TYPE"], ["CLIENT", "KILL", "USER", "bob", "ID", "x"],
        ["CLIENT", "KILL", "ID", "x", "USER", "bob"], ["CLIENT", "KILL"],
    ]),
    ("client-kill-no-match", [
        ["CLIENT", "KILL", "1.2.3.4:5"], ["CLIENT", "KILL", "ID"], ["CLIENT", "KILL", "addr"],
        ["CLIENT", "KILL", "ID", "999999"], ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
        ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"], ["CLIENT", "KILL", "ID", "999999", "TYPE", "NORMAL"],
        ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "KILL", "TYPE", "pubsub"],
        ["CLIENT", "KILL", "TYPE", "replica", "SKIPME", "no"], ["CLIENT", "KILL", "TYPE", "slave"],
        ["CLIENT", "KILL", "ADDR", "x", "SKIPME", "YES"], ["PING"],
    ]),
    ("client-kill-others-by-type", [
        ["@2", "CLIENT", "SETNAME", "victim"], ["CLIENT", "KILL", "TYPE", "normal"],
        ["CLIENT", "LIST"], ["PING"],
    ]),
    ("client-kill-self-skipme-no", [["CLIENT", "KILL", "USER", "default", "SKIPME", "no"]]),
    # -- CLIENT NO-EVICT / HELP / unknown -----------------------------------------------------
    ("client-no-evict", [
        ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "NO-EVICT", "ON"], ["CLIENT", "INFO"],
        ["CLIENT", "NO-EVICT", "Off"], ["CLIENT", "INFO"], ["CLIENT", "NO-EVICT", "maybe"],
        ["CLIENT", "NO-EVICT"], ["CLIENT", "NO-EVICT", "on", "x"],
    ]),
    ("client-help", [["CLIENT", "HELP"], ["client", "help"], ["CLIENT", "HELP", "x"]]),
    ("client-unknown-subcommands", [
        ["CLIENT", "NOSUCH"], ["CLIENT", "SETINFO", "lib-name", "x"],
        ["CLIENT", "SETINFO", "lib-ver", "1.0"], ["CLIENT", "NO-TOUCH", "on"],
        ["CLIENT", b"a\x00b"],
    ]),
    ("client-case-insensitive", [
        ["client", "SetName", "mixed"], ["Client", "GetName"], ["CLIENT", "no-EVICT", "oN"],
        ["client", "LiSt", "TyPe", "NoRmAl"],
    ]),
    # -- RESET --------------------------------------------------------------------------------
    ("reset-basic", [
        ["SELECT", "3"], ["CLIENT", "SETNAME", "n"], ["HELLO", "3"], ["CLIENT", "NO-EVICT", "on"],
        ["RESET"], ["CLIENT", "GETNAME"], ["CLIENT", "INFO"], ["GET", "missing"],
    ]),
    ("reset-arity", [["RESET", "x"], ["reset"]]),
    ("reset-keeps-data", [
        ["SET", "k", "v"], ["SELECT", "2"], ["SET", "k", "w"], ["RESET"], ["GET", "k"],
        ["SELECT", "2"], ["GET", "k"],
    ]),
    ("reset-resp3-reply", [["HELLO", "3"], ["RESET"], ["HELLO"]]),
    ("reset-other-client-untouched", [
        ["@2", "CLIENT", "SETNAME", "other"], ["@2", "SELECT", "4"], ["RESET"], ["CLIENT", "LIST"],
    ]),
    # -- mixed --------------------------------------------------------------------------------
    ("pipeline-state-then-info", [
        ["PING"], ["CLIENT", "SETNAME", "p"], ["SELECT", "7"], ["ECHO", "e"], ["CLIENT", "INFO"],
    ]),
    ("errors-then-info", [
        ["GET"], ["NOSUCH"], ["CLIENT", "INFO"], ["SELECT", "99"], ["CLIENT", "INFO"],
    ]),
    # -- the idle timeout (clientsCronHandleTimeout): the parameter; closing is timed, see
    # tests/test_idle_timeout.py ----------------------------------------------------------
    ("config-timeout", [
        ["CONFIG", "SET", "timeout", "300"], ["CONFIG", "GET", "timeout"],
        ["CONFIG", "SET", "timeout", "-1"], ["CONFIG", "SET", "timeout", "1x"],
        ["CONFIG", "SET", "timeout", "2147483648"], ["CONFIG", "GET", "timeout"],
        ["CONFIG", "SET", "timeout", "0"], ["CONFIG", "GET", "timeout"],
    ]),
]

NONDETERMINISTIC: dict[str, Any] = {
    "quit-gone-from-list": "client-list",
    "hello-default": "hello",
    "hello-switch": "hello",
    "hello-errors": "hello",
    "hello-setname": "hello",
    "hello-auth-nopass": "hello",
    "hello-options-apply-in-order": "hello",
    "hello-in-client-list": HELLO_LIST,
    "requirepass-reset-and-auth": HELLO_LIST,
    "requirepass-early-name-survives": HELLO_LIST,
    "client-id": {0: "client-id", 2: "client-id"},
    "client-info": "client-list",
    "client-info-state": HELLO_LIST,
    "client-list-single": "client-list",
    "client-list-two": "client-list",
    "client-list-three": "client-list",
    "client-list-type": "client-list",
    "client-list-id": "client-list",
    "client-kill-others-by-type": "client-list",
    "client-no-evict": "client-list",
    "client-case-insensitive": "client-list",
    "reset-basic": HELLO_LIST,
    "reset-resp3-reply": "hello",
    "reset-other-client-untouched": "client-list",
    "pipeline-state-then-info": "client-list",
    "errors-then-info": "client-list",
}
