"""Reading a redis.conf-style file and ``--name value`` command-line options into config
overrides for :func:`redspec.spec.server.new_server` (Redis's ``loadServerConfig`` and the
option handling in ``main``).

Lines are split the way Redis's ``sdssplitargs`` splits them: blanks separate arguments;
``"double quotes"`` understand ``\\n \\r \\t \\b \\a \\\\ \\"`` and ``\\xHH``; ``'single
quotes'`` understand only ``\\'``; a closing quote must be followed by a blank or the end of
the line. Comments start with ``#`` at the beginning of a line. Directive names are
case-insensitive. Command-line options are turned into extra lines appended after the file,
as Redis does: ``--port 7000 --save "" --hz 20`` becomes ``port 7000`` / ``save ""`` /
``hz 20``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redspec.spec.acl import append_user_for_loading
from redspec.spec.config import default_config, lookup_param, set_value, validate
from redspec.spec.resp import sdscatrepr
from redspec.spec.resp import split_args as resp_split_args

__all__ = ["ConfigError", "split_args", "parse_config_text", "options_to_text", "load_config"]


class ConfigError(ValueError):
    """A fatal configuration error: Redis prints it and exits (``loaderr``)."""


def split_args(line: str) -> list[str] | None:
    """``sdssplitargs`` (``spec.resp.split_args``) over the line's bytes: the arguments of
    one line, or None for unbalanced quotes. A ``\\xHH`` escape is a byte, so ``"\\xc2\\xa0"``
    is the UTF-8 of U+00A0 (the text is handled as UTF-8 with surrogate escapes, so any
    byte survives)."""
    args = resp_split_args(line.encode("utf-8", "surrogateescape"))
    if args is None:
        return None
    return [a.decode("utf-8", "surrogateescape") for a in args]


def _repr(arg: str) -> str:
    """``sdscatrepr`` of a command-line argument (its bytes as the OS gave them), so that
    :func:`split_args` gives it back."""
    return sdscatrepr(os.fsencode(arg)).decode("ascii")


def options_to_text(argv: Sequence[str]) -> str:
    """The option handling in Redis's ``main``: ``--name a b --other c`` -> config lines."""
    lines: list[str] = []
    for a in argv:
        if a.startswith("--") and len(a) > 2:
            lines.append(a[2:])
        elif lines:
            lines[-1] += " " + _repr(a)
        else:
            raise ConfigError(f"Invalid option '{a}': options must start with --name")
    return "\n".join(lines)


#: The key of :func:`parse_config_text`'s result that holds the config file's ``user`` lines
#: (checked, waiting for ``spec.acl.load_users_at_startup``); not a parameter.
ACL_USERS = "__acl_users__"


def parse_config_text(text: str, base: dict[str, Any] | None = None,
                      can_daemonize: bool = False) -> dict[str, Any]:
    """``loadServerConfigFromString``: the parameter values the text sets (canonical names).

    ``include`` files are read relative to the working directory. Unknown directives and bad
    values raise :class:`ConfigError` with Redis's message. ``daemonize yes`` is refused
    unless the caller can daemonize (``redspec-server`` can; ``redspec serve`` runs in the
    foreground).
    """
    cur: dict[str, Any] = dict(default_config().items()) if base is None else base
    changed: dict[str, Any] = {}
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r\n")
        if not line or line.startswith("#"):
            continue
        args = split_args(line)
        if args is None:
            raise ConfigError(f"line {lineno}: Unbalanced quotes in configuration line")
        if not args:
            continue
        name = args[0].lower()
        if name == "include" and len(args) == 2:
            sub = parse_config_text(Path(args[1]).read_text(), cur, can_daemonize)
            changed.update(sub)
            continue
        if name in ("list-max-ziplist-entries", "list-max-ziplist-value",
                    "lua-replicate-commands") and len(args) == 2:
            continue  # deprecated and ignored
        if name == "user" and len(args) >= 2:  # ACLAppendUserForLoading (spec.acl)
            pending = changed.setdefault(ACL_USERS, [])
            argv = [a.encode("utf-8", "surrogateescape") for a in args]
            problem = append_user_for_loading(pending, argv, cur.get("acl-pubsub-default")
                                              == "allchannels")
            if problem is not None:
                raise ConfigError(f"line {lineno}: {problem}")
            continue
        hit = lookup_param(name)
        if hit is None:
            raise ConfigError(f"line {lineno}: Bad directive or wrong number of arguments")
        _, p = hit
        if p.kind != "special" or p.name in ("dir", "notify-keyspace-events"):
            if len(args) != 2:
                raise ConfigError(f"line {lineno}: wrong number of arguments")
        value_text = " ".join(args[1:])
        if p.name == "save" and name == "save" and "save" in changed and value_text:
            # Several ``save`` lines accumulate (the deprecated aggregate form).
            value_text = f"{changed['save']} {value_text}".strip()
        v = set_value(p, value_text, cur)  # type: ignore[arg-type]
        if type(v) is tuple:
            raise ConfigError(f"line {lineno}: {v[0]}")
        problem = validate(p, v)
        if problem is not None and not (p.name == "daemonize" and can_daemonize):
            raise ConfigError(f"line {lineno}: {problem}")
        cur[p.name] = v
        changed[p.name] = v
    if "hz" in changed:  # the file may set any hz; the server caps it
        changed["hz"] = min(max(changed["hz"], 1), 500)
    return changed


def load_config(path: str | None, options: Sequence[str] = ()) -> dict[str, Any]:
    """``loadServerConfig(file, options)``: overrides from a file and ``--name value`` options."""
    text = Path(path).read_text() if path else ""
    opts = options_to_text(options)
    if opts:
        text = text + "\n" + opts
    return parse_config_text(text)
