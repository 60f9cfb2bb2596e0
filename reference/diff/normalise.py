"""Normalisers for reply frames that Redis documents as nondeterministic.

A normaliser maps one raw reply frame (bytes) to a canonical form (bytes), applied to the
frames of *both* targets before they are compared. A frame a normaliser cannot make sense of
(e.g. an error where a bulk string was expected) is returned unchanged, so the mismatch shows.

Names (use them in a case module's ``NONDETERMINISTIC``):

- ``"sort"``: the elements of an array / set / push (or the pairs of a map) sorted; nested
  aggregates are left as they are. Use for KEYS, SMEMBERS-like orderings.
- ``"ignore"``: the frame becomes ``<ignored>`` (its presence still counts).
- ``"client-list"``: CLIENT LIST / CLIENT INFO text with the per-connection values masked
  (id, addr, laddr, fd, age, idle, qbuf, qbuf-free, argv-mem, multi-mem, rbs, rbp, obl, oll,
  omem, tot-mem, events).
- ``"client-id"``: integer frames masked (CLIENT ID and other replies carrying a client id).
- ``"hello"``: the ``id`` field of a HELLO reply masked.
- ``"hello-handshake"``: the replay's opening ``HELLO 3`` reply with the id and the identity
  fields (server, version, modules) masked; ``"hello-handshake-strict"``: the id only.
- ``"info"`` / ``"info-fields"``: INFO text reduced to section headers and field names.
- ``"info-keyspace"``: only the ``# Keyspace`` section of INFO, values kept.
- ``"info-counters"``: only the counters of :data:`INFO_COUNTERS` (blocked clients, expired /
  evicted keys, hits and misses, error replies, Pub/Sub counts), values kept.
- ``"float"``: a double (RESP3 ``,``) or a numeric bulk string rounded to 12 significant
  digits (for replies Redis computes in long double).
- ``"shape"``: only the frame's type, null-ness and aggregate length kept (for replies Redis
  documents as nondeterministic output, e.g. RANDOMKEY).
- ``"error-class"``: an error reduced to its code (``-ERR``, ``-WRONGTYPE``); other frames kept.
- ``"error-any"``: every error frame the same (``-<error>``); other frames kept.
- ``"htstats"``: DEBUG HTSTATS text without the hash-seed-dependent lines.
- ``"scan"`` / ``"scan-pairs"``: a SCAN-family reply with its elements (pairs) sorted.
- ``"monitor"``: a MONITOR line with its timestamp and client address masked.
- ``"acl-rules"``: ACL LIST / GETUSER text with each run of single-command rules sorted
  (Redis prints them in its command dict's seed-dependent order).
- ``"acl-log"``: ACL LOG entries with ``age-seconds`` masked and ``client-info`` masked as
  CLIENT LIST's per-connection values.

:func:`comparator_for` picks normalisers for one command from the command table's tips
(``nondeterministic_output`` -> ``shape``, ``nondeterministic_output_order`` -> ``sort``).

Several normalisers can be combined in a list: ``["client-list", "sort"]`` applies them in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from redspec.spec.frames import Frame, parse, parse_all, serialise

__all__ = [
    "Frame",
    "parse",
    "parse_all",
    "serialise",
    "NORMALISERS",
    "normaliser",
    "hello",
]


def _safe(fn: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Leave frames the normaliser does not understand unchanged."""

    def wrapped(frame: bytes) -> bytes:
        try:
            return fn(frame)
        except (ValueError, IndexError, UnicodeDecodeError):
            return frame

    wrapped.__doc__ = fn.__doc__
    return wrapped


# --- individual normalisers -------------------------------------------------------------


def sort(frame: bytes) -> bytes:
    """Sort the top-level elements of an aggregate (pairs, for a map)."""
    f = parse(frame)
    if f.children is None:
        return frame
    if f.kind in (b"%", b"|"):
        pairs = [(f.children[i], f.children[i + 1]) for i in range(0, len(f.children), 2)]
        pairs.sort(key=lambda kv: (serialise(kv[0]), serialise(kv[1])))
        f.children = [x for kv in pairs for x in kv]
    else:
        f.children.sort(key=serialise)
    return serialise(f)


def ignore(frame: bytes) -> bytes:
    """Replace the frame by a placeholder."""
    return b"<ignored>"


CLIENT_FIELDS = frozenset(
    b"id addr laddr fd age idle qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem "
    b"tot-mem events".split()
)


def _mask_client_line(line: bytes) -> bytes:
    out = []
    for tok in line.split(b" "):
        k, eq, _ = tok.partition(b"=")
        out.append(k + b"=*" if eq and k in CLIENT_FIELDS else tok)
    return b" ".join(out)


def _text_payload(f: Frame) -> tuple[bytes, bytes]:
    """(prefix, text) of a bulk or verbatim frame: verbatim keeps its ``txt:`` prefix apart."""
    if f.payload is None:
        raise ValueError("not a bulk frame")
    if f.kind == b"=":
        return f.payload[:4], f.payload[4:]
    return b"", f.payload


def client_list(frame: bytes) -> bytes:
    """Mask per-connection values in CLIENT LIST / CLIENT INFO text."""
    f = parse(frame)
    prefix, text = _text_payload(f)
    lines = text.split(b"\n")
    f.payload = prefix + b"\n".join(_mask_client_line(ln) for ln in lines)
    return serialise(f)


def client_id(frame: bytes) -> bytes:
    """Mask an integer reply (a client id)."""
    return b":<id>\r\n" if frame.startswith(b":") else frame


def hello(frame: bytes) -> bytes:
    """Mask the ``id`` field of a HELLO reply (RESP3 map or RESP2 flat array)."""
    f = parse(frame)
    if f.children is None:
        return frame
    ch = f.children
    for i in range(0, len(ch) - 1, 2):
        if ch[i].payload == b"id" and ch[i + 1].kind == b":":
            ch[i + 1] = Frame(b":", b"<id>")
    return serialise(f)


#: The fields of a HELLO reply that say which implementation answered, not how it behaves:
#: its name, its version and the modules it loaded (Valkey lists its Lua engine there). Masked
#: in the handshake unless ``redspec diff --strict-identity``.
IDENTITY_FIELDS = (b"server", b"version", b"modules")


def _mask_hello_fields(frame: bytes, fields: tuple[bytes, ...]) -> bytes:
    """A HELLO reply (RESP3 map or RESP2 flat array) with the values of ``fields`` masked."""
    f = parse(frame)
    if f.children is None:
        return frame
    ch = f.children
    for i in range(0, len(ch) - 1, 2):
        if ch[i].payload in fields:
            ch[i + 1] = Frame(b"+", b"<masked>")
    return serialise(f)


def hello_handshake(frame: bytes) -> bytes:
    """The reply to the ``HELLO 3`` a replay opens with, compared by shape of identity: the
    id and the identity fields (:data:`IDENTITY_FIELDS`) masked, the rest (proto, mode, role,
    the field list itself) kept. Identity is not behaviour: a peer that names itself otherwise
    is not a divergence, and the example goes on past the handshake."""
    return _mask_hello_fields(frame, (b"id", *IDENTITY_FIELDS))


def hello_handshake_strict(frame: bytes) -> bytes:
    """The handshake reply with only the connection id masked (``--strict-identity``)."""
    return _mask_hello_fields(frame, (b"id",))


def _info_lines(f: Frame) -> tuple[bytes, list[bytes]]:
    prefix, text = _text_payload(f)
    return prefix, text.split(b"\r\n")


def info_fields(frame: bytes) -> bytes:
    """Keep only INFO section headers and field names (values masked)."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    out = []
    for ln in lines:
        if ln.startswith(b"#") or not ln:
            out.append(ln)
        else:
            out.append(ln.split(b":", 1)[0] + b":*")
    f.payload = prefix + b"\r\n".join(out)
    return serialise(f)


def info_keyspace(frame: bytes) -> bytes:
    """Keep only the ``# Keyspace`` section of INFO, with its values."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    out: list[bytes] = []
    keep = False
    for ln in lines:
        if ln.startswith(b"# "):
            keep = ln.strip() == b"# Keyspace"
        if keep and ln:
            out.append(ln)
    f.payload = prefix + b"\r\n".join(out)
    return serialise(f)


#: INFO counters that a case can make deterministic (after CONFIG RESETSTAT).
INFO_COUNTERS = frozenset((b"blocked_clients", b"clients_in_timeout_table", b"expired_keys",
                           b"evicted_keys", b"keyspace_hits", b"keyspace_misses",
                           b"total_error_replies", b"pubsub_channels", b"pubsub_patterns"))


def info_counters(frame: bytes) -> bytes:
    """Keep only the lines of :data:`INFO_COUNTERS`, with their values."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    f.payload = prefix + b"\r\n".join(
        ln for ln in lines if ln.split(b":", 1)[0] in INFO_COUNTERS)
    return serialise(f)


def info_replid(frame: bytes) -> bytes:
    """INFO with the value of ``master_replid`` masked (a random id on every Redis start)."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    f.payload = prefix + b"\r\n".join(
        b"master_replid:*" if ln.startswith(b"master_replid:") else ln for ln in lines)
    return serialise(f)


_NUM = re.compile(rb"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def float_(frame: bytes) -> bytes:
    """Round a double or numeric bulk string to 12 significant digits."""
    f = parse(frame)
    if f.kind == b"," and _NUM.match(f.head):
        f.head = b"%.12g" % float(f.head)
    elif f.payload is not None and _NUM.match(f.payload):
        f.payload = b"%.12g" % float(f.payload)
    return serialise(f)


def _shape_of(f: Frame) -> Frame:
    if f.payload is not None:
        return Frame(f.kind, b"*", b"<*>")
    if f.children is not None:
        return Frame(f.kind, f.head, children=[_shape_of(c) for c in f.children])
    if f.kind in (b":", b",", b"("):
        return Frame(f.kind, b"<*>")
    return f


def shape(frame: bytes) -> bytes:
    """Keep the frame's type, null-ness and aggregate sizes; mask every value."""
    return serialise(_shape_of(parse(frame)))


def error_class(frame: bytes) -> bytes:
    """An error frame reduced to its code (the first word: ``ERR``, ``WRONGTYPE``, ...)."""
    if frame[:1] == b"-":
        return frame.split(b" ", 1)[0].rstrip(b"\r\n") + b"\r\n"
    if frame[:1] == b"!":
        f = parse(frame)
        return b"-" + (f.payload or b"").split(b" ", 1)[0] + b"\r\n"
    return frame


def error_any(frame: bytes) -> bytes:
    """Every error frame the same: only *that* a command failed is compared."""
    return b"-<error>\r\n" if frame[:1] in (b"-", b"!") else frame


_HT_SEED_LINES = (b" different slots:", b" max chain length:", b" avg chain length", b"   ")


def htstats(frame: bytes) -> bytes:
    """DEBUG HTSTATS / HTSTATS-KEY text without the lines that depend on the hash seed (slots
    used, chain lengths and their distribution): headers, table sizes and counts are kept."""
    f = parse(frame)
    prefix, text = _text_payload(f)
    f.payload = prefix + b"\n".join(ln for ln in text.split(b"\n")
                                     if not ln.startswith(_HT_SEED_LINES))
    return serialise(f)


def _scan_sorted(frame: bytes, width: int) -> bytes:
    f = parse(frame)
    ch = f.children
    if ch is None or len(ch) != 2 or ch[1].children is None:
        return frame
    items = ch[1].children
    groups = [items[i:i + width] for i in range(0, len(items), width)]
    groups.sort(key=lambda g: b"".join(serialise(x) for x in g))
    ch[1].children = [x for g in groups for x in g]
    return serialise(f)


def scan(frame: bytes) -> bytes:
    """A SCAN / SSCAN reply ``[cursor, elements]`` with the elements sorted (their order
    follows the hash seed)."""
    return _scan_sorted(frame, 1)


def scan_pairs(frame: bytes) -> bytes:
    """An HSCAN / ZSCAN reply ``[cursor, field, value, ...]`` with the pairs sorted."""
    return _scan_sorted(frame, 2)


_MONITOR_LINE = re.compile(rb"^\+\d+\.\d{6} \[(\d+) [^\]]*?(?::\d+)?\] ")


def monitor(frame: bytes) -> bytes:
    """A MONITOR line (``+<secs>.<usecs> [<db> <addr>] ...``) with the timestamp and the
    client address masked (the db and the quoted arguments kept); other frames unchanged."""
    return _MONITOR_LINE.sub(lambda m: b"+<time> [" + m.group(1) + b" <addr>] ", frame, count=1)



def slowlog(frame: bytes) -> bytes:
    """A SLOWLOG GET reply with what differs between any two servers masked: each entry's
    time and measured duration and the client's port; the entries of the harness's own
    control round trips (``CONFIG GET redspec-sync``, whose number is the harness's business)
    dropped; ids replaced by their rank (the id counts every entry the server ever made, and
    the dropped ones). Other frames unchanged."""
    f = parse(frame)
    if f.kind != b"*" or not f.children:
        return frame
    if any(e.children is None or len(e.children) != 6 for e in f.children):
        return frame
    kept = []
    for e in f.children:
        ch = e.children
        assert ch is not None
        args = [a.payload for a in ch[3].children or ()]
        if args[:3] == [b"CONFIG", b"GET", b"redspec-sync"]:
            continue
        ch[1].head = ch[2].head = b"<*>"
        peer = ch[4].payload or b""
        if peer != b"?:0":
            ch[4].payload = peer.rsplit(b":", 1)[0] + b":<port>"
        kept.append(e)
    for rank, e in enumerate(reversed(kept)):
        assert e.children is not None
        e.children[0].head = b"%d" % rank
    f.children = kept
    return serialise(f)



def _histograms_total(f: Frame) -> None:
    ch = f.children
    if ch is None:
        return
    for i, c in enumerate(ch):
        if c.payload == b"histogram_usec" and i + 1 < len(ch) and ch[i + 1].children is not None:
            buckets = ch[i + 1].children or []
            total = buckets[-1].head if buckets else b"0"
            ch[i + 1] = Frame(b":", total)
        else:
            _histograms_total(c)


def latency_histogram(frame: bytes) -> bytes:
    """A LATENCY HISTOGRAM reply with each command's ``histogram_usec`` buckets (measured
    latencies: server-specific) replaced by their total count; names and calls kept."""
    f = parse(frame)
    _histograms_total(f)
    return serialise(f)


def _mask_redirect_ids(f: Frame) -> None:
    ch = f.children
    if ch is None:
        return
    for i, c in enumerate(ch):
        if c.payload in (b"redirect", b"tracking-redir-broken") and i + 1 < len(ch) \
                and ch[i + 1].kind == b":" and ch[i + 1].head != b"-1":
            ch[i + 1] = Frame(b":", b"<id>")
        else:
            _mask_redirect_ids(c)


def tracking_ids(frame: bytes) -> bytes:
    """Client ids in client-side caching replies masked (they differ between servers): the
    ``redirect`` of CLIENT TRACKINGINFO, the id of a ``tracking-redir-broken`` push, and a
    bare positive integer (CLIENT GETREDIR); -1 and 0 are kept."""
    f = parse(frame)
    if f.kind == b":" and f.head not in (b"-1", b"0"):
        return b":<id>\r\n"
    _mask_redirect_ids(f)
    return serialise(f)


_ART_CELL = re.compile(rb"\x1b\[0;\d+;\d+m \x1b\[0m")
_BRAILLE = re.compile(rb"\xe2[\xa0-\xa3][\x80-\xbf]")  # U+2800..U+28FF in UTF-8


def lolwut_art(frame: bytes) -> bytes:
    """LOLWUT's random drawings reduced to their layout: every coloured cell (LOLWUT 6) and
    every Braille character (LOLWUT 5) replaced by one placeholder; the text kept."""
    f = parse(frame)
    if f.payload is None:
        return frame
    f.payload = _BRAILLE.sub(b".", _ART_CELL.sub(b"#", f.payload))
    return serialise(f)

def _sort_command_rules(text: bytes) -> bytes:
    """ACL rule text with each run of single-command rules (``+get -config|set``) sorted:
    Redis emits them in its command dict's order, which follows a hash seed drawn at start."""
    toks = text.split(b" ")
    out: list[bytes] = []
    run: list[bytes] = []

    def flush() -> None:
        closing = run and run[-1].endswith(b")")
        if closing:
            run[-1] = run[-1][:-1]
        run.sort()
        if closing:
            run[-1] += b")"
        out.extend(run)
        run.clear()

    for tok in toks:
        if tok[:1] in (b"+", b"-") and tok[1:2] != b"@":
            run.append(tok)
            if tok.endswith(b")"):
                flush()
        else:
            flush()
            out.append(tok)
    flush()
    return b" ".join(out)


def _walk(f: Frame, fn: Callable[[Frame], None]) -> None:
    fn(f)
    for ch in f.children or []:
        _walk(ch, fn)


def acl_rules(frame: bytes) -> bytes:
    """ACL LIST / ACL GETUSER with the single-command rules of each selector sorted."""
    f = parse(frame)

    def fix(x: Frame) -> None:
        if x.payload is not None and x.children is None:
            x.payload = _sort_command_rules(x.payload)
        elif x.kind == b"+" and x.head:
            x.head = _sort_command_rules(x.head)

    _walk(f, fix)
    return serialise(f)


def acl_log(frame: bytes) -> bytes:
    """ACL LOG entries with ``age-seconds`` masked and ``client-info`` reduced like CLIENT
    LIST's (per-connection values masked)."""
    f = parse(frame)

    def fix(x: Frame) -> None:
        ch = x.children
        if not ch:
            return
        for i in range(0, len(ch) - 1):
            key = ch[i].payload
            if key == b"age-seconds":
                ch[i + 1] = parse(b"$5\r\n<age>\r\n")
            elif key == b"client-info" and ch[i + 1].payload is not None:
                ch[i + 1].payload = _mask_client_line(ch[i + 1].payload or b"")

    _walk(f, fix)
    return serialise(f)


NORMALISERS: dict[str, Callable[[bytes], bytes]] = {
    "acl-rules": _safe(acl_rules),
    "acl-log": _safe(acl_log),
    "monitor": monitor,
    "htstats": _safe(htstats),
    "scan": _safe(scan),
    "scan-pairs": _safe(scan_pairs),
    "sort": _safe(sort),
    "ignore": ignore,
    "client-list": _safe(client_list),
    "client-id": client_id,
    "hello": _safe(hello),
    "hello-handshake": _safe(hello_handshake),
    "hello-handshake-strict": _safe(hello_handshake_strict),
    "info": _safe(info_fields),
    "info-fields": _safe(info_fields),
    "info-keyspace": _safe(info_keyspace),
    "info-counters": _safe(info_counters),
    "float": _safe(float_),
    "shape": _safe(shape),
    "error-class": _safe(error_class),
    "error-any": error_any,
    "slowlog": _safe(slowlog),
    "latency-histogram": _safe(latency_histogram),
    "tracking-ids": _safe(tracking_ids),
    "lolwut-art": _safe(lolwut_art),
    "info-replid": _safe(info_replid),
}

#: ``--errors`` modes of ``redspec diff``: how error replies are compared.
ERROR_MODES: dict[str, str | None] = {"exact": None, "class": "error-class", "any": "error-any"}

#: Command tips (COMMAND INFO) -> the normaliser that makes the reply comparable.
TIP_NORMALISERS = {
    "nondeterministic_output": "shape",
    "nondeterministic_output_order": "sort",
}


def command_tips(argv: list[bytes]) -> tuple[str, ...]:
    """The tips of the command (or subcommand) ``argv`` names, from the recorded command
    table (``COMMAND INFO``: ``redisCommand.tips``); () for an unknown command."""
    from redspec.spec.table import load_facts

    if not argv:
        return ()
    info = load_facts()["info"]
    entry = info.get(argv[0].decode("latin-1").lower())
    if entry is None:
        return ()
    subs = entry[9] if len(entry) > 9 and isinstance(entry[9], list) else []
    if subs and len(argv) > 1:
        full = entry[0] + "|" + argv[1].decode("latin-1").lower()
        for sub in subs:
            if sub[0] == full:
                entry = sub
                break
    return tuple(entry[7]["set"])


def comparator_names(argv: list[bytes], errors: str = "exact") -> list[str]:
    """Normaliser names for the reply to ``argv``: from its tips, then the error mode."""
    names = [TIP_NORMALISERS[t] for t in command_tips(argv) if t in TIP_NORMALISERS]
    if "shape" in names:
        names = ["shape"]  # masks every value: sorting on top would change nothing
    em = ERROR_MODES[errors]
    if em is not None:
        names.append(em)
    return names


def comparator_for(argv: list[bytes], errors: str = "exact") -> Callable[[bytes], bytes] | None:
    """The normaliser for the reply to ``argv`` (None: compare byte for byte)."""
    names = comparator_names(argv, errors)
    return normaliser(names) if names else None


def normaliser(spec: str | Iterable[str] | None) -> Callable[[bytes], bytes] | None:
    """The normaliser named by ``spec`` (a name or a list of names), or None for none."""
    if spec is None:
        return None
    names = [spec] if isinstance(spec, str) else list(spec)
    fns = []
    for n in names:
        if n not in NORMALISERS:
            raise KeyError(f"unknown normaliser {n!r}; known: {sorted(NORMALISERS)}")
        fns.append(NORMALISERS[n])
    if len(fns) == 1:
        return fns[0]

    def chain(frame: bytes) -> bytes:
        for fn in fns:
            frame = fn(frame)
        return frame

    return chain
