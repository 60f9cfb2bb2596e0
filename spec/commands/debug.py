"""DEBUG subcommands that test suites and client libraries use (``debug.c``'s
``debugCommand``): HELP, POPULATE, ERROR, PROTOCOL, STRUCTSIZE, PAUSE-CRON and STRINGMATCH-TEST; and a clear
refusal for the 7.0.15 subcommands redspec does not model (crashes, allocator tuning, SDS
internals, cluster links).

The others live with their mechanism and register in the same table
(``spec.commands.registry.DEBUG_SUBCOMMANDS``): SET-ACTIVE-EXPIRE and SLEEP
(``spec.commands.expire``, which also routes DEBUG), OBJECT, RELOAD, DIGEST, DIGEST-VALUE
(``spec.commands.dump``), CHANGE-REPL-ID (``spec.commands.replication``), HTSTATS,
HTSTATS-KEY (``spec.commands.scan``). The ``enable-debug-command`` gate is dispatch's.
"""

from __future__ import annotations

from collections.abc import Callable

from ..aof import log_in_step
from ..cstr import c_text
from ..dict import dict_expand
from ..errors import NOT_POSITIVE
from ..glob import stringmatch
from ..numbers import c_atoi, string2ll
from ..reply import OK, BigNum, Err, Map, Raw, Reply, RSet, Status, Verbatim, encode, help_lines
from ..state import replace
from ..step import Step
from ..types.string import EmbStr
from .registry import DEBUG_SUBCOMMANDS

__all__ = ["debug_help", "debug_populate", "debug_error", "debug_protocol", "debug_structsize",
           "debug_pause_cron", "debug_stringmatch_test", "debug_log", "debug_set_skip_checksum_validation", "POPULATE_MAX_TABLE_EXP"]

#: DEBUG HELP's lines as 7.0.15 prints them (``addReplyHelp``; the reply is the interface).
_HELP_LINES = (
    'AOF-FLUSH-SLEEP <microsec>',
    '    Server will sleep before flushing the AOF, this is used for testing.',
    'ASSERT',
    '    Crash by assertion failed.',
    'CHANGE-REPL-ID',
    '    Change the replication IDs of the instance.',
    '    Dangerous: should be used only for testing the replication subsystem.',
    'CONFIG-REWRITE-FORCE-ALL',
    '    Like CONFIG REWRITE but writes all configuration options, including',
    '    keywords not listed in original configuration file or default values.',
    'CRASH-AND-RECOVER [<milliseconds>]',
    '    Hard crash and restart after a <milliseconds> delay (default 0).',
    'DIGEST',
    '    Output a hex signature representing the current DB content.',
    'DIGEST-VALUE <key> [<key> ...]',
    '    Output a hex signature of the values of all the specified keys.',
    'ERROR <string>',
    '    Return a Redis protocol error with <string> as message. Useful for clients',
    '    unit tests to simulate Redis errors.',
    'LEAK <string>',
    '    Create a memory leak of the input string.',
    'LOG <message>',
    '    Write <message> to the server log.',
    'HTSTATS <dbid>',
    '    Return hash table statistics of the specified Redis database.',
    'HTSTATS-KEY <key>',
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    'LOADAOF',
    '    Flush the AOF buffers on disk and reload the AOF in memory.',
    'REPLICATE <string>',
    '    Replicates the provided string to replicas, allowing data divergence.',
    'MALLCTL <key> [<val>]',
    '    Get or set a malloc tuning integer.',
    'MALLCTL-STR <key> [<val>]',
    '    Get or set a malloc tuning string.',
    'OBJECT <key>',
    '    Show low level info about `key` and associated value.',
    'DROP-CLUSTER-PACKET-FILTER <packet-type>',
    '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
    'OOM',
    '    Crash the server simulating an out-of-memory error.',
    'PANIC',
    '    Crash the server simulating a panic.',
    'POPULATE <count> [<prefix>] [<size>]',
    '    Create <count> string keys named key:<num>. If <prefix> is specified then',
    "    it is used instead of the 'key' prefix. These are not propagated to",
    '    replicas. Cluster slots are not respected so keys not belonging to the',
    '    current node can be created in cluster mode.',
    'PROTOCOL <type>',
    '    Reply with a test value of the specified type. <type> can be: string,',
    '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
    '    true, false.',
    'RELOAD [option ...]',
    '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
    '    * MERGE: conflicting keys will be loaded from RDB.',
    '    * NOFLUSH: the existing database will not be removed before load, but',
    '      conflicting keys will generate an exception and kill the server.',
    '    * NOSAVE: the database will be loaded from an existing RDB file.',
    '    Examples:',
    '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
    '      the database.',
    '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
    '      existing RDB file.',
    '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
    '      file to the database.',
    'RESTART [<milliseconds>]',
    '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
    'SDSLEN <key>',
    '    Show low level SDS string info representing `key` and value.',
    'SEGFAULT',
    '    Crash the server with sigsegv.',
    'SET-ACTIVE-EXPIRE <0|1>',
    '    Setting it to 0 disables expiring keys in background when they are not',
    '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
    '    default.',
    'QUICKLIST-PACKED-THRESHOLD <size>',
    '    Sets the threshold for elements to be inserted as plain vs packed nodes',
    '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
    'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    'SLEEP <seconds>',
    '    Stop the server for <seconds>. Decimals allowed.',
    'STRINGMATCH-TEST',
    '    Run a fuzz tester against the stringmatchlen() function.',
    'STRUCTSIZE',
    '    Return the size of different Redis core C structures.',
    'LISTPACK <key>',
    '    Show low level info about the listpack encoding of <key>.',
    'QUICKLIST <key> [<0|1>]',
    '    Show low level info about the quicklist encoding of <key>.',
    '    The optional argument (0 by default) sets the level of detail',
    'CLIENT-EVICTION',
    '    Show low level client eviction pools info (maxmemory-clients).',
    'PAUSE-CRON <0|1>',
    '    Stop periodic cron job processing.',
    'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
    '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
    '    In case NEVER is provided the last observed peak will never be reset',
    '    In case RESET is provided the peak reset time will be restored to the default value',
    'REPLYBUFFER RESIZING <0|1>',
    '    Enable or disable the reply buffer resize cron job',
    'CLUSTERLINK KILL <to|from|all> <node-id>',
    '    Kills the link based on the direction to/from (both) with the provided node.',
)

_HELP = [Status(line) for line in help_lines("DEBUG", _HELP_LINES)]


def debug_help(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG HELP: the subcommands of 7.0.15's DEBUG, one line each with its description."""
    return _HELP if len(argv) == 2 else None


#: The largest table DEBUG POPULATE asks the keyspace dict for (2^32 buckets). Redis calls
#: ``dictTryExpand(db->dict, count)`` and answers "OOM in dictTryExpand" when the allocation
#: fails — which depends on the machine; the spec refuses above this size instead.
POPULATE_MAX_TABLE_EXP = 32


def _populate_name(prefix: bytes, j: int) -> bytes:
    """``snprintf(buf, 128, "%s:%lu", prefix, j)``: the prefix as a C string (up to its
    first NUL), the whole name cut to 127 bytes."""
    nul = prefix.find(b"\0")
    if nul >= 0:
        prefix = prefix[:nul]
    return (prefix + b":%d" % j)[:127]


def debug_populate(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG POPULATE count [prefix] [size]: create string keys ``<prefix>:<j>`` (``key``
    by default) for j < count, each valued ``value:<j>`` — or, with ``size``, a value of
    exactly ``size`` bytes: the start of ``value:<j>`` then zero bytes
    (``createStringObject(NULL, size)``). Keys that exist are left alone. The keyspace dict
    is expanded for ``count`` first (``dictTryExpand``). Each key is added as ``dbAdd``
    adds it (its ``new`` event, WATCH and tracking signalled) but nothing is propagated and
    ``dirty`` does not move: replicas and the AOF never see these keys."""
    if not 3 <= len(argv) <= 5:
        return None
    count = string2ll(argv[2])
    if count is None or count < 0:
        return NOT_POSITIVE
    if count > 1 << POPULATE_MAX_TABLE_EXP:
        return Err("ERR OOM in dictTryExpand")
    size = 0
    if len(argv) == 5:
        n = string2ll(argv[4])
        if n is None or n < 0:
            return NOT_POSITIVE
        size = n
    prefix = argv[3] if len(argv) >= 4 else b"key"
    db = s.db
    dict_expand(db.main_dict(), count)
    db.sync_rehashing()
    for j in range(count):
        key = _populate_name(prefix, j)
        if db.lookup_write(key) is not None:
            continue
        text = b"value:%d" % j
        value = text if size == 0 else text[:size] + bytes(max(0, size - len(text)))
        db.add(key, EmbStr(value))
        s.signal_modified_key(db.id, key)
    return OK


def debug_error(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG ERROR <string>: the string sent back as an error frame, CR and LF turned into
    spaces. It is written as raw bytes (``addReplySds``), so it is not counted in the error
    statistics as an error reply would be."""
    if len(argv) != 3:
        return None
    return Raw(b"-" + argv[2].replace(b"\r", b" ").replace(b"\n", b" ") + b"\r\n")


_PROTOCOL_TYPES = ("string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|"
                   "true|false")


def debug_protocol(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG PROTOCOL <type>: a fixed reply of each RESP type, for client libraries' tests.
    An attribute (RESP3 only) precedes a bulk string; a push (RESP3 only; RESP2 gets an
    error) is followed by a bulk string, so a client that drops pushes still reads a reply."""
    if len(argv) != 3:
        return None
    name = argv[2].lower()
    resp = s.client.resp
    if name == b"string":
        return b"Hello World"
    if name == b"integer":
        return 12345
    if name == b"double":
        return 3.141
    if name == b"bignum":
        return BigNum("1234567999999999999999999999999999999")
    if name == b"null":  # a handler's None means "not handled": the null frame itself
        return Raw(encode(None, resp))
    if name == b"array":
        return [0, 1, 2]
    if name == b"set":
        return RSet((0, 1, 2))
    if name == b"map":
        return Map((j, j == 1) for j in range(3))
    if name == b"attrib":
        follow = b"Some real reply following the attribute"
        if resp < 3:
            return follow
        return Raw(b"|1\r\n" + encode(b"key-popularity", 3) + encode([b"key:123", 90], 3)
                   + encode(follow, 3))
    if name == b"push":
        if resp < 3:
            return Err("ERR RESP2 is not supported by this command")
        return Raw(b">2\r\n" + encode(b"server-cpu-usage", 3) + encode(42, 3)
                   + encode(b"Some real reply following the push reply", 3))
    if name == b"verbatim":
        return Verbatim(b"This is a verbatim\nstring")
    if name == b"true":
        return True
    if name == b"false":
        return False
    return Err(f"ERR Wrong protocol type name. Please use one of the following: {_PROTOCOL_TYPES}")


def debug_structsize(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG STRUCTSIZE: the sizes of Redis's core C structures on a 64-bit build — the
    figures the memory model (``spec.memory``) is built on."""
    if len(argv) != 2:
        return None
    return b"bits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 "


def debug_pause_cron(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG PAUSE-CRON 0|1 (``server.pause_cron``, parsed with ``atoi``): while on,
    serverCron returns before doing any of its work (``spec.cron.server_cron``);
    beforeSleep still runs."""
    if len(argv) != 3:
        return None
    paused = c_atoi(argv[2]) != 0
    if s.cron.paused != paused:
        s.cron = replace(s.cron, paused=paused)
    return OK


def debug_set_skip_checksum_validation(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG SET-SKIP-CHECKSUM-VALIDATION 0|1 (``server.skip_checksum_validation``, parsed
    with ``atoi``): RESTORE accepts a payload whatever its CRC-64 (the footer's length and
    version are still checked) and an RDB load does not compare the file's checksum."""
    if len(argv) != 3:
        return None
    skip = c_atoi(argv[2]) != 0
    p = s.part("persist")
    if p.skip_checksum != skip:
        s.set_part("persist", replace(p, skip_checksum=skip))
    return OK


def debug_log(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG LOG <message>: ``DEBUG LOG: <message>`` written to the server log at warning
    level (the message as a C string: up to its first NUL), +OK."""
    if len(argv) != 3:
        return None
    log_in_step(s, "warning", "DEBUG LOG: " + c_text(argv[2]))
    return OK


def debug_stringmatch_test(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG STRINGMATCH-TEST (``stringmatchlen_fuzz_test``): random patterns and strings
    run through the glob matcher (``spec.glob``) to show it neither crashes nor hangs; the
    reply says so. Redis runs 100,000 rounds on its C function; the spec runs 2,000 on its
    own, from a fixed seed (a pure function: the same rounds every time)."""
    if len(argv) != 2:
        return None
    x = 0x2545F4914F6CDD1D
    for _ in range(2000):
        parts = []
        for _ in range(2):
            x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
            x ^= x >> 7
            x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
            n = x % 32
            parts.append(bytes((x >> (8 * (i % 8)) ^ i) & 0xFF for i in range(n)))
        stringmatch(parts[0], parts[1], nocase=bool(x & 1))
    return Status("Apparently Redis did not crash: test passed")



#: 7.0.15's DEBUG subcommands that redspec does not model, and why.
_NOT_MODELLED = {
    "aof-flush-sleep": "the AOF write's timing is the world's, not a spec input",
    "assert": "redspec does not crash on purpose",
    "config-rewrite-force-all": "CONFIG REWRITE writes only the options it must",
    "crash-and-recover": "redspec does not crash on purpose",
    "leak": "the memory model has no leaks",
    "replicate": "it would make replicas diverge on purpose",
    "mallctl": "there is no allocator to tune",
    "mallctl-str": "there is no allocator to tune",
    "drop-cluster-packet-filter": "there is no cluster bus",
    "oom": "redspec does not crash on purpose",
    "panic": "redspec does not crash on purpose",
    "restart": "redspec does not restart itself",
    "sdslen": "SDS headers and spare room are not modelled",
    "segfault": "redspec does not crash on purpose",
    "client-eviction": "maxmemory-clients is not modelled",
    "replybuffer": "reply buffer resizing is not modelled",
    "clusterlink": "there is no cluster bus",
}


def _not_modelled(sub: str) -> Callable[[Step, list[bytes]], Reply]:
    reason = _NOT_MODELLED[sub]

    def refuse(s: Step, argv: list[bytes]) -> Reply:
        return Err(f"ERR DEBUG {c_text(argv[1]).upper()} is not implemented by redspec: {reason}")

    refuse.__doc__ = f"DEBUG {sub.upper()}: refused, {reason}."
    return refuse


DEBUG_SUBCOMMANDS["help"] = debug_help
DEBUG_SUBCOMMANDS["populate"] = debug_populate
DEBUG_SUBCOMMANDS["error"] = debug_error
DEBUG_SUBCOMMANDS["protocol"] = debug_protocol
DEBUG_SUBCOMMANDS["structsize"] = debug_structsize
DEBUG_SUBCOMMANDS["pause-cron"] = debug_pause_cron
DEBUG_SUBCOMMANDS["stringmatch-test"] = debug_stringmatch_test
DEBUG_SUBCOMMANDS["log"] = debug_log
DEBUG_SUBCOMMANDS["set-skip-checksum-validation"] = debug_set_skip_checksum_validation
for _sub in _NOT_MODELLED:
    DEBUG_SUBCOMMANDS.setdefault(_sub, _not_modelled(_sub))
