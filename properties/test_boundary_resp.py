"""Boundary checks for the survivors of the boundary-class mutation run over the request
decoder, the reply encoder and the frame reader (issue #22; ``tools/mutation.py`` over
``spec/resp.py``, ``spec/networking.py``, ``spec/reply.py``, ``spec/frames.py``). Each check
puts a rule exactly on its boundary; each has a planted-bug test whose planted bug *is* the
surviving mutant.

Property ``resp_boundaries_agree_with_redis`` (facts from Redis 7.0.15's networking.c and
sds.c; the ACL one observed on redis-server 7.0.15):

- a request's header line is looked for among ``PROTO_INLINE_MAX_SIZE + 1`` bytes: a ``\\r``
  that is the 65,537th byte is found (the line is then merely invalid), one byte later it is
  "too big" (bytes arriving one at a time: the check fires before the terminator arrives);
- a header line holding a NUL is not found (``strchr`` stops at the NUL): more than 64 KB
  after it is "too big bulk count string"; a line whose ``\\r`` is the last byte waits for its
  ``\\n`` however long it is (the "too big" check is only made when no ``\\r`` is found);
- a header line that is complete but for its ``\\n`` is answered as soon as the ``\\n``
  arrives, also when the server keeps the line's bytes unjoined (``progress_point``);
- ``sdssplitargs``: ``\\v`` and ``\\f`` stay inside a token; a ``\\`` escape needs a byte after
  it inside the quotes (``"\\x4``, ``"\\"``, ``'\\`` are unbalanced); the line is a C string,
  so a NUL ends it — ``ACL SETUSER u "(~a<NUL>~b +@all)"`` gives the selector ``(~a)`` and a
  quote left open by the NUL an empty one (both ``+OK`` on 7.0.15);
- ``sdscatrepr`` writes every printable byte 0x20..0x7E as itself (space and ``~``
  included), and names or hex-escapes the others, also when no byte is printable;
- an inline line's ``\\r`` is dropped only when it comes right before the ``\\n``
  (``ECHO a\\rb`` is three arguments);
- replies: ``-inf`` as ``-inf``; a status or an error holding CR or LF has them replaced by
  spaces (an error's ends trimmed first); the encoders by protocol version; the RESP frame
  reader's kinds, null lengths, maps counted by pairs, and its refusals.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import frames, reply, resp
from redspec.spec.reply import Err, Status
from redspec.spec.resp import PROTO_INLINE_MAX_SIZE, Limits, ProtocolError
from redspec.spec.server import client_connect, client_input, new_server

#: The networking checks (``spec/networking.py``): facts from networking.c, the CLIENT REPLY OFF
#: one observed on redis-server 7.0.15.
NET = ("networking: a long header line completes with the chunk that brings its \\r, even "
       "a chunk holding a NUL too; c->lastcmd changes only when a command runs; CLIENT REPLY "
       "OFF then QUIT leaves the connection open and reading nothing; a reply that fits the "
       "16 KB static buffer is not checked against the output limits, one byte more is; a "
       "write is an interaction (not for the master link, not when nothing was written)")

NAME = "resp_boundaries_agree_with_redis"
LIMITS = Limits(512 * 1024 * 1024, True, 1024 * 1024 * 1024)


def _err(r: Any) -> str:
    return str(r) if isinstance(r, ProtocolError) else repr(r)


def check_header_window() -> None:
    found = b"*" + b"1" * (PROTO_INLINE_MAX_SIZE - 1) + b"\r"  # \r is byte 65,537
    r, _ = resp.parse_command(found + b"\n", 0, LIMITS)
    assert _err(r) == "invalid multibulk length", \
        f"{NAME}: a count line whose \\r is byte 65537 gave {_err(r)}"
    r, _ = resp.parse_command(b"*" + b"1" * PROTO_INLINE_MAX_SIZE + b"\r\n", 0, LIMITS)
    assert _err(r) == "too big mbulk count string", \
        f"{NAME}: a count line whose \\r is byte 65538 gave {_err(r)}"


def check_header_nul_and_last_byte() -> None:
    for nul in (b"*1\r\n$\0" + b"1" * (PROTO_INLINE_MAX_SIZE + 10) + b"\r\n",  # \r far
                b"*1\r\n$\0x\r\n" + b"a" * (PROTO_INLINE_MAX_SIZE + 10)):  # \r near
        r, _ = resp.parse_command(nul, 0, LIMITS)
        assert _err(r) == "too big bulk count string", \
            f"{NAME}: a bulk header with a NUL and 64 KB after it gave {_err(r)}"
    last = b"*" + b"1" * (PROTO_INLINE_MAX_SIZE - 1) + b"\r"  # 65,537 bytes, \r the last
    r, _ = resp.parse_command(last, 0, LIMITS)
    assert r is None, f"{NAME}: a line whose \\r is the last byte gave {_err(r)}, not a wait"


def check_header_answered_at_its_newline() -> None:
    state = new_server(0)
    state, cid = client_connect(state, 0)
    state, eff = client_input(state, cid, b"*1\r\n$" + b"x" * 5000 + b"\r", 1)
    assert b"".join(b for _, b in eff.output) == b"", f"{NAME}: an unfinished header line was answered"
    state, eff = client_input(state, cid, b"\n", 2)
    out = b"".join(b for _, b in eff.output)
    assert out == b"-ERR Protocol error: invalid bulk length\r\n", \
        f"{NAME}: the header line's \\n arrived and the reply was {out[:60]!r}"


def check_split_args_edges() -> None:
    cases = [
        (b"ECHO a\vb", [b"ECHO", b"a\vb"]),
        (b"ECHO a\fb", [b"ECHO", b"a\fb"]),
        (b'ECHO "\\x4', None),
        (b'ECHO "\\"', None),
        (b"ECHO '\\", None),
        (b"ECHO a\0b c", [b"ECHO", b"a"]),
        (b'ECHO "a\0b"', None),
        (b"\0ECHO a", []),
    ]
    for line, want in cases:
        try:
            got = resp.split_args(line)
        except Exception as e:  # noqa: BLE001 - a crash is a wrong answer too
            got = f"raised {type(e).__name__}"  # type: ignore[assignment]
        assert got == want, f"{NAME}: sdssplitargs({line!r}) gave {got!r}, Redis {want!r}"


def check_acl_selector_nul() -> None:
    c = Session()
    assert c.call(b"ACL", b"SETUSER", b"u1", b"(~a\0~b +@all)") == b"+OK\r\n", \
        f"{NAME}: a selector with a NUL was refused"
    assert c.call(b"ACL", b"SETUSER", b"u2", b'("~a\0b" +@all)') == b"+OK\r\n", \
        f"{NAME}: a selector whose quote a NUL leaves open was refused"
    listed = c.call(b"ACL", b"LIST")
    assert b"user u1 off resetchannels -@all (~a resetchannels -@all)" in listed and \
        b"user u2 off resetchannels -@all (resetchannels -@all)" in listed, \
        f"{NAME}: ACL LIST after selectors with a NUL: {listed!r}"


def check_sdscatrepr() -> None:
    for raw, want in [(b"a b~", b'"a b~"'), (b" ~\n", b'" ~\\n"'), (b"\n", b'"\\n"'), (b"\x01\x7f", b'"\\x01\\x7f"'),
                      (b'"\\', b'"\\"\\\\"')]:
        got = resp.sdscatrepr(raw)
        assert got == want, f"{NAME}: sdscatrepr({raw!r}) gave {got!r}, Redis {want!r}"


def check_reply_encoding() -> None:
    encode = reply.encode
    assert encode(float("-inf"), 3) == b",-inf\r\n" and encode(float("inf"), 2) == b"$3\r\ninf\r\n", \
        f"{NAME}: infinities {encode(float('-inf'), 3)!r}"
    for st in ("a\rb\nc", "a\rb c", "a b\nc"):
        assert encode(Status(st), 2) == b"+a b c\r\n", f"{NAME}: a status with CR/LF {st!r}"
    assert encode(Status("plain"), 2) == b"+plain\r\n", f"{NAME}: a plain status"
    for i in range(300):  # past the status cache's size
        assert encode(Status(f"s{i}"), 3) == b"+s%d\r\n" % i, f"{NAME}: status {i}"
    for e in ("\r\nERR x\ny\r\n", "ERR x\ny", "ERR x\ry"):
        assert encode(Err(e), 2) == b"-ERR x y\r\n", f"{NAME}: an error with CR/LF {e!r}"
    assert encode(Err("ERR plain"), 3) == b"-ERR plain\r\n", f"{NAME}: a plain error"
    assert encode(None, 2) == b"$-1\r\n" and encode(None, 3) == b"_\r\n", \
        f"{NAME}: the null reply by protocol: {encode(None, 2)!r} {encode(None, 3)!r}"
    assert reply.encode(True, 3) == b"#t\r\n", f"{NAME}: a RESP3 boolean"


def check_frame_reader() -> None:
    try:
        _frame_reader()
    except (ValueError, IndexError, TypeError) as e:
        raise AssertionError(f"{NAME}: the frame reader raised {e!r}") from e


def _frame_reader() -> None:
    wire = (b"*4\r\n$3\r\nabc\r\n$-1\r\n*-1\r\n%1\r\n+k\r\n:1\r\n"
            b"=7\r\ntxt:abc\r\n_\r\n,1.5\r\n#t\r\n(12\r\n-ERR e\r\n$0\r\n\r\n")
    got, rest = frames.parse_all(wire)
    assert rest == b"" and len(got) == 8, f"{NAME}: frames {got!r} rest {rest!r}"
    assert frames.parse(got[-1]).payload == b"", f"{NAME}: an empty bulk"
    top = frames.parse(got[0])
    assert top.kind == b"*" and top.children is not None and len(top.children) == 4, \
        f"{NAME}: the array {top!r}"
    bulk, nullb, nulla, m = top.children
    assert bulk.payload == b"abc" and nullb.payload is None and nulla.children is None, \
        f"{NAME}: bulk/null frames {top!r}"
    assert m.kind == b"%" and m.children is not None and len(m.children) == 2, \
        f"{NAME}: a map of one pair is two children: {m!r}"
    for raw in got:
        assert frames.serialise(frames.parse(raw)) == raw, f"{NAME}: round trip of {raw!r}"
    assert frames.parse(b"=7\r\ntxt:abc\r\n").payload == b"txt:abc", f"{NAME}: verbatim"
    empty = frames.parse(b"*0\r\n")
    assert empty.children == [], f"{NAME}: an empty array has no children: {empty.children!r}"
    partial, rest = frames.parse_all(b"$3\r\nab")
    assert partial == [] and rest == b"$3\r\nab", f"{NAME}: an incomplete bulk was taken"
    exact, rest = frames.parse_all(b"$2\r\nab\r\n")
    assert exact == [b"$2\r\nab\r\n"] and rest == b"", f"{NAME}: an exact bulk {exact!r}"
    for bad in (b"+OK\r\n+x\r\n", b"?x\r\n"):
        with pytest.raises(ValueError):
            frames.parse(bad)


def _connect(state: Any, now: int = 0) -> tuple[Any, int]:
    return client_connect(state, now)


def _send(state: Any, cid: int, data: bytes, now: int = 0,
          cap: int | None = None) -> tuple[Any, bytes, Any]:
    state, eff = client_input(state, cid, data, now, cap)
    return state, b"".join(b for c, b in eff.output if c == cid), eff


def _cmd_of(state: Any, watcher: int, cid: int) -> bytes:
    state, out, _ = _send(state, watcher, b"CLIENT LIST\r\n")
    line = [ln for ln in out.split(b"\n") if b"id=%d " % cid in ln][0]
    return line.split(b" cmd=")[1].split(b" ")[0]


def check_tail_watch() -> None:
    state = new_server(0)
    state, a = _connect(state)
    state, out, _ = _send(state, a, b"*1\r\n$" + b"1" * 5000)
    assert out == b"", f"{NAME}: {NET}: an unfinished header was answered"
    state, out, _ = _send(state, a, b"\r\n\0")
    assert out == b"-ERR Protocol error: invalid bulk length\r\n", \
        f"{NAME}: {NET}: the chunk with the \\r (and a NUL) gave {out[:60]!r}"


def check_last_cmd() -> None:
    state = new_server(0)
    state, a = _connect(state)
    state, b = _connect(state)
    assert _cmd_of(state, b, a) == b"NULL", f"{NAME}: {NET}: a new client's cmd"
    state, _, _ = _send(state, a, b"GET x\r\n")
    assert _cmd_of(state, b, a) == b"get", f"{NAME}: {NET}: cmd after GET"
    state, _, _ = _send(state, a, b"*1\r\n")
    assert _cmd_of(state, b, a) == b"get", f"{NAME}: {NET}: a partial request changed cmd"


def check_reply_off_quit() -> None:
    state = new_server(0)
    state, a = _connect(state)
    state, out, eff = _send(state, a, b"CLIENT REPLY OFF\r\nQUIT\r\nPING\r\n")
    assert out == b"" and a not in eff.close, \
        f"{NAME}: {NET}: CLIENT REPLY OFF + QUIT: output {out!r}, closed {a in eff.close}"
    state, b = _connect(state)
    state, out, eff = _send(state, b, b"QUIT\r\n")
    assert out == b"+OK\r\n" and b in eff.close, f"{NAME}: {NET}: QUIT did not close"


def check_obuf_static_buffer() -> None:
    state = new_server(0)
    state, a = _connect(state)
    state, out, _ = _send(state, a, b"CONFIG SET client-output-buffer-limit \"normal 1 0 0\"\r\n")
    assert out == b"+OK\r\n", out
    for n, fits in ((16374, True), (16375, False)):  # "$16374\r\n" + data + "\r\n"
        state, _, _ = _send(state, a, b"SET k%d %s\r\n" % (n, b"v" * n))
        state, out, eff = _send(state, a, b"GET k%d\r\n" % n)
        if fits:
            assert len(out) == 16384 and a not in eff.close, \
                f"{NAME}: {NET}: a 16384-byte reply: {len(out)} bytes, closed {a in eff.close}"
        else:
            assert out == b"" and a in eff.close, \
                f"{NAME}: {NET}: a 16385-byte reply over a 1-byte hard limit: {len(out)} " \
                f"bytes sent, closed {a in eff.close}"


def check_write_interaction() -> None:
    from redspec.spec.networking import client_wrote, clients_wrote
    state = new_server(0)
    state, a = _connect(state)
    state, b = _connect(state)
    state, _, _ = _send(state, b, b"SUBSCRIBE ch\r\n", 0)  # a client with flags
    for cid in (a, b):
        state, _, _ = _send(state, cid, b"PING\r\n", 0, cap=0)  # the reply waits
    after = client_wrote(state, a, 0, now_ms=5000)
    assert after.clients[a].io.last_interaction_ms == 0, \
        f"{NAME}: {NET}: a write of 0 bytes counted as an interaction"
    for cid in (a, b):
        after = client_wrote(state, cid, 2, now_ms=5000)
        assert after.clients[cid].io.last_interaction_ms == 5000, \
            f"{NAME}: {NET}: a write was not an interaction (client {cid})"
        after, _ = clients_wrote(state, {cid: 2}, 6000)
        assert after.clients[cid].io.last_interaction_ms == 6000, \
            f"{NAME}: {NET}: clients_wrote: not an interaction (client {cid})"
    master = state.clients[a]
    flagged = attrs.evolve(state, clients=state.clients.set(a, attrs.evolve(
        master, info=attrs.evolve(master.info, flags=frozenset({"master"})))))
    after = client_wrote(flagged, a, 2, now_ms=5000)
    assert after.clients[a].io.last_interaction_ms == 0, \
        f"{NAME}: {NET}: a write to the master link counted as an interaction"


def check_obuf_soft_limit() -> None:
    """Over the soft limit for more than its seconds closes the client; the time it went over
    is kept until a check finds it under — and a reply that fits the static buffer is no
    check (the client went over at 1 s, drained, got a 16384-byte reply, and over again at
    3 s: closed, 2 s > 1 s)."""
    from redspec.spec.networking import client_wrote
    state = new_server(0)
    state, a = _connect(state)
    state, out, _ = _send(state, a, b"CONFIG SET client-output-buffer-limit \"normal 0 16384 1\"\r\n")
    assert out == b"+OK\r\n", out
    state, _, _ = _send(state, a, b"SET big %s\r\nSET fits %s\r\n" % (b"v" * 40000, b"v" * 16374))
    state, _, eff = _send(state, a, b"GET big\r\n", 1000, cap=0)
    assert a not in eff.close, f"{NAME}: {NET}: closed at once over the soft limit"
    state = client_wrote(state, a, len(state.clients[a].reply), 1000)
    state, _, eff = _send(state, a, b"GET fits\r\n", 1500, cap=0)
    assert a not in eff.close, f"{NAME}: {NET}: a reply in the static buffer closed it"
    state, _, eff = _send(state, a, b"GET big\r\n", 3500, cap=0)
    assert a in eff.close, \
        f"{NAME}: {NET}: over the soft limit since 1 s, at 3.5 s the client was not closed"


def check_postponed_keeps_reply_skip() -> None:
    """CLIENT REPLY SKIP, then a write postponed by CLIENT PAUSE WRITE: the skip waits for the
    write, which runs after CLIENT UNPAUSE with its reply skipped (redis-server 7.0.15: only
    ``+PONG`` arrives)."""
    from redspec.spec.eventloop import event_loop_turn
    state = new_server(0)
    state, b = _connect(state)
    state, a = _connect(state)
    state, _, _ = _send(state, b, b"CLIENT PAUSE 100000 WRITE\r\n", 1)
    state, out, _ = _send(state, a, b"CLIENT REPLY SKIP\r\nSET k v\r\nPING\r\n", 2)
    assert out == b"", f"{NAME}: {NET}: replies while postponed: {out!r}"
    state, _, _ = _send(state, b, b"CLIENT UNPAUSE\r\n", 3)
    state, eff = event_loop_turn(state, 4, {}, {a: None})
    out = b"".join(x for c, x in eff.output if c == a)
    assert out == b"+PONG\r\n", f"{NAME}: {NET}: after CLIENT UNPAUSE the client got {out!r}"


def check_inline_cr() -> None:
    for line, want in [(b"ECHO a\rb\n", [b"ECHO", b"a", b"b"]), (b"PING\r\n", [b"PING"]),
                       (b"ECHO x\r\r\n", [b"ECHO", b"x"])]:
        got, end = resp.parse_command(line, 0, LIMITS)
        assert (got, end) == (want, len(line)), \
            f"{NAME}: the inline line {line!r} gave {got!r} ending at {end}"


def check_master_link_applies_per_command() -> None:
    """The master link's bytes count as applied (``c->reploff``, ``commandProcessed``) per
    command, never inside MULTI: a transaction read in three pieces is applied whole at its
    EXEC, and the read offset counts what was read."""
    state = new_server(0)
    state, m = _connect(state)
    mc = state.clients[m]
    state = attrs.evolve(state, clients=state.clients.set(m, attrs.evolve(
        mc, info=attrs.evolve(mc.info, flags=frozenset({"master"})))))
    parts = [b"*1\r\n$5\r\nMULTI\r\n", b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
             b"*1\r\n$4\r\nEXEC\r\n"]
    read = 0
    for i, part in enumerate(parts):
        state, _ = client_input(state, m, part, i + 1)
        read += len(part)
        applied = read if i == 2 else 0
        assert (state.repl.master_reploff, state.repl.master_read_reploff) == (applied, read), \
            f"{NAME}: {NET}: after {i + 1} reads of a transaction the master link's applied " \
            f"offset is {state.repl.master_reploff} (want {applied}), read " \
            f"{state.repl.master_read_reploff} (want {read})"
    assert state.dbs[0].keys.get(b"k") is not None, f"{NAME}: {NET}: the transaction did not run"


CHECKS = [check_master_link_applies_per_command, check_inline_cr, check_postponed_keeps_reply_skip, check_obuf_soft_limit, check_tail_watch, check_last_cmd, check_reply_off_quit, check_obuf_static_buffer,
          check_write_interaction, check_header_window, check_header_nul_and_last_byte,
          check_header_answered_at_its_newline, check_split_args_edges, check_acl_selector_nul,
          check_sdscatrepr, check_reply_encoding, check_frame_reader]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_resp_boundaries_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("window", [PROTO_INLINE_MAX_SIZE, PROTO_INLINE_MAX_SIZE + 2])
def test_planted_header_window(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    monkeypatch.setattr(resp, "_WINDOW", window)  # ``+ 1`` -> ``+ 2`` (and one short)
    _trips(check_header_window)


@pytest.mark.parametrize(("old", "new"), [
    ("_line_pending(buf, p, -1, blen, _E_BULK_BIG, pos)",
     "_line_pending(buf, p, 0, blen, _E_BULK_BIG, pos)"),
])
def test_planted_header_nul(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, resp, "parse_command", old, new)
    _trips(check_header_nul_and_last_byte)


def test_planted_header_last_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, resp, "_line_pending", 'b"\\0" not in buf[p:nl]', 'b"\\0" in buf[p:nl]')
    _trips(check_header_nul_and_last_byte)


def test_planted_progress_point_late(monkeypatch: pytest.MonkeyPatch) -> None:
    # progress_point (imported by spec.networking) calls _line_wait by name
    plant(monkeypatch, resp, "_line_wait", "return blen + 1, ()  # a \\r",
          "return blen + 2, ()  # a \\r")
    _trips(check_header_answered_at_its_newline)


@pytest.mark.parametrize(("old", "new"), [
    ('if b"\\v" in line or', 'if b"\\v" not in line or'),
    ('or b"\\f" in line:', 'or b"\\f" not in line:'),
    ("i + 3 < n and line[i + 1] == 120", "i + 3 <= n and line[i + 1] == 120"),
    ("elif quote == 34 and c == 92 and i + 1 < n:", "elif quote == 34 and c == 92 and i + 2 < n:"),
    ("c == 92 and i + 1 < n and line[i + 1] == 39", "c == 92 and i + 1 <= n and line[i + 1] == 39"),
    ("c == 92 and i + 1 < n and line[i + 1] == 39", "c == 92 and i < n and line[i + 1] == 39"),
    ("    if nul >= 0:\n        line = line[:nul]\n", ""),
    ("if nul >= 0:", "if nul > 0:"),
])
def test_planted_split_args(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, resp, "split_args", old, new)
    _trips(check_split_args_edges)


def test_planted_acl_selector_nul(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import acl
    planted = plant(monkeypatch, resp, "split_args",
                    "    if nul >= 0:\n        line = line[:nul]\n", "")
    monkeypatch.setattr(acl, "split_args", planted)
    _trips(check_acl_selector_nul)


@pytest.mark.parametrize(("old", "new"), [
    ("0x20 <= b <= 0x7E", "0x20 < b <= 0x7E"),
    ("0x20 <= b <= 0x7E", "0x20 <= b < 0x7E"),
])
def test_planted_repr_table(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    table = plant(monkeypatch, resp, "_repr_table", old, new)
    monkeypatch.setattr(resp, "_REPR", table())
    _trips(check_sdscatrepr)


def test_planted_repr_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, resp, "sdscatrepr", "b in _REPR_PLAIN", "b not in _REPR_PLAIN")
    _trips(check_sdscatrepr)


@pytest.mark.parametrize(("func", "old", "new"), [
    ("_sanitize", 'if b"\\r" in b or', 'if b"\\r" not in b or'),
    ("_err", 'if b"\\r" in b or', 'if b"\\r" not in b or'),
    ("_err", 'or b"\\n" in b:', 'or b"\\n" not in b:'),
    ("encode", "if resp == 3", "if resp != 3"),
    ("_status", "if f is None:", "if f is not None:"),
])
def test_planted_reply_encoding(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                new: str) -> None:
    planted = plant(monkeypatch, reply, func, old, new)
    if func in ("_sanitize", "_err", "_status"):  # the encoders' tables hold the functions themselves
        monkeypatch.setattr(reply, "encode2", reply._make(2))
        monkeypatch.setattr(reply, "encode3", reply._make(3))
        monkeypatch.setattr(reply, "_CACHE_STATUS", {})
        assert planted is getattr(reply, func)
    _trips(check_reply_encoding)


@pytest.mark.parametrize(("old", "new"), [
    ("kind = buf[pos : pos + 1]", "kind = buf[pos : pos + 2]"),
    ("head = buf[pos + 1 : nl]", "head = buf[pos + 2 : nl]"),
    ('if kind in (b"$", b"=", b"!"):', 'if kind not in (b"$", b"=", b"!"):'),
    ("        if n < 0:\n            return Frame(kind, head), p\n        if len(buf)",
     "        if n <= 0:\n            return Frame(kind, head), p\n        if len(buf)"),
    ("if len(buf) < p + n + 2:", "if len(buf) <= p + n + 2:"),
    ("        if n < 0:\n            return Frame(kind, head), p\n        if kind in",
     "        if n <= 0:\n            return Frame(kind, head), p\n        if kind in"),
    ("if kind and kind in AGGREGATE:", "if kind and kind not in AGGREGATE:"),
    ('if kind in (b"%", b"|"):', 'if kind not in (b"%", b"|"):'),
    ('if kind in (b"+", b"-", b":"', 'if kind not in (b"+", b"-", b":"'),
])
def test_planted_frame_reader(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, frames, "_parse_at", old, new)  # parse/parse_all call it by name
    _trips(check_frame_reader)


@pytest.mark.parametrize(("func", "old", "new"), [
    ("parse", "if end != len(frame):", "if end == len(frame):"),
    ("serialise", "if f.payload is not None:", "if f.payload is None:"),
    ("serialise", "if f.children is not None:", "if f.children is None:"),
    ("serialise", 'if f.kind in (b"%", b"|")', 'if f.kind not in (b"%", b"|")'),
])
def test_planted_frame_functions(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                 new: str) -> None:
    plant(monkeypatch, frames, func, old, new)
    _trips(check_frame_reader)


@pytest.mark.parametrize(("func", "old", "new", "check"), [
    ("query_buffer", "not any(w in data for w in watch)",
     "not any(w not in data for w in watch)", check_tail_watch),
    ("process_input_buffer", "ran = False", "ran = True", check_last_cmd),
    ("process_input_buffer", "ran = True", "ran = False", check_last_cmd),
    ("process_input_buffer", "asap = False", "asap = True", check_reply_off_quit),
    ("process_input_buffer", "or type(req) is QueryBufferLimit",
     "or type(req) is not QueryBufferLimit", check_reply_off_quit),
    ("process_input_buffer", "asap = True", "asap = False", check_obuf_static_buffer),
    ("process_input_buffer", "c = replace(c, closing=True, obuf_soft_limit_since=0)",
     "c = replace(c, closing=False, obuf_soft_limit_since=0)", check_obuf_static_buffer),
    ("_interaction", "if now_ms is None or", "if now_ms is not None or", check_write_interaction),
    ("_interaction", '"master" in c.info.flags', '"master" not in c.info.flags',
     check_write_interaction),
    ("client_wrote", "n <= 0", "n < 0", check_write_interaction),
    ("process_input_buffer", "elif since != c.obuf_soft_limit_since:",
     "elif since == c.obuf_soft_limit_since:", check_obuf_soft_limit),
    ("process_input_buffer", "master >= 0 and s.client.info.multi < 0",
     "master >= 0 and s.client.info.multi <= 0", check_master_link_applies_per_command),
    ("process_input_buffer", "    if master >= 0:\n        _master_hold",
     "    if master > 0:\n        _master_hold", check_master_link_applies_per_command),
    ("process_input_buffer", "info.bpop.cmd == POSTPONE):", "info.bpop.cmd != POSTPONE):",
     check_postponed_keeps_reply_skip),
    ("process_input_buffer", "if len(pending) > REPLY_CHUNK and",
     "if len(pending) >= REPLY_CHUNK and", check_obuf_soft_limit),
])
def test_planted_networking(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                            check: Any) -> None:
    from redspec.spec import networking
    plant_everywhere(monkeypatch, networking, func, old, new)
    _trips(check)


def test_planted_inline_cr(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, resp, "_parse_inline", "buf[nl - 1] == 13", "buf[nl - 2] == 13")
    _trips(check_inline_cr)
