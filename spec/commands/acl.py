"""The ACL command (``aclCommand``): SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT,
GENPASS, LOG, DRYRUN, LOAD, SAVE, HELP. The rules themselves are ``spec.acl``.
"""

from __future__ import annotations

import attrs

from ..acl import (
    ACL_OK,
    CATEGORIES,
    DENIED_CMD,
    DENIED_KEY,
    Selector,
    User,
    acl_file_text,
    acl_load,
    acl_state,
    category_commands,
    check_all_perm,
    describe_selector_commands,
    describe_user,
    kill_pubsub_clients,
    kill_user_clients,
    merge_selector_args,
    new_user,
    pubsub_default_all,
    put_user,
    selector_channels_text,
    selector_keys_text,
    set_user_error,
    set_user_rules,
    with_users,
    write_acl_file,
)
from ..clients import c_str
from ..errors import subcommand_syntax, wrong_arity
from ..numbers import string2ll
from ..reply import OK, Err, Map, Reply, RSet, Status, help_lines
from ..step import Step
from ..table import CommandSpec
from .introspection import get_keys
from .registry import command, command_table

__all__ = ["NO_ACLFILE"]

NO_ACLFILE = Err(
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.")
NOT_INTEGER = Err("ERR value is not an integer or out of range")


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


@command("acl|setuser")
def acl_setuser(s: Step, argv: list[bytes]) -> Reply:
    """ACL SETUSER username [rule ...]: create or change a user, all rules or none (they are
    applied to a copy first); a user's Pub/Sub clients that lost a channel are disconnected
    (``ACLKillPubsubClientsIfNeeded``)."""
    name = argv[2]
    if any(c in b" \t\n\v\f\r\0" for c in name):
        return Err("ERR Usernames can't contain spaces or null characters")
    rules, bad = merge_selector_args(argv[3:])
    if bad >= 0:
        return Err(f"ERR Unmatched parenthesis in acl selector starting at "
                   f"'{c_str(argv[3 + bad])}'.")
    st = acl_state(s)
    pubsub_all = pubsub_default_all(s.config)
    old = st.users.get(name)
    base = old if old is not None else new_user(name, pubsub_all)
    got = set_user_rules(base, rules, pubsub_all)
    if isinstance(got, tuple):
        op, errno = got
        return Err(f"ERR Error in ACL SETUSER modifier '{c_str(op)}': {set_user_error(errno)}")
    if old is not None:
        kill_pubsub_clients(s, got, old)
    put_user(s, got)
    return OK


def _selector_fields(sel: Selector) -> list[tuple[bytes, bytes]]:
    """``aclAddReplySelectorDescription``: commands, keys, channels."""
    return [(b"commands", describe_selector_commands(sel).encode()),
            (b"keys", selector_keys_text(sel)),
            (b"channels", selector_channels_text(sel))]


@command("acl|getuser")
def acl_getuser(s: Step, argv: list[bytes]) -> Reply:
    """ACL GETUSER username: flags, password hashes, the root selector's commands, keys and
    channels, then every other selector; null for an unknown user."""
    u = acl_state(s).users.get(argv[2])
    if u is None:
        return None
    flags = RSet(f.encode() for f in ("on", "off", "nopass", "skip-sanitize-payload",
                                      "sanitize-payload") if f in u.flags)
    pairs: list[tuple[bytes, Reply]] = [
        (b"flags", flags),
        (b"passwords", [p.encode() for p in u.passwords]),
        *_selector_fields(u.selectors[0]),
        (b"selectors", [Map(_selector_fields(sel)) for sel in u.selectors[1:]]),
    ]
    return Map(pairs)


@command("acl|deluser")
def acl_deluser(s: Step, argv: list[bytes]) -> Reply:
    """ACL DELUSER username [username ...]: how many existed; their clients are closed."""
    if any(n == b"default" for n in argv[2:]):
        return Err("ERR The 'default' user cannot be removed")
    deleted = 0
    for name in argv[2:]:
        st = acl_state(s)
        if name in st.users:
            s.set_part("acl", with_users(st, st.users.delete(name)))
            kill_user_clients(s, name)
            deleted += 1
    return deleted


def _sorted_users(s: Step) -> list[User]:
    """The users in the rax's order: by name, bytewise."""
    users = acl_state(s).users
    return [users[n] for n in sorted(users.keys())]


@command("acl|list")
def acl_list(s: Step, argv: list[bytes]) -> Reply:
    """ACL LIST: each user as a ``user <name> <rules>`` line."""
    return [b"user " + u.name + b" " + describe_user(u) for u in _sorted_users(s)]


@command("acl|users")
def acl_users(s: Step, argv: list[bytes]) -> Reply:
    """ACL USERS: the user names."""
    return [u.name for u in _sorted_users(s)]


@command("acl|whoami")
def acl_whoami(s: Step, argv: list[bytes]) -> Reply:
    """ACL WHOAMI: the connection's user."""
    return s.client.user.encode("utf-8", "surrogateescape")


@command("acl|cat")
def acl_cat(s: Step, argv: list[bytes]) -> Reply:
    """ACL CAT [category]: the categories, or the commands of one."""
    if len(argv) == 2:
        return [c.encode() for c in CATEGORIES]
    if len(argv) != 3:
        return _syntax(argv)
    names = category_commands(_text(argv[2]))
    if names is None:
        return Err(f"ERR Unknown category '{c_str(argv[2][:128])}'")
    return [n.encode() for n in names]


def _syntax(argv: list[bytes]) -> Err:
    """``addReplySubcommandSyntaxError``."""
    return subcommand_syntax(argv[1], "ACL")


GENPASS_MAX_BITS = 4096


@command("acl|genpass")
def acl_genpass(s: Step, argv: list[bytes]) -> Reply:
    """ACL GENPASS [bits]: (bits+3)/4 random hex characters (default 256 bits), drawn from
    the state's generator (``getRandomHexChars``)."""
    if len(argv) > 3:
        return _syntax(argv)
    bits = 256
    if len(argv) == 3:
        v = string2ll(argv[2])
        if v is None:
            return NOT_INTEGER
        bits = v
    if bits <= 0 or bits > GENPASS_MAX_BITS:
        return Err("ERR ACL GENPASS argument must be the number of bits for the output "
                   f"password, a positive number up to {GENPASS_MAX_BITS}")
    chars = (bits + 3) // 4
    out: list[str] = []
    while len(out) < chars:
        r = s.random()
        for _ in range(8):
            out.append("0123456789abcdef"[r & 15])
            r >>= 4
    return "".join(out[:chars]).encode()


@command("acl|log")
def acl_log(s: Step, argv: list[bytes]) -> Reply:
    """ACL LOG [count | RESET]: the newest entries (10 by default), each a map of 7 fields as
    7.0.15 prints them; RESET empties the log."""
    if len(argv) > 3:
        return _syntax(argv)
    count = 10
    st = acl_state(s)
    if len(argv) == 3:
        if argv[2].lower() == b"reset":
            s.set_part("acl", attrs.evolve(st, log=()))
            return OK
        v = string2ll(argv[2])
        if v is None:
            return NOT_INTEGER
        count = max(v, 0)
    now = s.now_ms
    return [Map(((b"count", e.count), (b"reason", e.reason.encode()),
                 (b"context", e.context.encode()), (b"object", e.object),
                 (b"username", e.username), (b"age-seconds", (now - e.ctime_ms) / 1000),
                 (b"client-info", e.cinfo)))
            for e in st.log[:count]]


@command("acl|dryrun")
def acl_dryrun(s: Step, argv: list[bytes]) -> Reply:
    """ACL DRYRUN username command [arg ...]: OK, or (as a bulk string) why the user may not
    run it; a command given the wrong number of arguments is an arity error, as it would be
    when run. Only commands this server serves can be named."""
    from_user = acl_state(s).users.get(argv[2])
    if from_user is None:
        return Err(f"ERR User '{c_str(argv[2])}' not found")
    cmd = _lookup_served(argv[3:])
    if cmd is None:
        return Err(f"ERR Command '{c_str(argv[3])}' not found")
    args = argv[3:]
    if (cmd.arity > 0 and cmd.arity != len(args)) or len(args) < -cmd.arity:
        return wrong_arity(cmd.name)
    result, idx = check_all_perm(from_user, cmd.name, "no_auth" in cmd.flags, args,
                                 lambda: get_keys(cmd, args))
    if result == ACL_OK:
        return OK
    if result == DENIED_CMD:
        return f"This user has no permissions to run the '{cmd.name}' command".encode()
    what = "key" if result == DENIED_KEY else "channel"
    return f"This user has no permissions to access the '{c_str(args[idx])}' {what}".encode()


def _lookup_served(args: list[bytes]) -> CommandSpec | None:
    """``lookupCommand`` over the served table (a container's subcommand when named)."""
    table = command_table()
    cmd = table.get(args[0].lower())
    if cmd is None:
        return None
    if cmd.subcommands and len(args) > 1:
        return cmd.subcommands.get(args[1].lower())
    return cmd


@command("acl|load")
def acl_load_cmd(s: Step, argv: list[bytes]) -> Reply:
    """ACL LOAD: replace the users with the ``aclfile``'s (all or nothing; the file is read
    by the world, ``spec.acl.AclFileNeeded``)."""
    path = s.config["aclfile"]
    if not path:
        return NO_ACLFILE
    errors = acl_load(s, path)
    return OK if errors is None else Err("ERR " + errors)


@command("acl|save")
def acl_save(s: Step, argv: list[bytes]) -> Reply:
    """ACL SAVE: write every user to the ``aclfile`` (by the world: ``AclSaveNeeded``)."""
    path = s.config["aclfile"]
    if not path:
        return NO_ACLFILE
    if write_acl_file(s, path, acl_file_text(acl_state(s).users)):
        return OK
    return Err("ERR There was an error trying to save the ACLs. Please check the server logs "
               "for more information")


_HELP = [Status(line) for line in help_lines("ACL", [
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
])]


@command("acl|help")
def acl_help(s: Step, argv: list[bytes]) -> Reply:
    """ACL HELP: the usage lines of 7.0.15."""
    return _HELP
