"""Loading the AOF at start as properties (``spec.aofload``):

- ``replay_is_the_dataset``: a command history split into files (the writer's request
  format, ``#TS`` annotations between commands, SELECT and MULTI/EXEC included) loads into
  the dataset — keys, values, expiry times, every database — that a client running each
  file's commands over a fresh connection builds (a new connection per file: the loader's
  fake client starts every file on database 0);
- ``truncated_tail_is_the_complete_prefix``: the last file cut at any byte loads, with
  ``aof-load-truncated yes``, what its complete commands before the cut build, a
  transaction left open dropped; the file is truncated at the end of a complete command (the
  last one read — 7.0.15 keeps the commands a cut transaction queued, to be reverted at the
  next start — or, at a clean end inside MULTI, the one before it), and loads the same
  dataset once truncated.

Planted bugs (each must trip its property): each file going on with the previous file's
fake client (its database), and commands inside MULTI run at once instead of queued (the
open transaction a truncation reverts is then already applied).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings
from redspec.spec import aofload
from redspec.spec import server as S
from redspec.spec.aofload import AofFile, aof_load_step, start_aof_loading
from redspec.spec.aofmanifest import AofInfo, AofManifest
from redspec.spec.digest import dataset_digest
from redspec.spec.resp import encode_request
from redspec.spec.state import ServerState, replace

MECHANISM = "loading"
NOW = 1_700_000_000_000
KEYS = [b"a", b"b", b"c"]

_cmd = st.one_of(
    st.tuples(st.just(b"SET"), st.sampled_from(KEYS), st.binary(max_size=12)),
    st.tuples(st.just(b"DEL"), st.sampled_from(KEYS)),
    st.tuples(st.just(b"INCR"), st.sampled_from(KEYS)),
    st.tuples(st.just(b"RPUSH"), st.sampled_from(KEYS), st.binary(max_size=6)),
    st.tuples(st.just(b"SADD"), st.sampled_from(KEYS), st.sampled_from([b"1", b"x"])),
    st.tuples(st.just(b"PEXPIREAT"), st.sampled_from(KEYS),
              st.sampled_from([b"%d" % (NOW + 10**9), b"%d" % (NOW + 10**10)])),
    st.tuples(st.just(b"SELECT"), st.sampled_from([b"0", b"1", b"2"])),
    st.tuples(st.just(b"MULTI")),
    st.tuples(st.just(b"EXEC")),
    st.tuples(st.just(b"#TS")),
).map(list)

_files = st.lists(st.lists(_cmd, max_size=12), min_size=1, max_size=3)


def _bytes(cmds: list[list[bytes]]) -> bytes:
    """A file: the commands in the request format, ``#TS:`` lines as annotations."""
    return b"".join(b"#TS:%d\r\n" % NOW if c == [b"#TS"] else encode_request(c)
                    for c in cmds)


def _load(files: list[bytes]) -> tuple[ServerState, list[tuple[str, int]]]:
    """The load of ``files`` as incr files 1..n; the state and the truncations asked."""
    state = S.new_server(NOW)
    names = [f"f{i}" for i in range(len(files))]
    m = AofManifest(incrs=tuple(AofInfo(n, i + 1, "i") for i, n in enumerate(names)),
                    incr_seq=len(names))
    state, _, _ = start_aof_loading(state, m, tuple(AofFile(n, d) for n, d in
                                                    zip(names, files, strict=True)),
                                    "appendonly.aof", NOW)
    truncs = []
    while state.loading.active:
        state, step = aof_load_step(state, NOW)
        if step.truncate is not None:
            truncs.append(step.truncate)
    return state, truncs


def _replay(files: list[list[list[bytes]]]) -> ServerState:
    """Each file's commands run by a client of its own (annotations left out); a file that
    ends inside MULTI leaves its transaction unexecuted."""
    state = S.new_server(NOW)
    for cmds in files:
        state, cid = S.client_connect(state, NOW)
        for c in cmds:
            if c != [b"#TS"]:
                state, _ = S.run_command(state, cid, c, now_ms=NOW)
        state = S.client_disconnect(state, cid)
    return state


def _dataset(state: ServerState) -> tuple[bytes, list[dict[bytes, int]]]:
    return (dataset_digest((d.id, [(k, v, k in d.expires) for k, v in d.keys.items()])
                           for d in state.dbs),
            [dict(d.expires.items()) for d in state.dbs])


def _complete(cmds: list[list[bytes]]) -> list[list[bytes]]:
    """A file's commands as the loader keeps them: a MULTI never closed (by EXEC) is
    dropped with what follows it."""
    depth_start = None
    for i, c in enumerate(cmds):
        if c == [b"MULTI"] and depth_start is None:
            depth_start = i
        elif c == [b"EXEC"]:
            depth_start = None
    return cmds if depth_start is None else cmds[:depth_start]


def replay_is_the_dataset(files: list[list[list[bytes]]]) -> None:
    """The property (see the module docstring); raises AssertionError naming it."""
    kept = [_complete(f) for f in files]
    got, _ = _load([_bytes(f) for f in kept])
    assert _dataset(got) == _dataset(_replay(kept)), "replay_is_the_dataset"


def truncated_tail_is_the_complete_prefix(cmds: list[list[bytes]], cut: int) -> None:
    """The property (see the module docstring); raises AssertionError naming it."""
    name = "truncated_tail_is_the_complete_prefix"
    data = _bytes(cmds)
    cut = min(cut, len(data))
    ends, pos = [], 0
    for c in cmds:
        pos += len(_bytes([c]))
        ends.append(pos)
    whole = [c for c, e in zip(cmds, ends, strict=True) if e <= cut]
    kept = _complete(whole)
    got, truncs = _load([data[:cut]])
    want = _dataset(got)
    assert want == _dataset(_replay([kept])), name
    if truncs:
        # the end of a complete command (the last one read, or the one before an open MULTI
        # at the file's clean end), and the file cut there loads the same dataset
        offset = truncs[0][1]
        bounds = {0} | {e for c, e in zip(cmds, ends, strict=True) if e <= cut and c != [b"#TS"]}
        assert offset in bounds, name
        assert _dataset(_load([data[:offset]])[0]) == want, name


_given_replay = given(files=_files)
_given_cut = given(cmds=st.lists(_cmd, max_size=14), cut=st.integers(0, 600))


@property_settings(200)
@_given_replay
def test_replay_is_the_dataset(files: Any) -> None:
    replay_is_the_dataset(files)


@property_settings(200)
@_given_cut
def test_truncated_tail_is_the_complete_prefix(cmds: Any, cut: int) -> None:
    truncated_tail_is_the_complete_prefix(cmds, cut)


def test_planted_each_file_keeps_the_previous_database(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """A new file goes on with the previous file's fake client (no ``createAOFClient``)."""
    real = aofload._open_file

    def keep(state: ServerState, a: Any, now_ms: int) -> Any:
        new, step = real(state, a, now_ms)
        if new.loading.aof is not None and a.index > 0:
            ld = new.loading
            new = replace(new, loading=attrs.evolve(
                ld, aof=attrs.evolve(ld.aof, client=a.client)))
        return new, step

    monkeypatch.setattr(aofload, "_open_file", keep)

    @planted_settings(300)
    @_given_replay
    def run(files: Any) -> None:
        replay_is_the_dataset(files)

    with pytest.raises(AssertionError, match="replay_is_the_dataset"):
        run()


def test_planted_multi_runs_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside MULTI the fake client runs each command at once (nothing queued)."""

    def run_now(s: Any, cmd: Any, argv: list[bytes]) -> None:
        cmd.handler(s, argv)

    monkeypatch.setattr(aofload, "queue_command", run_now)

    @planted_settings(300)
    @_given_cut
    def run(cmds: Any, cut: int) -> None:
        truncated_tail_is_the_complete_prefix(cmds, cut)

    with pytest.raises(AssertionError, match="truncated_tail_is_the_complete_prefix"):
        run()
