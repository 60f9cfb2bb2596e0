"""The slow log (Redis's ``slowlog.c``): the commands that took at least
``slowlog-log-slower-than`` microseconds, newest first, at most ``slowlog-max-len`` of them.

- **When.** ``call`` logs the command it just ran (``slowlogPushCurrentCommand``) unless the
  command is flagged ``skip_slowlog`` (EXEC: its commands are logged one by one) or the client
  is now blocked: a blocking command is logged when it is unblocked, served or timed out
  (``updateStatsOnUnblock``). Commands a gate refused never reach ``call`` and are not logged;
  commands a script runs are, with the script's client (peer ``?:0``, no name). A negative
  threshold turns the log off. After every command the log is trimmed to
  ``slowlog-max-len`` (``slowlogPushEntryIfNeeded``), so lowering it acts at once (when the
  log is on: while it is off nothing is trimmed).
- **Time.** A pure spec has no clock inside a command: a command's duration is *modelled*
  (``Step.call_us``), 0 µs unless the command says otherwise (DEBUG SLEEP models its sleep).
  So with the threshold at 0 every command is logged, and with the default 10000 only a
  command whose modelled time reaches 10 ms is; the real server's durations are measured and
  vary run to run, which is why differential cases mask them.
- **Entry.** ``(id, unix seconds, microseconds, argv, peer, name)``; ``id`` counts every
  entry ever made (SLOWLOG RESET does not restart it). The argv is the command as the client
  sent it, with AUTH / HELLO AUTH secrets redacted as MONITOR shows them, at most
  ``SLOWLOG_ENTRY_MAX_ARGC`` arguments (the last one then says how many more there were) and
  each at most ``SLOWLOG_ENTRY_MAX_STRING`` bytes (then ``... (N more bytes)``). Cost: O(1)
  when nothing is logged; O(max-len) to push one entry (a persistent tuple is rebuilt).
"""

from __future__ import annotations

from .state import Client, SlowlogState, replace
from .step import Step
from .transport import redacted_argv

__all__ = ["SLOWLOG_ENTRY_MAX_ARGC", "SLOWLOG_ENTRY_MAX_STRING", "SLOWLOG_TRIMS", "entry_argv",
           "slowlog_push", "slowlog_after_call", "slowlog_reset"]

#: ``SLOWLOG_ENTRY_MAX_ARGC`` / ``SLOWLOG_ENTRY_MAX_STRING``: what an entry keeps.
SLOWLOG_ENTRY_MAX_ARGC = 32
SLOWLOG_ENTRY_MAX_STRING = 128

#: Redis trims the log after every command while it is on, but only CONFIG SET can make it
#: longer than ``slowlog-max-len`` (by lowering the length, or by turning the log back on
#: after lowering it): ``call`` asks for the trim after those commands only, so a command
#: below the threshold costs one comparison.
SLOWLOG_TRIMS = frozenset(("config|set",))


def entry_argv(argv: list[bytes]) -> tuple[bytes, ...]:
    """``slowlogCreateEntry``'s copy of the arguments: redacted, at most 32 (the 32nd then
    reads ``... (N more arguments)``), each cut to 128 bytes plus ``... (N more bytes)``."""
    argv = redacted_argv(argv)
    argc = len(argv)
    keep = min(argc, SLOWLOG_ENTRY_MAX_ARGC)
    out: list[bytes] = []
    for j in range(keep):
        if keep != argc and j == keep - 1:
            out.append(b"... (%d more arguments)" % (argc - keep + 1))
            break
        a = argv[j]
        if len(a) > SLOWLOG_ENTRY_MAX_STRING:
            a = a[:SLOWLOG_ENTRY_MAX_STRING] + b"... (%d more bytes)" % (
                len(a) - SLOWLOG_ENTRY_MAX_STRING)
        out.append(a)
    return tuple(out)


def _peer(c: Client) -> str:
    """``getClientPeerId``: ``ip:port``, or ``?:0`` for a client with no connection (a
    script's)."""
    return "?:0" if c.id == 0 else c.info.addr


def slowlog_push(s: Step, c: Client, argv: list[bytes] | tuple[bytes, ...],
                 duration_us: int) -> None:
    """``slowlogPushEntryIfNeeded``: log ``argv`` run by ``c`` if it took at least the
    threshold, then trim the log to ``slowlog-max-len``."""
    slower = s.config["slowlog-log-slower-than"]
    if slower < 0:
        return
    log: SlowlogState = s.part("slowlog")
    entries = log.entries
    next_id = log.next_id
    if duration_us >= slower:
        entry = (next_id, s.now_ms // 1000, duration_us, entry_argv(list(argv)), _peer(c),
                 c.info.name or b"")
        entries = (entry,) + entries
        next_id += 1
    maxlen = s.config["slowlog-max-len"]
    if len(entries) > maxlen:
        entries = entries[:maxlen]
    if entries is not log.entries or next_id != log.next_id:
        s.set_part("slowlog", SlowlogState(entries, next_id))


def slowlog_after_call(s: Step, flags: frozenset[str], argv: list[bytes],
                       duration_us: int) -> None:
    """``call`` → ``slowlogPushCurrentCommand``: the command just run, unless it is flagged
    ``skip_slowlog``; a command that blocked its client keeps its arguments on the client
    for :func:`slowlog_push` at unblock time instead."""
    c = s.client
    if "skip_slowlog" in flags:
        return
    if "blocked" in c.flags:
        b = c.info.bpop
        if b is not None and not b.argv:
            s.update_client(bpop=replace(b, argv=tuple(argv)))
        return
    slowlog_push(s, c, argv, duration_us)


def slowlog_reset(s: Step) -> None:
    """``slowlogReset``: drop every entry; the id keeps counting."""
    log: SlowlogState = s.part("slowlog")
    if log.entries:
        s.set_part("slowlog", SlowlogState((), log.next_id))
