"""The COMMAND family (``commandCommand`` and friends in ``server.c``): the command table
describing itself.

Everything here is read from the served table (:data:`spec.dispatch.TABLE`): COMMAND INFO of
a served command equals real Redis's byte for byte; COMMAND, COMMAND COUNT and COMMAND LIST
describe what this server serves (a container lists only its served subcommands). COMMAND
DOCS equals Redis except for the summary text, which is our own.
"""

from __future__ import annotations

from typing import Any

from ..config import glob_matcher
from ..cstr import c_word
from ..numbers import string2ll
from ..reply import Err, Map, Reply, RSet, Status, help_lines
from ..step import Step
from ..table import EXTRA_FACTS, CommandSpec
from .registry import command, command_table

__all__ = ["lookup_by_full_name", "lookup_argv", "get_keys", "KEY_FLAG_ORDER"]

_HELP = help_lines("COMMAND", [
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
])

#: The order ``addReplyFlagsForKeyArgs`` prints key-spec flags in.
KEY_FLAG_ORDER = ("RW", "RO", "OW", "RM", "access", "update", "insert", "delete", "not_key",
                  "incomplete", "variable_flags")


def _table() -> dict[bytes, CommandSpec]:
    return command_table()


def lookup_by_full_name(name: bytes) -> CommandSpec | None:
    """``lookupCommandBySds``: ``get`` or ``config|get`` (any case); None if not served."""
    parts = name.lower().split(b"|")
    if len(parts) > 2:
        return None
    cmd = _table().get(parts[0])
    if cmd is None or len(parts) == 1:
        return cmd
    return cmd.subcommands.get(parts[1])


def lookup_argv(argv: list[bytes]) -> CommandSpec | None:
    """``lookupCommand`` over an argv: a container with no further argument is itself."""
    cmd = _table().get(argv[0].lower())
    if cmd is None or len(argv) == 1 or not cmd.subcommands:
        return cmd
    return cmd.subcommands.get(argv[1].lower())


#: redspec's own commands (REDSPEC CLOCK): served, and answered by COMMAND INFO / DOCS when
#: named, but left out of COMMAND, COMMAND COUNT, COMMAND LIST and the argument-less INFO and
#: DOCS, so that those print what Redis 7.0.15 prints.
_EXTENSIONS = frozenset(name.encode() for name in EXTRA_FACTS["info"])


def _all_specs() -> list[CommandSpec]:
    """Every served Redis command, in table order (redspec's own left out)."""
    return [c for name, c in _table().items() if name not in _EXTENSIONS]


# -- handlers ---------------------------------------------------------------------------------


@command("command")
def command_(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND: the COMMAND INFO entry of every served command."""
    return [c.info for c in _all_specs()]


@command("command|count")
def command_count(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND COUNT: how many of Redis's top-level commands this server serves (all 240 of
    7.0.15's; redspec's own REDSPEC is not counted)."""
    return len(_table()) - len(_EXTENSIONS)


@command("command|help")
def command_help(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND HELP."""
    return [Status(line) for line in _HELP]


@command("command|info")
def command_info(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND INFO [name ...]: an entry per name, null for a name not served."""
    if len(argv) == 2:
        return [c.info for c in _all_specs()]
    out: list[Any] = []
    for name in argv[2:]:
        c = lookup_by_full_name(name)
        out.append(None if c is None else c.info)
    return out


@command("command|docs")
def command_docs(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND DOCS [name ...]: a map from each served name to its documentation."""
    if len(argv) == 2:
        return Map((c.name.encode(), c.docs) for c in _all_specs())
    pairs = []
    for name in argv[2:]:
        c = lookup_by_full_name(name)
        if c is not None:
            pairs.append((c.name.encode(), c.docs))
    return Map(pairs)


def _every_name() -> list[CommandSpec]:
    out: list[CommandSpec] = []
    for c in _all_specs():
        out.append(c)
        out.extend(c.subcommands.values())
    return out


@command("command|list")
def command_list(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p]: names, subcommands included."""
    if len(argv) == 2:
        return [c.name.encode() for c in _every_name()]
    if len(argv) != 5 or argv[2].lower() != b"filterby":
        return Err("ERR syntax error")
    kind, arg = argv[3].lower(), argv[4]
    if kind == b"module":
        return []  # no modules are loaded
    if kind == b"aclcat":
        cat = "@" + arg.decode("utf-8", "surrogateescape").lower()
        return [c.name.encode() for c in _every_name() if cat in c.acl_categories]
    if kind == b"pattern":
        match = glob_matcher(arg.decode("utf-8", "surrogateescape"))
        return [c.name.encode() for c in _every_name() if match(c.name)]
    return Err("ERR syntax error")


@command("command|getkeys")
def command_getkeys(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND GETKEYS cmd arg ...: the key arguments of a full command line."""
    return _getkeys(argv, with_flags=False)


@command("command|getkeysandflags")
def command_getkeysandflags(s: Step, argv: list[bytes]) -> Reply:
    """COMMAND GETKEYSANDFLAGS cmd arg ...: each key with its key-spec flags."""
    return _getkeys(argv, with_flags=True)


def _getkeys(argv: list[bytes], with_flags: bool) -> Reply:
    """``getKeysSubcommandImpl``: the three refusals, then the keys in argv order of specs."""
    target = argv[2:]
    cmd = lookup_argv(target)
    if cmd is None:
        return Err("ERR Invalid command specified")
    if not has_keys(cmd):
        return Err("ERR The command has no key arguments")
    n = len(target)
    if (cmd.arity > 0 and cmd.arity != n) or n < -cmd.arity:
        return Err("ERR Invalid number of arguments specified for command")
    keys = get_keys(cmd, target)
    if not keys:
        if "no_mandatory_keys" in cmd.flags:
            return []
        return Err("ERR Invalid arguments specified for command")
    if not with_flags:
        return [target[pos] for pos, _ in keys]
    return [[target[pos], RSet(Status(f) for f in KEY_FLAG_ORDER if f in flags)]
            for pos, flags in keys]


# -- key extraction -----------------------------------------------------------------------------


def has_keys(cmd: CommandSpec) -> bool:
    """``doesCommandHaveKeys``: a native key finder, or a key spec that is a real key."""
    return cmd.name in _NATIVE or any("not_key" not in ks["flags"] for ks in cmd.key_specs)


def get_keys(cmd: CommandSpec, argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``getKeysFromCommandWithSpecs``: (argv position, flags) of each key.

    Key specs are preferred when they exist and none has ``variable_flags``; a spec that
    cannot be resolved (or is ``incomplete``) makes the whole result fall back to the
    command's native key finder (``getkeys_proc``), and without one the result is empty.
    """
    specs = cmd.key_specs
    real = any("not_key" not in ks["flags"] for ks in specs)
    varflags = any("variable_flags" in ks["flags"] for ks in specs)
    if real and not varflags:
        got = keys_from_specs(cmd, argv)
        if got is not None:
            return got
    native = _NATIVE.get(cmd.name)
    if native is not None:
        return native(argv)
    return []


def keys_from_specs(cmd: CommandSpec,
                    argv: list[bytes]) -> list[tuple[int, frozenset[str]]] | None:
    """``getKeysUsingKeySpecs``: walk each spec's begin_search then find_keys; None means a
    spec could not be resolved (a syntax error in the arguments, or an incomplete spec)."""
    argc = len(argv)
    out: list[tuple[int, frozenset[str]]] = []
    for ks in cmd.key_specs:
        flags: frozenset[str] = ks["flags"]
        if "not_key" in flags:
            continue
        bs, fk = ks["begin_search"], ks["find_keys"]
        first = 0
        if bs["type"] == "index":
            first = bs["spec"]["index"]
        elif bs["type"] == "keyword":
            kw = bs["spec"]["keyword"].lower().encode()
            start = bs["spec"]["startfrom"]
            begin = start if start > 0 else argc + start
            end = argc - 1 if start > 0 else 0
            i = begin
            while i != end:
                if i >= argc or i < 1:
                    break
                if argv[i].lower() == kw:
                    first = i + 1
                    break
                i = i + 1 if begin <= end else i - 1
            if not first:
                continue
        else:
            return None
        if fk["type"] == "range":
            step = fk["spec"]["keystep"]
            lastkey = fk["spec"]["lastkey"]
            limit = fk["spec"]["limit"]
            if lastkey >= 0:
                last = first + lastkey
            elif not limit:
                last = argc + lastkey
            else:
                last = first + ((argc - first) // limit + lastkey)
        elif fk["type"] == "keynum":
            step = fk["spec"]["keystep"]
            idx = first + fk["spec"]["keynumidx"]
            if idx >= argc:
                return None
            numkeys = string2ll(argv[idx])
            if numkeys is None or numkeys < 0:
                return None
            first += fk["spec"]["firstkey"]
            last = first + numkeys - 1
        else:
            return None
        if last >= argc or last < first or first >= argc:
            return None
        i = first
        while i <= last:
            if i < argc:
                out.append((i, flags))
            i += step
        if "incomplete" in flags:
            return None
    return out


# Native key finders (``*GetKeys`` in db.c) for the commands whose specs are not enough.

_RW_ACCESS_DELETE = frozenset({"RW", "access", "delete"})


def _set_keys(argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``setGetKeys``: SET overwrites its key, or reads and updates it when GET is given."""
    if any(a.lower() == b"get" for a in argv[3:]):
        return [(1, frozenset({"RW", "access", "update"}))]
    return [(1, frozenset({"OW", "update"}))]


def _bitfield_keys(argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``bitfieldGetKeys``: read-only when every operation is GET (an OVERFLOW between them
    too); an operation missing arguments or unknown ends the walk as not read-only ("syntax
    error: safer to assume non-RO", 7.0.15)."""
    readonly = True
    i = 2
    while i < len(argv):
        op = argv[i].lower()
        remaining = len(argv) - i - 1
        if op == b"get" and remaining >= 2:
            i += 3
        elif op in (b"set", b"incrby") and remaining >= 3:
            readonly = False
            break
        elif op == b"overflow" and remaining >= 1:
            i += 2
        else:
            readonly = False
            break
    if readonly:
        return [(1, frozenset({"RO", "access"}))]
    return [(1, frozenset({"RW", "access", "update"}))]


def _migrate_keys(argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``migrateGetKeys``: the key argument, or everything after KEYS when it is empty."""
    first, num = 3, 1
    skip = {b"copy": 0, b"replace": 0, b"auth": 1, b"auth2": 2}
    if len(argv) > 6:
        i = 6
        while i < len(argv):
            a = argv[i].lower()
            if a == b"keys":
                if argv[3]:
                    return []
                first, num = i + 1, len(argv) - i - 1
                break
            i += skip.get(a, 0) + 1
    return [(first + j, _RW_ACCESS_DELETE) for j in range(num)]


def _sort_keys(argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``sortGetKeys``: the sorted key, and the destination of the *last* STORE (LIMIT skips
    two arguments, GET and BY one)."""
    keys = [(1, frozenset({"RO", "access"}))]
    store = None
    skip = {b"limit": 2, b"get": 1, b"by": 1}
    i = 2
    while i < len(argv):
        a = c_word(argv[i])
        if a in skip:
            i += skip[a]
        elif a == b"store" and i + 1 < len(argv):
            store = i + 1
        i += 1
    if store is not None:
        keys.append((store, frozenset({"OW", "update"})))
    return keys


def _sort_ro_keys(argv: list[bytes]) -> list[tuple[int, frozenset[str]]]:
    """``sortROGetKeys``: only the sorted key (SORT_RO's BY/GET spec is "unknown")."""
    return [(1, frozenset({"RO", "access"}))]


_NATIVE = {"set": _set_keys, "bitfield": _bitfield_keys, "migrate": _migrate_keys,
           "sort": _sort_keys, "sort_ro": _sort_ro_keys}
