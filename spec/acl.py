"""Access control lists as Redis 7.0.15 has them (``acl.c``): users with their 7.0 selectors,
the rule language of ACL SETUSER, the canonical text Redis prints back, the permission check
``ACLCheckAllPerm`` and the ACL LOG.

Everything here is a value: a :class:`User` is frozen, ``set_user`` returns a new one, and
the server's users and log are the ``acl`` part of ``ServerState`` (:class:`AclState`).

The command bitmap of a selector is a Python ``int``: bit *i* is the command with id *i* in
the command universe (every command and subcommand of 7.0.15's table, from
``command_facts.json``, in its recorded order), and bit :data:`FUTURE_BIT` is Redis's reserved
last bit that only ``+@all``/``allcommands`` sets ("future commands": here, the commands
redspec adds that 7.0.15 does not have, such as REDSPEC).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import attrs
from immutables import Map

from .clients import info_line
from .glob import stringmatch
from .pubsub import unsubscribe_other
from .resp import split_args
from .state import EMPTY_MAP, Client, ServerState, replace
from .step import Step
from .table import load_facts

__all__ = [
    "CATEGORIES", "User", "Selector", "AclState", "LogEntry", "new_user", "default_user",
    "set_user", "set_user_rules", "describe_user", "describe_selector_commands",
    "check_all_perm", "set_user_error", "hash_password", "check_credentials",
    "ACL_OK", "DENIED_CMD", "DENIED_KEY", "DENIED_AUTH", "DENIED_CHANNEL", "new_acl_state",
    "command_id", "category_commands", "add_log_entry", "merge_selector_args",
    "user_needs_check", "default_requires_auth", "kill_pubsub_needed", "channel_allowed",
]

# -- the command universe -------------------------------------------------------------------

#: ``ACLCommandCategories``, in Redis's order (ACL CAT, the describe loop).
CATEGORIES: tuple[str, ...] = (
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
    "dangerous", "connection", "transaction", "scripting",
)

#: ``USER_COMMAND_BITS_COUNT - 1``: the bit only ``+@all`` sets (future commands).
FUTURE_BIT = 1 << 1023
ALL_BITS = (1 << 1024) - 1


@attrs.frozen(slots=True)
class _Cmd:
    """One command of the universe: its full name, id, categories, parent's id (-1 for a
    top-level command) and its subcommands' ids."""

    name: str
    id: int
    categories: frozenset[str]
    parent: int
    subs: tuple[int, ...]


def _build_universe() -> tuple[list[_Cmd], dict[str, int]]:
    """Number every 7.0.15 command and subcommand (``ACLGetCommandID``), top-level first then
    its subcommands, in the recorded order."""
    cmds: list[_Cmd] = []
    ids: dict[str, int] = {}

    def cats(entry: list[Any]) -> frozenset[str]:
        return frozenset(x["status"][1:] for x in entry[6]["set"])

    for name, entry in load_facts()["info"].items():
        cid = len(cmds)
        cmds.append(_Cmd(name, cid, cats(entry), -1, ()))
        ids[name] = cid
        subs = entry[9] if len(entry) > 9 and isinstance(entry[9], list) else []
        sub_ids = []
        for sub in subs:
            sid = len(cmds)
            cmds.append(_Cmd(sub[0], sid, cats(sub), cid, ()))
            ids[sub[0]] = sid
            sub_ids.append(sid)
        if sub_ids:
            cmds[cid] = attrs.evolve(cmds[cid], subs=tuple(sub_ids))
    return cmds, ids


_CMDS, _IDS = _build_universe()
#: Top-level commands (the iteration of ``server.orig_commands``).
_TOP = tuple(c for c in _CMDS if c.parent < 0)


def command_id(name: str) -> int:
    """The ACL id of a full command name (``client|list``), or -1 for a command 7.0.15 does
    not have (a redspec extension: allowed only by the future-commands bit)."""
    return _IDS.get(name, -1)


def _perm_bits(c: _Cmd) -> int:
    """The bits ``ACLChangeSelectorPerm`` changes: the command's and its subcommands'."""
    bits = 1 << c.id
    for sid in c.subs:
        bits |= 1 << sid
    return bits


def _category_tables() -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """Per category: the bits ``+@cat``/``-@cat`` change
    (``ACLSetSelectorCommandBitsForCategory``: a command of the category with all its
    subcommands) and the ids counted for it (``ACLCountCategoryBitsForCommands``: the
    commands and subcommands that carry the category themselves)."""
    masks: dict[str, int] = {}
    members: dict[str, tuple[int, ...]] = {}
    for cat in CATEGORIES:
        m = 0
        ids = []
        for c in _CMDS:
            if cat in c.categories:
                m |= _perm_bits(c)
                ids.append(c.id)
        masks[cat] = m
        members[cat] = tuple(ids)
    return masks, members


_CAT_MASK, _CAT_IDS = _category_tables()


def category_commands(cat: str) -> list[str] | None:
    """ACL CAT <category>: the full names in the category (``aclCatWithFlags``), or None for an
    unknown category name (matched without case)."""
    low = cat.lower()
    if low not in _CAT_IDS:
        return None
    return [_CMDS[i].name for i in _CAT_IDS[low]]


def _lookup(name: bytes) -> _Cmd | None:
    """``ACLLookupCommand`` / ``lookupCommandBySdsLogic``: ``cmd`` or ``container|sub``
    (case-insensitive), exactly one level, else None."""
    parts = name.lower().split(b"|")
    if len(parts) > 2:
        return None
    try:
        base = _IDS.get(parts[0].decode())
    except UnicodeDecodeError:
        return None
    if base is None:
        return None
    c = _CMDS[base]
    if len(parts) == 1:
        return c
    if not c.subs:
        return None  # strict: a command without subcommands takes no "|sub"
    sid = _IDS.get(c.name + "|" + parts[1].decode("utf-8", "surrogateescape"))
    return _CMDS[sid] if sid is not None else None


# -- selectors and users ---------------------------------------------------------------------

#: ``ACL_READ_PERMISSION`` / ``ACL_WRITE_PERMISSION`` of a key pattern.
READ = 1
WRITE = 2
ALL_PERM = 3


@attrs.frozen(slots=True)
class Selector:
    """``aclSelector``: the command bitmap, the first-args allowed for otherwise denied
    commands (``allowed_firstargs``: id -> args), key patterns with their R/W flags, channel
    patterns and the ALLKEYS / ALLCHANNELS / ALLCOMMANDS flags."""

    root: bool = False
    allkeys: bool = False
    allchannels: bool = False
    allcommands: bool = False
    allowed: int = 0
    firstargs: tuple[tuple[int, tuple[bytes, ...]], ...] = ()
    patterns: tuple[tuple[bytes, int], ...] = ()
    channels: tuple[bytes, ...] = ()


#: ``ACLUserFlags``, in the order Redis prints them.
USER_FLAGS = ("on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload")


@attrs.frozen(slots=True)
class User:
    """``user``: name, flags (a set of :data:`USER_FLAGS` names), password hashes (SHA-256
    hex, in the order added) and selectors (the root selector first)."""

    name: bytes
    flags: frozenset[str] = frozenset(("off",))
    passwords: tuple[str, ...] = ()
    selectors: tuple[Selector, ...] = (Selector(root=True),)


@attrs.frozen(slots=True)
class LogEntry:
    """``ACLLogEntry``: how many times, why (``command``/``key``/``channel``/``auth``), where
    (``toplevel``/``multi``/``lua``), the object (command, key, channel name), the user, the
    last time (unix ms) and the last client's CLIENT LIST line."""

    count: int
    reason: str
    context: str
    object: bytes
    username: bytes
    ctime_ms: int
    cinfo: bytes


@attrs.frozen(slots=True)
class AclState:
    """The ACL part of the server: ``Users`` (name -> :class:`User`; listed in byte order, as
    the rax is), ``ACLLog`` (newest first) and the names of users whose commands must be
    checked (every user but those with all commands, keys and channels in the root selector:
    the fast path of a connection that may do everything)."""

    users: Map[bytes, User] = EMPTY_MAP
    log: tuple[LogEntry, ...] = ()
    restricted: frozenset[str] = frozenset()
    #: The world's answers about the ``aclfile`` (inputs, consumed in order): what ACL LOAD
    #: read (the bytes, or the ``strerror`` text of a failed open) and whether ACL SAVE's
    #: write succeeded.
    file_reads: tuple[bytes | str, ...] = ()
    save_outcomes: tuple[bool, ...] = ()


def _selector(root: bool, pubsub_all: bool) -> Selector:
    """``ACLCreateSelector``: no permissions, but channels per ``acl-pubsub-default``."""
    return Selector(root=root, allchannels=pubsub_all)


def new_user(name: bytes, pubsub_all: bool) -> User:
    """``ACLCreateUser``: disabled, no passwords, a root selector with no permissions."""
    return User(name=name, selectors=(_selector(True, pubsub_all),))


def default_user(pubsub_all: bool) -> User:
    """``ACLCreateDefaultUser``: ``+@all ~* &* on nopass``."""
    u = new_user(b"default", pubsub_all)
    for op in (b"+@all", b"~*", b"&*", b"on", b"nopass"):
        r = set_user(u, op, pubsub_all)
        assert isinstance(r, User)
        u = r
    return u


def new_acl_state(pubsub_all: bool = False) -> AclState:
    """``ACLInit``: only the default user, an empty log."""
    return with_users(AclState(), Map({b"default": default_user(pubsub_all)}))


def user_needs_check(u: User) -> bool:
    """Whether a connection of this user must pass ``ACLCheckAllPerm``: not when its root
    selector already allows every command, key and channel."""
    r = u.selectors[0]
    return not (r.allcommands and r.allkeys and r.allchannels)


def with_users(st: AclState, users: Map[bytes, User]) -> AclState:
    """The state with ``users`` and the restricted set recomputed."""
    restricted = frozenset(n.decode("utf-8", "surrogateescape")
                           for n, u in users.items() if user_needs_check(u))
    return attrs.evolve(st, users=users, restricted=restricted)


def default_requires_auth(st: AclState) -> bool:
    """``authRequired``'s half about the default user: it has a password or is disabled."""
    d = st.users[b"default"]
    return "nopass" not in d.flags or "off" in d.flags


# -- passwords --------------------------------------------------------------------------------


def hash_password(pw: bytes) -> str:
    """``ACLHashPassword``: SHA-256 as 64 lowercase hex characters."""
    return hashlib.sha256(pw).hexdigest()


def _valid_hash(h: bytes) -> bool:
    """``ACLCheckPasswordHash``: exactly 64 of ``0-9a-f``."""
    return len(h) == 64 and all(48 <= c <= 57 or 97 <= c <= 102 for c in h)


def check_credentials(st: AclState, name: bytes, password: bytes) -> bool:
    """``ACLCheckUserCredentials``: the user exists, is enabled, and is nopass or one of its
    passwords hashes to the same SHA-256."""
    u = st.users.get(name)
    if u is None or "off" in u.flags:
        return False
    if "nopass" in u.flags:
        return True
    return hash_password(password) in u.passwords


# -- ACLSetUser / ACLSetSelector -------------------------------------------------------------

#: ``ACLSetUserStringError`` per errno the rule parser sets.
_ERRORS = {
    "ENOENT": "Unknown command or category name in ACL",
    "EINVAL": "Syntax error",
    "EEXIST": "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
              "does not have any effect. Try 'resetkeys' to start with an empty list of "
              "patterns",
    "EISDIR": "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
              "and does not have any effect. Try 'resetchannels' to start with an empty list "
              "of channels",
    "ENODEV": "The password you are trying to remove from the user does not exist",
    "EBADMSG": "The password hash must be exactly 64 characters and contain only lowercase "
               "hexadecimal characters",
    "EALREADY": "Duplicate user found. A user can only be defined once in config files",
    "ECHILD": "Allowing first-arg of a subcommand is not supported",
}


def set_user_error(errno: str) -> str:
    """``ACLSetUserStringError``: the text for a rule the parser refused."""
    return _ERRORS.get(errno, "Wrong format")


class RuleError(Exception):
    """A rule ACLSetUser / ACLSetSelector refused, with Redis's errno name."""

    def __init__(self, errno: str) -> None:
        super().__init__(errno)
        self.errno = errno


def _has_spaces(b: bytes) -> bool:
    """``ACLStringHasSpaces``: any C-isspace byte or NUL."""
    return any(c in b" \t\n\v\f\r\0" for c in b)


def _change_perm(sel: Selector, c: _Cmd, allow: bool) -> Selector:
    """``ACLChangeSelectorPerm``: set or clear the command's bit and its subcommands', drop
    its allowed first-args; clearing a bit clears ALLCOMMANDS."""
    bits = _perm_bits(c)
    fa = tuple(x for x in sel.firstargs if x[0] != c.id) if sel.firstargs else ()
    if allow:
        return attrs.evolve(sel, allowed=sel.allowed | bits, firstargs=fa)
    return attrs.evolve(sel, allowed=sel.allowed & ~bits, firstargs=fa, allcommands=False)


def _category_op(sel: Selector, cat: str, allow: bool) -> Selector:
    """``+@cat`` / ``-@cat`` (``ACLSetSelectorCommandBitsForCategory``)."""
    ids = _CAT_IDS[cat]
    fa = tuple(x for x in sel.firstargs if x[0] not in ids) if sel.firstargs else ()
    if allow:
        return attrs.evolve(sel, allowed=sel.allowed | _CAT_MASK[cat], firstargs=fa)
    mask = _CAT_MASK[cat]
    return attrs.evolve(sel, allowed=sel.allowed & ~mask, firstargs=fa,
                        allcommands=sel.allcommands and not mask)


def _add_firstarg(sel: Selector, cid: int, arg: bytes) -> Selector:
    """``ACLAddAllowedFirstArg``: append (once, compared without case)."""
    fa = dict(sel.firstargs)
    cur = fa.get(cid, ())
    if any(a.lower() == arg.lower() for a in cur):
        return sel
    fa[cid] = (*cur, arg)
    order = [k for k, _ in sel.firstargs] + ([cid] if cid not in dict(sel.firstargs) else [])
    return attrs.evolve(sel, firstargs=tuple((k, fa[k]) for k in order))


def set_selector(sel: Selector, op: bytes) -> Selector:
    """``ACLSetSelector``: apply one key, channel or command rule; raises :class:`RuleError`."""
    low = op.lower()
    if low in (b"allkeys", b"~*"):
        return attrs.evolve(sel, allkeys=True, patterns=())
    if low == b"resetkeys":
        return attrs.evolve(sel, allkeys=False, patterns=())
    if low in (b"allchannels", b"&*"):
        return attrs.evolve(sel, allchannels=True, channels=())
    if low == b"resetchannels":
        return attrs.evolve(sel, allchannels=False, channels=())
    if low in (b"allcommands", b"+@all"):
        return attrs.evolve(sel, allowed=ALL_BITS, allcommands=True, firstargs=())
    if low in (b"nocommands", b"-@all"):
        return attrs.evolve(sel, allowed=0, allcommands=False, firstargs=())
    first = op[:1]
    if first in (b"~", b"%"):
        return _key_pattern(sel, op)
    if first == b"&":
        if sel.allchannels:
            raise RuleError("EISDIR")
        pat = op[1:]
        if _has_spaces(pat):
            raise RuleError("EINVAL")
        chans = sel.channels if pat in sel.channels else (*sel.channels, pat)
        return attrs.evolve(sel, channels=chans, allchannels=False)
    second = op[1:2]
    if first == b"+" and second != b"@":
        return _allow_command(sel, op[1:])
    if first == b"-" and second != b"@":
        c = _lookup(op[1:])
        if c is None:
            raise RuleError("ENOENT")
        return _change_perm(sel, c, False)
    if first in (b"+", b"-") and second == b"@":
        cat = op[2:].lower().decode("utf-8", "surrogateescape")
        if cat not in _CAT_MASK:
            raise RuleError("ENOENT")
        return _category_op(sel, cat, first == b"+")
    raise RuleError("EINVAL")


def _key_pattern(sel: Selector, op: bytes) -> Selector:
    """``~pattern`` and ``%R~`` / ``%W~`` / ``%RW~pattern``."""
    if sel.allkeys:
        raise RuleError("EEXIST")
    flags = 0
    offset = 1
    if op[:1] == b"%":
        n = len(op)
        while offset < n:
            ch = op[offset:offset + 1].upper()
            if ch == b"R" and not flags & READ:
                flags |= READ
            elif ch == b"W" and not flags & WRITE:
                flags |= WRITE
            elif ch == b"~":
                offset += 1
                break
            else:
                raise RuleError("EINVAL")
            offset += 1
    else:
        flags = ALL_PERM
    pat = op[offset:]
    if _has_spaces(pat):
        raise RuleError("EINVAL")
    pats = list(sel.patterns)
    for i, (p, f) in enumerate(pats):
        if p == pat:
            pats[i] = (p, f | flags)
            break
    else:
        pats.append((pat, flags))
    return attrs.evolve(sel, patterns=tuple(pats), allkeys=False)


def _allow_command(sel: Selector, name: bytes) -> Selector:
    """``+command``, ``+container|sub`` and ``+command|first-arg``."""
    if b"|" not in name:
        c = _lookup(name)
        if c is None:
            raise RuleError("ENOENT")
        return _change_perm(sel, c, True)
    base, _, sub = name.rpartition(b"|")
    c = _lookup(base)
    if c is None:
        raise RuleError("ENOENT")
    if c.parent >= 0:
        raise RuleError("ECHILD")
    if not sub:
        raise RuleError("EINVAL")
    if c.subs:
        full = _lookup(name)
        if full is None:
            raise RuleError("ENOENT")
        return _change_perm(sel, full, True)
    return _add_firstarg(sel, c.id, sub)


def _replace_root(u: User, root: Selector) -> User:
    return attrs.evolve(u, selectors=(root, *u.selectors[1:]))


def set_user(u: User, op: bytes, pubsub_all: bool) -> User | str:
    """``ACLSetUser``: the user with one rule applied, or the errno name of a refused rule."""
    try:
        return _set_user(u, op, pubsub_all)
    except RuleError as e:
        return e.errno


def _set_user(u: User, op: bytes, pubsub_all: bool) -> User:
    if not op:
        return u
    low = op.lower()
    flags = u.flags
    if low == b"on":
        return attrs.evolve(u, flags=(flags - {"off"}) | {"on"})
    if low == b"off":
        return attrs.evolve(u, flags=(flags - {"on"}) | {"off"})
    if low == b"skip-sanitize-payload":
        return attrs.evolve(u, flags=(flags - {"sanitize-payload"}) | {"skip-sanitize-payload"})
    if low == b"sanitize-payload":
        return attrs.evolve(u, flags=(flags - {"skip-sanitize-payload"}) | {"sanitize-payload"})
    if low == b"nopass":
        return attrs.evolve(u, flags=flags | {"nopass"}, passwords=())
    if low == b"resetpass":
        return attrs.evolve(u, flags=flags - {"nopass"}, passwords=())
    first = op[:1]
    if first in (b">", b"#"):
        if first == b">":
            h = hash_password(op[1:])
        else:
            if not _valid_hash(op[1:]):
                raise RuleError("EBADMSG")
            h = op[1:].decode()
        pws = u.passwords if h in u.passwords else (*u.passwords, h)
        return attrs.evolve(u, passwords=pws, flags=flags - {"nopass"})
    if first in (b"<", b"!"):
        if first == b"<":
            h = hash_password(op[1:])
        else:
            if not _valid_hash(op[1:]):
                raise RuleError("EBADMSG")
            h = op[1:].decode()
        if h not in u.passwords:
            raise RuleError("ENODEV")
        return attrs.evolve(u, passwords=tuple(p for p in u.passwords if p != h))
    if first == b"(" and op[-1:] == b")":
        sel = _selector(False, pubsub_all)
        for sub in split_args(op[1:-1]) or []:
            sel = set_selector(sel, sub)
        return attrs.evolve(u, selectors=(*u.selectors, sel))
    if low == b"clearselectors":
        return attrs.evolve(u, selectors=u.selectors[:1])
    if low == b"reset":
        for step in (b"resetpass", b"resetkeys", b"resetchannels",
                     *((b"allchannels",) if pubsub_all else ()), b"off", b"sanitize-payload",
                     b"clearselectors", b"-@all"):
            u = _set_user(u, step, pubsub_all)
        return u
    return _replace_root(u, set_selector(u.selectors[0], op))


def merge_selector_args(args: list[bytes]) -> tuple[list[bytes], int]:
    """``ACLMergeSelectorArguments``: join a ``(...)`` selector spread over several
    arguments (with single spaces); returns the merged rules and -1, or ([], index of the
    argument that opened an unmatched parenthesis)."""
    out: list[bytes] = []
    start = -1
    cur = b""
    for j, op in enumerate(args):
        if op[:1] == b"(" and op[-1:] != b")":
            cur = op
            start = j
            continue
        if start != -1:
            cur += b" " + op
            if op[-1:] == b")":
                start = -1
                out.append(cur)
            continue
        out.append(op)
    if start != -1:
        return [], start
    return out, -1


def set_user_rules(u: User, rules: Iterable[bytes], pubsub_all: bool) -> User | tuple[bytes, str]:
    """Apply rules in order on a copy (ACL SETUSER's temporary user): the new user, or the
    first refused rule with its errno name."""
    for op in rules:
        r = set_user(u, op, pubsub_all)
        if isinstance(r, str):
            return op, r
        u = r
    return u


# -- describing a user -----------------------------------------------------------------------


def _count(bits: int, cat: str) -> tuple[int, int]:
    """``ACLCountCategoryBitsForSelector``: (allowed, denied) commands carrying ``cat``."""
    on = sum(1 for i in _CAT_IDS[cat] if bits >> i & 1)
    return on, len(_CAT_IDS[cat]) - on


def describe_selector_commands(sel: Selector) -> str:
    """``ACLDescribeSelectorCommandRules``: ``+@all`` or ``-@all``, then the categories that
    best fit the bitmap (each round the one with the fewest differences, ties to the most in
    common), then single commands and allowed first-args, so that the rules rebuild the
    bitmap exactly.

    The single commands follow the command table's order; Redis iterates its command dict,
    whose order follows a hash seed drawn at start (two Redis servers differ).
    """
    bits = sel.allowed
    additive = not bits & FUTURE_BIT
    rules = ["-@all" if additive else "+@all"]
    fake = 0 if additive else ALL_BITS
    temp = bits
    applied: set[str] = set()
    while True:
        best = None
        mindiff = 1 << 31
        maxsame = 0
        for cat in CATEGORIES:
            if cat in applied:
                continue
            on, off = _count(temp, cat)
            diff, same = (off, on) if additive else (on, off)
            if same > diff and (diff < mindiff or (diff == mindiff and same > maxsame)):
                best, mindiff, maxsame = cat, diff, same
        if best is None:
            break
        mask = _CAT_MASK[best]
        if additive:
            fake |= mask
            temp &= ~mask
            rules.append("+@" + best)
        else:
            fake &= ~mask
            temp |= mask
            rules.append("-@" + best)
        applied.add(best)
    fa = dict(sel.firstargs)
    for c in _TOP:
        fake = _single(c, bits, fake, fa, rules)
        for sid in c.subs:
            fake = _single(_CMDS[sid], bits, fake, fa, rules)
    return " ".join(rules)


def _single(c: _Cmd, bits: int, fake: int, fa: dict[int, tuple[bytes, ...]],
            rules: list[str]) -> int:
    """One command of ``ACLDescribeSelectorCommandRulesSingleCommands``."""
    userbit = bits >> c.id & 1
    if userbit != fake >> c.id & 1:
        rules.append(("+" if userbit else "-") + c.name)
        fake = fake | _perm_bits(c) if userbit else fake & ~_perm_bits(c)
    if not userbit and c.id in fa:
        for arg in fa[c.id]:
            rules.append("+" + c.name + "|" + arg.decode("utf-8", "surrogateescape"))
    return fake


def _pattern_text(p: bytes, f: int) -> bytes:
    """``sdsCatPatternString``: ``~p``, ``%R~p`` or ``%W~p``."""
    prefix = b"~" if f == ALL_PERM else b"%R~" if f == READ else b"%W~" if f == WRITE else b"%~"
    return prefix + p


def selector_keys_text(sel: Selector) -> bytes:
    """The key patterns as ACL GETUSER shows them (``~*`` for allkeys)."""
    if sel.allkeys:
        return b"~*"
    return b" ".join(_pattern_text(p, f) for p, f in sel.patterns)


def selector_channels_text(sel: Selector) -> bytes:
    """The channel patterns as ACL GETUSER shows them (``&*`` for allchannels)."""
    if sel.allchannels:
        return b"&*"
    return b" ".join(b"&" + c for c in sel.channels)


def describe_selector(sel: Selector) -> bytes:
    """``ACLDescribeSelector``: keys, channels (``resetchannels`` first unless allchannels),
    then the command rules."""
    parts: list[bytes] = []
    if sel.allkeys:
        parts.append(b"~*")
    else:
        parts.extend(_pattern_text(p, f) for p, f in sel.patterns)
    if sel.allchannels:
        parts.append(b"&*")
    else:
        parts.append(b"resetchannels")
        parts.extend(b"&" + c for c in sel.channels)
    parts.append(describe_selector_commands(sel).encode())
    return b" ".join(parts)


def describe_user(u: User) -> bytes:
    """``ACLDescribeUser``: flags, ``#hash`` passwords, the root selector, then each other
    selector in parentheses (the ACL LIST / ACL file form without ``user <name>``)."""
    out = b"".join(f.encode() + b" " for f in USER_FLAGS if f in u.flags)
    out += b"".join(b"#" + p.encode() + b" " for p in u.passwords)
    out += describe_selector(u.selectors[0])
    for sel in u.selectors[1:]:
        out += b" (" + describe_selector(sel) + b")"
    return out


# -- ACLCheckAllPerm -------------------------------------------------------------------------

ACL_OK = 0
DENIED_CMD = 1
DENIED_KEY = 2
DENIED_AUTH = 3
DENIED_CHANNEL = 4

REASONS = {DENIED_CMD: "command", DENIED_KEY: "key", DENIED_AUTH: "auth",
           DENIED_CHANNEL: "channel"}

#: ``ACLDoesCommandHaveChannels``: command -> (first channel argument, all the rest?, the
#: ACL patterns compared literally?).
_CHANNEL_COMMANDS = {
    "publish": (False, False), "spublish": (False, False),
    "subscribe": (True, False), "ssubscribe": (True, False), "psubscribe": (True, True),
}


def _key_allowed(sel: Selector, key: bytes, ks_flags: frozenset[str]) -> bool:
    """``ACLSelectorCheckKey``: a pattern with at least the access the key spec needs."""
    need = 0
    if "access" in ks_flags:
        need |= READ
    if "insert" in ks_flags or "delete" in ks_flags or "update" in ks_flags:
        need |= WRITE
    for p, f in sel.patterns:
        if f & need == need and stringmatch(p, key):
            return True
    return False


def _channel_in(patterns: Iterable[bytes], channel: bytes, literal: bool) -> bool:
    """``ACLCheckChannelAgainstList``."""
    for p in patterns:
        if (literal and p == channel) or (not literal and stringmatch(p, channel)):
            return True
    return False


def channel_allowed(u: User, channel: bytes, literal: bool) -> bool:
    """``ACLUserCheckChannelPerm``: some selector allows the channel."""
    return any(s.allchannels or _channel_in(s.channels, channel, literal) for s in u.selectors)


def _check_selector(sel: Selector, cid: int, name: str, no_auth: bool, argv: list[bytes],
                    keys: Callable[[], list[tuple[int, frozenset[str]]]],
                    idx: list[int]) -> int:
    """``ACLSelectorCheckCmd``: the command bit (or an allowed first argument), each key the
    key specs find, each channel argument. ``idx[0]`` gets the refused argument's position."""
    if not sel.allcommands and not no_auth:
        if cid < 0:
            if not sel.allowed & FUTURE_BIT:
                return DENIED_CMD
        elif not sel.allowed >> cid & 1:
            fa = dict(sel.firstargs).get(cid) if sel.firstargs else None
            if len(argv) < 2 or fa is None:
                return DENIED_CMD
            arg = argv[2 if "|" in name else 1].lower()
            if not any(a.lower() == arg for a in fa):
                return DENIED_CMD
    if not sel.allkeys:
        for pos, fl in keys():
            if not _key_allowed(sel, argv[pos], fl):
                idx[0] = pos
                return DENIED_KEY
    ch = _CHANNEL_COMMANDS.get(name)
    if ch is not None and not sel.allchannels:
        rest, literal = ch
        for j in range(1, len(argv) if rest else 2):
            if not _channel_in(sel.channels, argv[j], literal):
                idx[0] = j
                return DENIED_CHANNEL
    return ACL_OK


def check_all_perm(u: User, name: str, no_auth: bool, argv: list[bytes],
                   keys: Callable[[], list[tuple[int, frozenset[str]]]]) -> tuple[int, int]:
    """``ACLCheckAllUserCommandPerm``: OK if one selector allows the command with its keys
    and channels; otherwise the error to report — the command if no selector got past it,
    else the key or channel error (channel over key) with the highest argument position.
    Returns (result, argument position)."""
    cid = command_id(name)
    cache: list[list[tuple[int, frozenset[str]]]] = []

    def cached_keys() -> list[tuple[int, frozenset[str]]]:
        if not cache:
            cache.append(keys())
        return cache[0]

    relevant = DENIED_CMD
    local = [0]
    last = 0
    for sel in u.selectors:
        r = _check_selector(sel, cid, name, no_auth, argv, cached_keys, local)
        if r == ACL_OK:
            return ACL_OK, 0
        if r > relevant or (r == relevant and local[0] > last):
            relevant = r
            last = local[0]
    return relevant, last


def kill_pubsub_needed(new: User, old: User) -> list[bytes] | None:
    """``ACLKillPubsubClientsIfNeeded``'s first half: None when the new rules keep every
    channel the old ones allowed (a selector with all channels, or a superset of the old
    patterns); else the new channel list that subscribers must still fit in."""
    if any(s.allchannels for s in new.selectors):
        return None
    upcoming = [c for s in new.selectors for c in s.channels]
    if all(c in upcoming for s in old.selectors for c in s.channels):
        return None
    return upcoming


# -- ACL LOG ---------------------------------------------------------------------------------

#: ``ACL_LOG_GROUPING_MAX_TIME_DELTA``: entries this close (ms) are merged.
_GROUPING_MS = 60000


def add_log_entry(st: AclState, entry: LogEntry, max_len: int) -> AclState:
    """``addACLLogEntry``: merge with a similar entry among the 10 newest (same reason,
    context, object and user, within 60 s: count + 1, newer time and client, moved to the
    front), else add it at the front and trim to ``acllog-max-len``."""
    log = list(st.log)
    for i, cur in enumerate(log[:10]):
        if (cur.reason == entry.reason and cur.context == entry.context
                and abs(cur.ctime_ms - entry.ctime_ms) <= _GROUPING_MS
                and cur.object == entry.object and cur.username == entry.username):
            merged = attrs.evolve(cur, count=cur.count + 1, ctime_ms=entry.ctime_ms,
                                  cinfo=entry.cinfo)
            del log[i]
            return attrs.evolve(st, log=(merged, *log))
    return attrs.evolve(st, log=(entry, *log)[:max(max_len, 0)])


# -- the ACL part of a transition ------------------------------------------------------------


def pubsub_default_all(config: Any) -> bool:
    """``server.acl_pubsub_default``: new selectors get all channels (``allchannels``)."""
    return bool(config.get("acl-pubsub-default") == "allchannels")


def initial_acl(config: Any) -> AclState:
    """``ACLInit`` then ``requirepass`` applied (``ACLUpdateDefaultUserPassword``)."""
    st = new_acl_state(pubsub_default_all(config))
    req = config.get("requirepass")
    return update_default_password(st, _as_bytes(req) if req else None,
                                   pubsub_default_all(config))


def _as_bytes(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape")


def acl_of_state(state: ServerState) -> AclState:
    """The ACL part of a committed state (built from the config when not yet used)."""
    st = state.acl
    return st if st is not None else initial_acl(state.config)


def acl_state(s: Step) -> AclState:
    """The ACL part in this transition."""
    st = s.part("acl")
    if st is None:
        st = initial_acl(s.config)
        s.set_part("acl", st)
    return st  # type: ignore[no-any-return]


def put_user(s: Step, u: User) -> None:
    """Store (create or replace) a user."""
    st = acl_state(s)
    s.set_part("acl", with_users(st, st.users.set(u.name, u)))


def update_default_password(st: AclState, password: bytes | None, pubsub_all: bool) -> AclState:
    """``ACLUpdateDefaultUserPassword`` (the ``requirepass`` apply function): ``resetpass``
    then ``>password``, or ``nopass`` for an empty one."""
    d = st.users[b"default"]
    r = set_user(d, b"resetpass", pubsub_all)
    assert isinstance(r, User)
    r = set_user(r, b">" + password if password else b"nopass", pubsub_all)
    assert isinstance(r, User)
    return with_users(st, st.users.set(b"default", r))


def client_authenticated_at_start(state: ServerState) -> bool:
    """``createClient``: authenticated when the default user is nopass and enabled."""
    if state.acl is None:
        return not state.config.get("requirepass")
    return not default_requires_auth(state.acl)


def auth_required(s: Step) -> bool:
    """``authRequired`` for the running client (called only when it is not authenticated):
    the default user has a password or is disabled."""
    st = s.part("acl")
    if st is None:
        return bool(s.config["requirepass"])
    return default_requires_auth(st)


def log_denial(s: Step, reason: int, context: str, obj: bytes, username: bytes | None = None,
               real: Client | None = None, argv: list[bytes] | None = None,
               cmd_name: str | None = None) -> None:
    """``addACLLogEntry``: the entry for this denial, with the real client's CLIENT LIST line
    (the script's caller for a script's command, ``cmd_name`` its command)."""
    c = real if real is not None else s.client
    cmd = cmd_name if cmd_name is not None else "exec" if s.in_exec \
        else s.cmd.name if s.cmd is not None else None
    cinfo = info_line(c, s.now_ms, argv=argv, cmd=cmd) if real is None else \
        info_line(c, s.now_ms, cmd=cmd)
    entry = LogEntry(count=1, reason=REASONS[reason], context=context, object=obj,
                     username=username if username is not None
                     else c.user.encode("utf-8", "surrogateescape"),
                     ctime_ms=s.now_ms, cinfo=cinfo)
    s.set_part("acl", add_log_entry(acl_state(s), entry, s.config["acllog-max-len"]))


def authenticate(s: Step, name: bytes, password: bytes, typed: bytes) -> bool:
    """``ACLAuthenticateUser``: on good credentials the client is authenticated as ``name``;
    a failure is logged (reason ``auth``, the command name as ``typed`` as the object)."""
    st = acl_state(s)
    if check_credentials(st, name, password):
        user = name.decode("utf-8", "surrogateescape")
        c = s.client
        if not c.authenticated or c.user != user:
            s.update_client(authenticated=True, user=user)
        return True
    ctx = "multi" if s.client.info.multi >= 0 else "toplevel"
    log_denial(s, DENIED_AUTH, ctx, typed, username=name)
    return False


def kill_user_clients(s: Step, name: bytes) -> None:
    """``ACLFreeUserAndKillClients``: every client authenticated as the deleted user is
    put back to the default user, unauthenticated, and closed (the running client after its
    reply: CLIENT_CLOSE_AFTER_COMMAND)."""
    user = name.decode("utf-8", "surrogateescape")
    me = s.client.id
    for cid, c in list(s.clients.items()):
        if cid != me and c.user == user and not c.closing:
            _close_other(s, replace(c, user="default", authenticated=False))
    if s.client.user == user:
        s.update_client(user="default", authenticated=False, closing=True)


def _close_other(s: Step, c: Client) -> None:
    """``freeClient`` of another client: dropped at once, its unsent reply with it."""
    s.set_other_client(unsubscribe_other(s, replace(c, closing=True, reply=b"")))
    s.close.add(c.id)


def kill_pubsub_clients(s: Step, new: User, old: User) -> None:
    """``ACLKillPubsubClientsIfNeeded``: after new rules removed channels, the user's Pub/Sub
    clients subscribed to a channel (or pattern, compared literally) the new rules do not
    allow are disconnected."""
    upcoming = kill_pubsub_needed(new, old)
    if upcoming is None:
        return
    user = old.name.decode("utf-8", "surrogateescape")
    me = s.client.id
    for cid, c in list(s.clients.items()):
        if c.user != user or c.closing or cid == me:
            continue
        if not (c.pubsub_channels or c.pubsub_patterns or c.pubsub_shard_channels):
            continue
        bad = (any(not _channel_in(upcoming, p, True) for p in c.pubsub_patterns)
               or any(not _channel_in(upcoming, ch, False) for ch in c.pubsub_channels)
               or any(not _channel_in(upcoming, ch, False) for ch in c.pubsub_shard_channels))
        if bad:
            _close_other(s, c)


def set_requirepass(s: Step, value: Any) -> None:
    """``updateRequirePass``: the default user's password follows ``requirepass``."""
    st = acl_state(s)
    s.set_part("acl", update_default_password(st, _as_bytes(value) if value else None,
                                              pubsub_default_all(s.config)))


# -- the ACL file and users in the config file ------------------------------------------------


class AclFileNeeded(Exception):
    """ACL LOAD needs the ``aclfile``'s bytes: the world reads the file and adds the answer
    with :func:`with_acl_file_read` (the bytes, or ``strerror`` of a failed open), then runs
    the transition again."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class AclSaveNeeded(Exception):
    """ACL SAVE needs the file written (a temporary file renamed over ``aclfile``): the world
    writes ``data`` and adds whether it worked with :func:`with_acl_save_outcome`."""

    def __init__(self, path: str, data: bytes) -> None:
        super().__init__(path)
        self.path = path
        self.data = data


def with_acl_file_read(state: ServerState, answer: bytes | str) -> ServerState:
    """The state with the world's answer to :class:`AclFileNeeded` added (an input)."""
    st = acl_of_state(state)
    return replace(state, acl=attrs.evolve(st, file_reads=(*st.file_reads, answer)))


def with_acl_save_outcome(state: ServerState, ok: bool) -> ServerState:
    """The state with the world's answer to :class:`AclSaveNeeded` added (an input)."""
    st = acl_of_state(state)
    return replace(state, acl=attrs.evolve(st, save_outcomes=(*st.save_outcomes, ok)))


def read_acl_file(s: Step, path: str) -> bytes | str:
    """The bytes of the ACL file (or the open error), consuming the world's answer."""
    st = acl_state(s)
    if not st.file_reads:
        raise AclFileNeeded(path)
    s.set_part("acl", attrs.evolve(st, file_reads=st.file_reads[1:]))
    return st.file_reads[0]


def write_acl_file(s: Step, path: str, data: bytes) -> bool:
    """Whether the ACL file was written, consuming the world's answer."""
    st = acl_state(s)
    if not st.save_outcomes:
        raise AclSaveNeeded(path, data)
    s.set_part("acl", attrs.evolve(st, save_outcomes=st.save_outcomes[1:]))
    return st.save_outcomes[0]


def acl_file_text(users: Map[bytes, User]) -> bytes:
    """``ACLSaveToFile``'s content: one ``user <name> <rules>`` line per user, by name."""
    return b"".join(b"user " + n + b" " + describe_user(users[n]) + b"\n"
                    for n in sorted(users.keys()))


def _sdstrim(b: bytes, chars: bytes) -> bytes:
    return b.strip(chars)


def load_acl_file(data: bytes | str, filename: str, pubsub_all: bool) -> Map[bytes, User] | str:
    """``ACLLoadFromFile``: the users the file defines (a default user as ``ACLInit`` makes it
    when the file has none), or the one-line text of every problem found (then nothing is
    loaded). Lines are split on single spaces; comments are not allowed; only a line's
    first bad rule is reported."""
    if isinstance(data, str):
        return f"Error loading ACLs, opening file '{filename}': {data}"
    users: dict[bytes, User] = {}
    errors = ""
    for i, raw in enumerate(data.split(b"\n")):
        linenum = i + 1
        line = _sdstrim(raw, b" \t\r\n")
        if not line:
            continue
        argv = line.split(b" ")  # sdssplitlen on single spaces: no quoting
        if argv[0] != b"user" or len(argv) < 2:
            errors += (f"{filename}:{linenum} should start with user keyword followed by "
                       "the username. ")
            continue
        name = argv[1]
        if _has_spaces(name):
            errors += (f"'{filename}:{linenum}: username '{_text(name)}' contains invalid "
                       "characters. ")
            continue
        if name in users:
            errors += f"WARNING: Duplicate user '{_text(name)}' found on line {linenum}. "
            continue
        u = new_user(name, pubsub_all)
        merged, bad = merge_selector_args(argv[2:])
        if bad >= 0:
            errors += f"{filename}:{linenum}: Unmatched parenthesis in selector definition."
        for op in merged:
            r = set_user(u, _sdstrim(op, b"\t\r\n"), pubsub_all)
            if isinstance(r, str):
                errors += f"{filename}:{linenum}: {set_user_error(r)}. "
                break
            u = r
        users[name] = u
    if errors:
        return errors + ("WARNING: ACL errors detected, no change to the previously active ACL "
                         "rules was performed")
    if b"default" not in users:
        users[b"default"] = default_user(pubsub_all)
    return Map(users)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def acl_load(s: Step, path: str) -> str | None:
    """ACL LOAD: replace the users with the file's; every client of a non-default user is
    disconnected (its user is freed, even when the file defines it again), the running
    client after its reply. Returns None, or the errors (nothing changed)."""
    st = acl_state(s)
    got = load_acl_file(read_acl_file(s, path), path, pubsub_default_all(s.config))
    if isinstance(got, str):
        return got
    old = [n for n in st.users.keys() if n != b"default"]
    s.set_part("acl", with_users(acl_state(s), got))
    for name in old:
        kill_user_clients(s, name)
    return None


def append_user_for_loading(pending: list[list[bytes]], argv: list[bytes],
                            pubsub_all: bool) -> str | None:
    """``ACLAppendUserForLoading``: a ``user <name> rules...`` line of the config file,
    checked on a scratch user (unknown commands are only found when the users are loaded)
    and kept for :func:`load_configured_users`; the error text of a bad line, which names
    ``argv[index]`` as Redis does."""
    def err(index: int, errno: str) -> str:
        arg = argv[index] if index < len(argv) else b""
        return f"Error in user declaration '{_text(arg)}': {set_user_error(errno)}"

    if any(p[0] == argv[1] for p in pending):
        return err(1, "EALREADY")
    merged, bad = merge_selector_args(argv[2:])
    if bad >= 0:
        return err(bad, "ENOENT")  # Redis prints whatever errno holds; ENOENT in practice
    u = new_user(argv[1], pubsub_all)
    for j, op in enumerate(merged):
        r = set_user(u, op, pubsub_all)
        if isinstance(r, str):
            if r != "ENOENT":
                return err(j, r)
            continue
        u = r
    pending.append([argv[1], *merged])
    return None


def load_configured_users(st: AclState, pending: list[list[bytes]],
                          pubsub_all: bool) -> tuple[AclState, list[str]] | list[str]:
    """``ACLLoadConfiguredUsers``: create the config file's users (``default`` is reset
    first); the state and the notices to log, or the fatal log lines."""
    logs: list[str] = []
    for rules in pending:
        name = rules[0]
        if _has_spaces(name):
            return ["Spaces not allowed in ACL usernames"]
        u = st.users.get(name)
        if u is None:
            u = new_user(name, pubsub_all)
        else:
            r0 = set_user(u, b"reset", pubsub_all)
            assert isinstance(r0, User)
            u = r0
        for op in rules[1:]:
            r = set_user(u, op, pubsub_all)
            if isinstance(r, str):
                return [f"Error loading ACL rule '{_text(op)}' for the user named "
                        f"'{_text(name)}': {set_user_error(r)}",
                        "Critical error while loading ACLs. Exiting."]
            u = r
        st = with_users(st, st.users.set(name, u))
        if "off" in u.flags:
            logs.append(f"The user '{_text(name)}' is disabled (there is no 'on' modifier in "
                        "the user description). Make sure this is not a configuration error.")
    return st, logs


def load_users_at_startup(state: ServerState, pending: list[list[bytes]],
                          acl_file: bytes | str | None) -> tuple[ServerState, list[str]] | list[str]:
    """``ACLLoadUsersAtStartup``: users from the config file, or from ``aclfile`` (its
    bytes, or the open error), never both. The state and the notices to log, or the log
    lines of a refusal (Redis exits with status 1)."""
    path = str(state.config.get("aclfile", ""))
    if path and pending:
        return ["Configuring Redis with users defined in redis.conf and at the same setting "
                "an ACL file path is invalid. This setup is very likely to lead to "
                "configuration errors and security holes, please define either an ACL file "
                "or declare users directly in your redis.conf, but not both."]
    pubsub_all = pubsub_default_all(state.config)
    got = load_configured_users(acl_of_state(state), pending, pubsub_all)
    if isinstance(got, list):
        return got
    st, logs = got
    if path:
        users = load_acl_file(acl_file if acl_file is not None else b"", path, pubsub_all)
        if isinstance(users, str):
            return [f"Aborting Redis startup because of ACL errors: {users}"]
        st = with_users(st, users)
    return replace(state, acl=st), logs
