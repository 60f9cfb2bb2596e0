"""Explorer models of the AOF rewrite (mechanism 17), matching ``tla/AofRewrite.tla``.

- :func:`aof_model` drives the **real spec** (``spec.server.clients_input`` with ``RPUSH k1
  <n>`` and ``BGREWRITEAOF``; beforeSleep's ``spec.aof.before_sleep_flush`` then the replies;
  ``spec.aof.background_rewrite_done`` for the child's end; ``spec.aof.aof_fsync_done`` for a
  finished background fsync) with a world in memory that carries out the file operations the
  spec asks for (:class:`World`), abstracted to the variables of the TLA+ module: the live
  list, ``aof_buf``, the manifest, each file's records (written and durable), the open file,
  the pending fsyncs, the everysec clock, the rewrite child and the ghosts.
- :func:`tla_transcription` is ``AofRewrite.tla`` transcribed to Python (no spec): its
  distinct-state count is the one TLC reports for the same constants, and the spec-driven
  model must reach exactly as many (``tests/test_aof_tla.py``; tla/README.md).

The writes are ``RPUSH k1 <n>`` for the n-th write: like INCR they are not idempotent (a
write replayed twice shows), and each record names its write, so a file's content is the
sequence of the writes it holds and the dataset after the first n writes is ``1 .. n``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from redspec.spec import aof as A
from redspec.spec import persist
from redspec.spec.aofmanifest import temp_rewrite_name
from redspec.spec.eventloop import flush_pending_writes
from redspec.spec.server import client_connect, clients_input, new_server, output_for
from redspec.spec.step import Step

from .aofworld import encode, parse_commands
from .aofworld import replay as read_dir
from .explorer import Model

MECHANISM = "aof"

T = 1_700_000_000_000  # a whole second: Tick adds 1000 ms
KEY = b"k1"
MANIFEST = "appendonly.aof.manifest"

Id = tuple[str, int]  # ("b", seq) a base file, ("i", seq) an incr file
Files = tuple[tuple[Id, tuple[int, ...], int], ...]  # sorted (id, records, durable records)

# The abstract state, the TLA+ variables in this order (``bad``: a broken action property):
# (policy, db, buf, manifest (base, incrs), dir, cur, pend, issued, due, post, running,
#  childBase, rewrites, hist, acked, fsynced, bad)
FIELDS = ("POLICY", "DB", "BUF", "MAN", "DIR", "CUR", "PEND", "ISSUED", "DUE", "POST", "RUN",
          "CHILD", "REWRITES", "HIST", "ACKED", "FSYNCED", "BAD")
POLICY, DB, BUF, MAN, DIR, CUR, PEND, ISSUED, DUE, POST, RUN, CHILD, REWRITES, HIST, ACKED, \
    FSYNCED, BAD = range(len(FIELDS))


# -- the TLA+ operators, in Python ------------------------------------------------------------


def replay(man: tuple[Id, tuple[Id, ...]], files: Files, durable: bool) -> tuple[int, ...]:
    """``Replay(m, d)``: the records of the files the manifest lists, base first, then the
    incr files in order (``durable``: only what is fsynced: a crash of the machine)."""
    fs = {f: (data, dur) for f, data, dur in files}
    out: tuple[int, ...] = ()
    for f in (man[0], *man[1]):
        if f in fs:
            data, dur = fs[f]
            out += data[:dur] if durable else data
    return out


def is_run(r: tuple[int, ...], lo: int, hi: int) -> bool:
    """``IsRun(r, lo, hi)``: ``r`` is the dataset after the first m writes, lo <= m <= hi."""
    return lo <= len(r) <= hi and r == tuple(range(1, len(r) + 1))


def durable_prefix(files: Files) -> int:
    """``DurablePrefix(dir)``: the largest n such that every one of the writes 1 .. n is in
    the durable part of some file of the directory."""
    have = {x for _f, data, dur in files for x in data[:dur]}
    n = 0
    while n + 1 in have:
        n += 1
    return n


def invariants() -> dict[str, Any]:
    """The module's invariants on the abstract state (shared by both models)."""

    def lo(st: Any) -> int:
        return int(max(st[ACKED], st[FSYNCED]) if st[POLICY] == "always" else st[FSYNCED])

    return {
        "LiveIsHistory": lambda st: st[DB] == tuple(range(1, st[HIST] + 1)),
        "ReplayIsLive": lambda st: replay(st[MAN], st[DIR], False) + st[BUF] == st[DB],
        "ProcessCrashSafe": lambda st: is_run(replay(st[MAN], st[DIR], False), lo(st), st[HIST]),
        "MachineCrashSafe": lambda st: is_run(replay(st[MAN], st[DIR], True), lo(st), st[HIST]),
        "action_properties": lambda st: not st[BAD],
    }


def manifest_atomic(old: Any, new: Any) -> str:
    """``ManifestAtomic`` on the step old -> new: a manifest change lists only files that
    exist, and the set plus the buffer replay the same before and after (nothing lost or
    duplicated by the change)."""
    if old[MAN] == new[MAN]:
        return ""
    exist = {f for f, _d, _n in new[DIR]}
    listed = {new[MAN][0], *new[MAN][1]}
    if not listed <= exist:
        return f"ManifestAtomic: lists {sorted(listed - exist)}, which do not exist"
    before = replay(old[MAN], old[DIR], False) + old[BUF]
    after = replay(new[MAN], new[DIR], False) + new[BUF]
    if before != after:
        return f"ManifestAtomic: the set replays {after} after the change, {before} before"
    return ""


# -- AofRewrite.tla transcribed -----------------------------------------------------------------

#: The wrong variants of AofRewrite.tla that tla/README.md lists (name -> what the patch does);
#: :func:`tla_transcription` applies the same change when given the name.
VARIANTS = {
    "rewrite_keeps_the_buffer": "BGREWRITEAOF opens the new incr file without writing the "
                                "buffer to the old one first",
    "switch_marks_new_incr_history": "the manifest switch makes the new incr file history too",
    "always_replies_before_fsync": "under always the fsync is left to the background: the "
                                   "reply goes out before it",
    "child_base_after_fork": "the child writes the dataset as it is when it ends, not at the "
                             "fork",
    "replies_before_write": "beforeSleep sends the replies without writing the buffer",
}


def tla_transcription(max_writes: int = 3, max_rewrites: int = 1,
                      policies: tuple[str, ...] = ("always", "everysec"),
                      bug: str = "") -> Model:
    """``AofRewrite.tla`` as an explorer model (pure Python, no spec); ``bug`` names one of
    :data:`VARIANTS`, the same small change the README's patch makes to the module."""
    assert bug == "" or bug in VARIANTS, bug

    def init() -> Iterable[Any]:
        b1, i1 = ("b", 1), ("i", 1)
        for p in policies:
            yield (p, (), (), (b1, (i1,)), ((b1, (), 0), (i1, (), 0)), i1, frozenset(), True,
                   False, -1, False, (), 0, 0, 0, 0, "")

    def upd(st: Any, **kw: Any) -> Any:
        """The state with the named variables (``FIELDS``) replaced."""
        lst = list(st)
        for k, v in kw.items():
            lst[FIELDS.index(k)] = v
        return tuple(lst)

    def put(files: Files, f: Id, data: tuple[int, ...], dur: int) -> Files:
        return tuple(sorted([x for x in files if x[0] != f] + [(f, data, dur)]))

    def get(files: Files, f: Id) -> tuple[tuple[int, ...], int] | None:
        for g, data, dur in files:
            if g == f:
                return data, dur
        return None

    def flush(st: Any, force: bool) -> Any:
        """``Flush(force)``: flushAppendOnlyFile."""
        p, buf, files, cur, pend = st[POLICY], st[BUF], st[DIR], st[CUR], st[PEND]
        job = any(e[2] for e in pend)
        if not buf:
            if p == "everysec" and not st[ISSUED] and st[DUE] and not job:
                got = get(files, cur)
                n = len(got[0]) if got else 0
                return upd(st, PEND=pend | {(cur, n, True)}, ISSUED=True, DUE=False)
            return st
        if p == "everysec" and not force and job and st[POST] < 2:
            return upd(st, POST=0 if st[POST] == -1 else st[POST])
        got = get(files, cur)
        if got is not None:
            files = put(files, cur, got[0] + buf, got[1])
        st = upd(st, DIR=files, BUF=(), POST=-1)
        got = get(files, cur)
        n = len(got[0]) if got else 0
        if p == "always":
            if bug == "always_replies_before_fsync":
                return upd(st, PEND=pend | {(cur, n, True)}, ISSUED=True)
            if got is not None:
                files = put(files, cur, got[0], n)
            return upd(st, DIR=files, ISSUED=True)
        if st[DUE]:
            if not job:
                return upd(st, PEND=pend | {(cur, n, True)}, ISSUED=True, DUE=False)
            return upd(st, ISSUED=False, DUE=False)
        return upd(st, ISSUED=False)

    def next_seq(files: Files, kind: str) -> int:
        return 1 + max([f[1] for f, _d, _n in files if f[0] == kind], default=0)

    def actions(st: Any) -> Iterable[tuple[str, Any]]:
        if st[HIST] < max_writes:
            n = st[HIST] + 1
            yield f"Write({n})", upd(st, DB=st[DB] + (n,), BUF=st[BUF] + (n,), HIST=n)
        t = st if bug == "replies_before_write" else flush(st, False)
        yield "TurnEnd", upd(t, ACKED=st[HIST])
        if not st[RUN] and st[REWRITES] < max_rewrites:
            t = st if bug == "rewrite_keeps_the_buffer" else flush(st, True)
            files, old = t[DIR], t[CUR]
            new = ("i", next_seq(files, "i"))
            pend = t[PEND]
            got = get(files, old)
            if got is not None and got[1] < len(got[0]):
                pend = pend | {(old, len(got[0]), False)}
            yield "Rewrite", upd(t, DIR=put(files, new, (), 0), CUR=new, PEND=pend,
                                 MAN=(t[MAN][0], t[MAN][1] + (new,)), ISSUED=True, DUE=False,
                                 RUN=True, CHILD=st[DB], REWRITES=st[REWRITES] + 1)
        if st[RUN]:
            files = st[DIR]
            nb = ("b", next_seq(files, "b"))
            base = st[DB] if bug == "child_base_after_fork" else st[CHILD]
            base_f, incrs = st[MAN]
            keep = () if bug == "switch_marks_new_incr_history" else incrs[-1:]
            gone = {base_f, *(f for f in incrs if f not in keep)}
            files = tuple(x for x in put(files, nb, base, len(base)) if x[0] not in gone)
            yield "ChildDone", upd(st, DIR=files, MAN=(nb, keep), ISSUED=True, DUE=False,
                                   RUN=False, CHILD=())
            yield "ChildFail", upd(st, RUN=False, CHILD=())
        if st[PEND]:
            target: dict[Id, int] = {}
            for f, n, _job in st[PEND]:
                target[f] = max(target.get(f, 0), n)
            files = tuple((f, data, max(dur, target.get(f, 0))) for f, data, dur in st[DIR])
            yield "FsyncDone", upd(st, DIR=files, PEND=frozenset())
        if st[POLICY] == "everysec":
            yield "Tick", upd(st, DUE=True, POST=st[POST] + 1 if st[POST] in (0, 1) else st[POST])

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        for label, t in actions(st):
            t = upd(t, FSYNCED=max(t[FSYNCED], durable_prefix(t[DIR])))
            if not t[BAD]:
                t = upd(t, BAD=manifest_atomic(st, t))
            yield label, t

    return Model(
        f"AofRewrite.tla MaxWrites={max_writes} MaxRewrites={max_rewrites} "
        f"Policies={set(policies)}" + (f" bug={bug}" if bug else ""),
        init, [step], invariants(), mechanism="aof")


def expected_distinct(max_writes: int = 3, max_rewrites: int = 1,
                      policies: tuple[str, ...] = ("always", "everysec")) -> int:
    """The distinct-state count of ``AofRewrite.tla`` for these constants (what TLC reports),
    from its Python transcription."""
    return tla_transcription(max_writes, max_rewrites, policies).check().distinct


# -- the world: an AOF directory in memory -----------------------------------------------------


@attrs.frozen
class World:
    """The directory the spec's file operations act on (``spec.aof.take_ops``), as a value:
    file name -> (bytes, durable bytes), the open incr file, and the fsyncs started and not
    yet finished ``(name, length, offset, job, records)`` (``records``: how many writes the
    first ``length`` bytes hold, kept for the abstraction once the file is gone). A write to
    a file that was unlinked while open goes nowhere (as on POSIX: the inode has no name)."""

    files: tuple[tuple[str, bytes, int], ...] = ()
    current: str | None = None
    pending: tuple[tuple[str, int, int, bool, int], ...] = ()

    def apply(self, ops: Iterable[tuple[Any, ...]]) -> tuple[World, list[tuple[int, bool]]]:
        """Carry out ``ops`` in order; also returns the fsyncs finished at once
        ``(offset, job)`` to report to the spec (closing a file whose bytes are all durable
        already needs no wait)."""
        files = {n: (d, k) for n, d, k in self.files}
        cur, pending, done = self.current, list(self.pending), []
        for op in ops:
            kind, args = op[0], op[1:]
            if kind == "write":
                if cur in files:
                    d, k = files[cur]
                    files[cur] = (d + args[0], k)
            elif kind == "fsync":
                if cur in files:
                    files[cur] = (files[cur][0], len(files[cur][0]))
            elif kind == "bgfsync":
                assert cur is not None
                d = files.get(cur, (b"", 0))[0]
                pending.append((cur, len(d), args[0], True, _count(d)))
            elif kind == "open":
                name, truncate, offset = args
                if cur is not None:
                    d, k = files.get(cur, (b"", 0))
                    if k < len(d):
                        pending.append((cur, len(d), offset, False, _count(d)))
                    else:
                        done.append((offset, False))
                if truncate or name not in files:
                    files[name] = (b"", 0)
                cur = name
            elif kind in ("manifest", "file"):
                name, data = (MANIFEST, args[0]) if kind == "manifest" else args
                files[name] = (data, len(data))
            elif kind == "rename":
                old, new = args
                files[new] = files.pop(old)
                if cur == old:
                    cur = new
            elif kind == "unlink":
                files.pop(args[0], None)
            elif kind in ("log", "mkdir", "kill"):
                pass
            else:  # pragma: no cover - a new operation the world does not know
                raise AssertionError(f"unknown AOF operation {kind}")
        w = World(tuple(sorted((n, d, k) for n, (d, k) in files.items())), cur, tuple(pending))
        return w, done

    def get(self, name: str) -> tuple[bytes, int] | None:
        for n, d, k in self.files:
            if n == name:
                return d, k
        return None


_NAME = re.compile(r".*\.(\d+)\.(base|incr)\.(rdb|aof)\Z")


def file_id(name: str) -> Id:
    """``appendonly.aof.2.incr.aof`` -> ("i", 2); ``appendonly.aof.1.base.rdb`` -> ("b", 1)."""
    m = _NAME.match(name)
    assert m is not None, name
    return ("b" if m.group(2) == "base" else "i", int(m.group(1)))


def list_of(state: Any) -> tuple[int, ...]:
    """The list at ``k1`` in db 0, as write numbers."""
    v = state.dbs[0].keys.get(KEY)
    return tuple(int(x) for x in v.to_list()) if v is not None else ()


@functools.cache
def records(data: bytes) -> tuple[int, ...]:
    """The writes a file holds: an RDB base loaded (``spec.persist.load_state``), or the
    ``RPUSH k1 <n>`` records of a command stream (SELECTs skipped)."""
    if data.startswith(b"REDIS"):
        return list_of(persist.load_state(new_server(T), data, T))
    return tuple(int(argv[2]) for argv in parse_commands(data) if argv[0].upper() == b"RPUSH")


def _count(data: bytes) -> int:
    return len(records(data))


def _manifest(world: World) -> tuple[Id, tuple[Id, ...], tuple[Id, ...]]:
    """The manifest file on disk: (base, incr files, history files)."""
    got = world.get(MANIFEST)
    assert got is not None
    base, incrs, hist = None, [], []
    for line in got[0].decode().splitlines():
        parts = line.split()
        f, t = file_id(parts[1]), parts[5]
        if t == "b":
            base = f
        elif t == "i":
            incrs.append(f)
        else:
            hist.append(f)
    assert base is not None
    return base, tuple(incrs), tuple(hist)


# -- the real spec, abstracted to the TLA+ variables -----------------------------------------------


def _answer_fork(fn: Any, state: Any) -> Any:
    """Run ``fn(state)``; a fork it asks for (``ForkOutcomeNeeded``) succeeds with pid 4242."""
    while True:
        try:
            return fn(state)
        except persist.ForkOutcomeNeeded:
            state = persist.with_fork_outcome(state, 4242, 5)


def aof_model(max_writes: int = 3, max_rewrites: int = 1,
              policies: tuple[str, ...] = ("always", "everysec")) -> Model:
    """One client writes ``RPUSH k1 <n>`` and asks for BGREWRITEAOF through the spec, with
    ``appendonly yes`` and ``appendfsync`` one of ``policies``. State: ``(server, world, now,
    ghosts (hist, acked, fsynced), bad)``. The actions are the module's:

    - Write: a read event running ``RPUSH k1 <n>`` (``clients_input``: nothing written yet);
    - TurnEnd: beforeSleep's ``before_sleep_flush``, the world carrying out its operations,
      then ``flush_pending_writes`` (the replies, counted into the ghost ``acked``) -- the
      order ``spec.eventloop.event_loop_turn`` runs them in;
    - Rewrite: a read event running BGREWRITEAOF (the fork answered, the operations carried
      out at the end of the transition);
    - ChildDone / ChildFail: the child wrote its snapshot (``AofChild.snapshot``) to
      ``temp-rewriteaof-bg-<pid>.aof`` and exits 0, or exits 1; ``background_rewrite_done``;
    - FsyncDone: every fsync the world started finishes (``aof_fsync_done`` each);
    - Tick (everysec): a second passes.

    A crash can happen in any state; the invariants check what a reload would give after a
    crash of the process (the files as written) and of the machine (only their durable
    bytes), so no crash action is needed."""

    def init() -> Iterable[Any]:
        for p in policies:
            s = new_server(T, appendonly=True, appendfsync=p)
            s, _cid = client_connect(s, T)
            s = A.open_on_server_start(s, T)
            s, ops = A.take_ops(s)
            w, _done = World().apply(ops)
            yield (s, w, T, (0, 0, 0), "")

    def carry(s: Any, w: World) -> tuple[Any, World]:
        s, ops = A.take_ops(s)
        w, done = w.apply(ops)
        for offset, job in done:
            s = A.aof_fsync_done(s, offset, job)
        return s, w

    def cid_of(s: Any) -> int:
        return int(min(s.clients))

    def actions(st: Any) -> Iterable[tuple[str, Any]]:
        s, w, now, (hist, acked, fsynced), bad = st
        cid = cid_of(s)
        if hist < max_writes:
            n = hist + 1
            s2, _e = clients_input(s, [(cid, encode(b"RPUSH", KEY, n))], now)
            s2, w2 = carry(s2, w)
            yield f"Write({n}): RPUSH k1 {n}", (s2, w2, now, (n, acked, fsynced), bad)
        s2 = A.before_sleep_flush(s, now)
        s2, w2 = carry(s2, w)
        s2, eff = flush_pending_writes(s2, {cid: None})
        out = output_for(eff, cid)
        got = re.findall(rb":(\d+)\r\n", out)
        want = [b"%d" % i for i in range(acked + 1, hist + 1)]
        wrong = "" if got == want else f"ReplyOrder: RPUSH replies {got} for writes {want}"
        yield "TurnEnd", (s2, w2, now, (hist, acked + len(got), fsynced), bad or wrong)
        if s.aof.child is None and s.aof.rewrites < max_rewrites:
            s2, _e = _answer_fork(
                lambda x: clients_input(x, [(cid, encode(b"BGREWRITEAOF"))], now), s)
            s2, w2 = carry(s2, w)
            yield "Rewrite: BGREWRITEAOF", (s2, w2, now, (hist, acked, fsynced), bad)
        child = s.aof.child
        if child is not None:
            for code in (0, 1):
                w2, s2 = w, s
                if code == 0:  # the child's file, fsynced before it exits
                    data = A.aof_base_bytes(child.snapshot, now)
                    w2, _ = w.apply([("file", temp_rewrite_name(child.pid), data)])
                    s2 = A.aof_child_wrote(s2, child.pid, len(data))
                step = Step(s2, now)
                A.background_rewrite_done(step, code, 0)
                s2, w2 = carry(step.commit(), w2)
                label = "ChildDone" if code == 0 else "ChildFail"
                yield label, (s2, w2, now, (hist, acked, fsynced), bad)
        if w.pending:
            s2 = s
            files = {n: (d, k) for n, d, k in w.files}
            for name, length, offset, job, _nrec in w.pending:
                if name in files:
                    d, k = files[name]
                    files[name] = (d, max(k, length))
                s2 = A.aof_fsync_done(s2, offset, job)
            w2 = World(tuple(sorted((n, d, k) for n, (d, k) in files.items())), w.current, ())
            yield "FsyncDone", (s2, w2, now, (hist, acked, fsynced), bad)
        if s.config.get("appendfsync") == "everysec":
            yield "Tick", (s, w, now + 1000, (hist, acked, fsynced), bad)

    def abstract(st: Any) -> Any:
        """The TLA+ variables of a spec state and its world."""
        s, w, now, (hist, acked, fsynced), bad = st
        a = s.aof
        base, incrs, hist_files = _manifest(w)
        files = tuple(sorted(
            (file_id(n), records(d), _count(d[:k])) for n, d, k in w.files
            if n != MANIFEST and not n.startswith("temp-")))
        pend = frozenset((file_id(n), nrec, job) for n, _len, _off, job, nrec in w.pending)
        post = -1 if a.flush_postponed_start == 0 else min(2, now // 1000
                                                          - a.flush_postponed_start)
        child = list_of(a.child.snapshot) if a.child is not None else ()
        buf = tuple(int(argv[2]) for argv in parse_commands(a.buf)
                    if argv[0].upper() == b"RPUSH")
        man: Any = (base, incrs) if not hist_files else (base, incrs, hist_files)
        return (str(s.config.get("appendfsync")), list_of(s), buf, man, files,
                file_id(w.current) if w.current else None, pend,
                a.fsync_offset == a.current_size, now // 1000 > a.last_fsync_s, post,
                a.child is not None, child, a.rewrites, hist, acked, fsynced, bad)

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        old = abstract(st)
        for label, t in actions(st):
            s, w, now, (hist, acked, fsynced), bad = t
            fsynced = max(fsynced, durable_prefix(abstract(t)[DIR]))
            t = (s, w, now, (hist, acked, fsynced), bad)
            if not bad:
                t = (s, w, now, (hist, acked, fsynced), manifest_atomic(old, abstract(t)))
            yield label, t

    def check(inv: Any) -> Any:
        return lambda st: inv(abstract(st))

    def replay_agrees(st: Any) -> bool:
        """The abstraction against an independent reader: ``properties.aofworld.replay`` of
        the directory (as written, and as a crash of the machine leaves it) gives the lists
        the module's ``Replay`` says."""
        w, ab = st[1], abstract(st)
        written = {n: d for n, d, _k in w.files}
        durable = {n: d[:k] for n, d, k in w.files}
        return (list_of(read_dir(written, T)) == replay(ab[MAN], ab[DIR], False)
                and list_of(read_dir(durable, T)) == replay(ab[MAN], ab[DIR], True))

    invs: dict[str, Callable[[Any], bool]] = {"ReplayAgrees": replay_agrees}
    invs.update({name: check(inv) for name, inv in invariants().items()})
    return Model(
        f"aof rewrite (spec) MaxWrites={max_writes} MaxRewrites={max_rewrites} "
        f"Policies={set(policies)}", init, [step], invs,
        canon=abstract, mechanism="aof",
        expected_distinct=expected_distinct(max_writes, max_rewrites, policies))


def models() -> list[Model]:
    """What ``redspec check`` explores for this mechanism."""
    return [aof_model(3, 1), aof_model(2, 2), tla_transcription(3, 2)]
