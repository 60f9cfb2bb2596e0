"""Replication, the replica side: the link to the master (``replication.c``'s
``syncWithMaster``, ``readSyncBulkPayload``, ``replicationCron``'s replica part).

``REPLICAOF host port`` (``spec.replication.set_master``) asks the world to connect. The
link then runs Redis's handshake state machine, one input at a time — the connection's
outcome (:func:`link_connected`), bytes read from it (:func:`link_input`), its loss
(:func:`link_closed`):

    CONNECTING → (PING) RECEIVE_PING_REPLY → (AUTH, REPLCONF listening-port, [ip-address],
    capa eof capa psync2, all at once) RECEIVE_AUTH/PORT/IP/CAPA_REPLY → (PSYNC) RECEIVE_PSYNC_REPLY
    → +CONTINUE: CONNECTED at once | +FULLRESYNC: TRANSFER → the snapshot loaded → CONNECTED

``PSYNC`` names the cached master's history and next offset (a replica that lost its link,
or a master turned replica: its own history), else ``? -1``. Once connected the link is
the master client (``CLIENT_MASTER``): its commands run through ``processInputBuffer``
like any client's, without replies, and what they apply is the replica's offset and is
proxied into its own backlog for its replicas (:func:`master_applied`). When it goes, the
master is cached for the next PSYNC (``replicationCacheMaster``) and the cron reconnects.

The world's side is a list of operations (``ReplState.ops``, taken by :func:`take_ops`):
``("connect", host, port)``, ``("send", bytes)``, ``("close",)``, ``("adopt", client_id)``
(the link's socket is now that client's connection) and ``("rdb_file", bytes)`` (the
received snapshot replaces ``dbfilename``, as a disk-load replica renames it into place).
Layer: server.
"""

from __future__ import annotations

from typing import Any

import attrs

from .aof import log_in_step
from .backlog import BEFORE_SLEEP_TRIM_BLOCKS, create_backlog, trim
from .effects import NO_EFFECTS, Effects, merge_effects
from .failover import abort_failover, clear_failover_state, in_progress, update_failover_status
from .lazyfree import free_many_async
from .loading import aux_log_text
from .numbers import string2ll
from .persist import rdb_install
from .rdb import Limits, RdbCorrupt, RdbUnsupported, decode_file
from .replication import (
    before_sleep_replication,
    cancel_handshake,
    connect_with_master,
    disconnect_replicas,
    feed_replicas,
    repl_of,
    repl_timed_out,
    replication_cron_master,
    send_ack,
    set_repl,
)
from .server import client_input, settle
from .startup import install_libraries
from .state import (
    EMPTY_MAP,
    REPL_STATE_CONNECT,
    REPL_STATE_CONNECTED,
    REPL_STATE_CONNECTING,
    REPL_STATE_RECEIVE_PING_REPLY,
    REPL_STATE_RECEIVE_PSYNC_REPLY,
    REPL_STATE_SEND_HANDSHAKE,
    REPL_STATE_TRANSFER,
    ServerState,
    new_client,
    replace,
)
from .step import Step

__all__ = ["link_connected", "link_input", "link_closed", "take_ops", "replication_cron",
           "replication_before_sleep", "command"]

EOF_MARK_SIZE = 40


def command(*args: bytes) -> bytes:
    """A command as the replica writes it on the link (``sendCommand``: a RESP array)."""
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def _send(s: Step, data: bytes) -> None:
    r = repl_of(s)
    set_repl(s, ops=r.ops + (("send", data),))


def _error(s: Step) -> None:
    """syncWithMaster's ``error:`` path: the link is closed and the cron tries again."""
    r = repl_of(s)
    set_repl(s, link_state=REPL_STATE_CONNECT, link_buf=b"", link_expect=(),
             transfer_size=-1, transfer_chunks=(), transfer_read=0,
             ops=r.ops + (("close",),))


def _settle(s: Step) -> tuple[ServerState, Effects]:
    """Commit a link transition: what it queued for clients delivered, the clients it freed
    (a master or a replica past ``repl-timeout``) handed to the world to close, its link
    operations handed to the world at once."""
    state, eff = settle(s, s.now_ms)
    if s.close:
        eff = merge_effects(eff, Effects(close=frozenset(s.close)))
    if state.repl.ops:
        state, ops = take_ops(state)
        eff = merge_effects(eff, Effects(repl_ops=ops))
    return state, eff


def link_connected(state: ServerState, now_ms: int, ok: bool) -> tuple[ServerState, Effects]:
    """The non-blocking connect finished (``syncWithMaster`` in CONNECTING): on success the
    replica sends PING and waits for its reply; on failure it tries again from the cron."""
    s = Step(state, now_ms)
    r = repl_of(s)
    if r.link_state != REPL_STATE_CONNECTING:
        return state, NO_EFFECTS
    if not ok:
        _error(s)
        return _settle(s)
    log_in_step(s, "notice", "Non blocking connect for SYNC fired the event.")
    set_repl(s, link_state=REPL_STATE_RECEIVE_PING_REPLY, transfer_lastio_ms=now_ms)
    _send(s, command(b"PING"))
    return _settle(s)


def _text(line: bytes) -> str:
    """A reply line as ``serverLog``'s ``%s`` prints it (up to a NUL)."""
    return line.split(b"\0", 1)[0].decode("utf-8", "replace")


def _line(buf: bytes) -> tuple[bytes, bytes] | None:
    """``connSyncReadLine``: one line (up to ``\\n``, a trailing ``\\r`` removed) and the
    rest, or None while the line is incomplete."""
    i = buf.find(b"\n")
    if i < 0:
        return None
    line = buf[:i]
    if line.endswith(b"\r"):
        line = line[:-1]
    return line, buf[i + 1:]


def _take_line(s: Step) -> bytes | None:
    """One whole line read off the link (consumed from ``link_buf``), or None while it is
    incomplete."""
    got = _line(repl_of(s).link_buf)
    if got is None:
        return None
    set_repl(s, link_buf=got[1])
    return got[0]


def send_handshake(s: Step) -> None:
    """REPL_STATE_SEND_HANDSHAKE: AUTH (with ``masterauth``, as ``masteruser`` if set),
    ``REPLCONF listening-port``, ``REPLCONF ip-address`` (with ``replica-announce-ip``) and
    ``REPLCONF capa eof capa psync2``, written together; their replies are read in order."""
    cfg = s.config
    expect: list[str] = []
    out = b""
    auth = str(cfg.get("masterauth", "") or "")
    if auth:
        user = str(cfg.get("masteruser", "") or "")
        args = (b"AUTH", user.encode(), auth.encode()) if user else (b"AUTH", auth.encode())
        out += command(*args)
        expect.append("auth")
    port = int(cfg.get("replica-announce-port", 0) or 0) or int(cfg.get("port", 6379))
    out += command(b"REPLCONF", b"listening-port", b"%d" % port)
    expect.append("port")
    ip = str(cfg.get("replica-announce-ip", "") or "")
    if ip:
        out += command(b"REPLCONF", b"ip-address", ip.encode())
        expect.append("ip")
    out += command(b"REPLCONF", b"capa", b"eof", b"capa", b"psync2")
    expect.append("capa")
    _send(s, out)
    set_repl(s, link_state=REPL_STATE_SEND_HANDSHAKE, link_expect=tuple(expect))


def send_psync(s: Step) -> None:
    """``slaveTryPartialResynchronization`` (write half): ``PSYNC <replid> <offset+1>`` of
    the cached master, else ``PSYNC ? -1``; with ``FAILOVER`` after them while this server
    is failing over (``spec.failover``)."""
    r = repl_of(s)
    if r.cached_master is not None:
        replid, off, _, _ = r.cached_master
        args: tuple[bytes, ...] = (b"PSYNC", replid.encode(), b"%d" % (off + 1))
        log_in_step(s, "notice", f"Trying a partial resynchronization (request "
                                 f"{replid}:{off + 1}).")
    else:
        args = (b"PSYNC", b"?", b"-1")
        log_in_step(s, "notice", "Partial resynchronization not possible (no cached master)")
    if in_progress(s):  # a master failing over asks its target to take over
        args += (b"FAILOVER",)
    set_repl(s, link_state=REPL_STATE_RECEIVE_PSYNC_REPLY, master_initial_offset=-1)
    _send(s, command(*args))


def link_input(state: ServerState, now_ms: int, data: bytes) -> tuple[ServerState, Effects]:
    """Bytes read from the link during the handshake or the transfer: the state machine
    advances as far as they allow. Bytes after the snapshot (or after +CONTINUE) are the
    stream: they go to the new master client."""
    s = Step(state, now_ms)
    r = repl_of(s)
    if r.link_state in (REPL_STATE_CONNECT, REPL_STATE_CONNECTED) or r.masterhost is None:
        return state, NO_EFFECTS
    set_repl(s, link_buf=r.link_buf + data, transfer_lastio_ms=now_ms)
    rest: bytes | None = None
    while True:
        r = repl_of(s)
        st = r.link_state
        if st == REPL_STATE_RECEIVE_PING_REPLY:
            line = _take_line(s)
            if line is None:
                break
            if not (line.startswith(b"+") or line.startswith(b"-NOAUTH")
                    or line.startswith(b"-NOPERM")
                    or line.startswith(b"-ERR operation not permitted")):
                log_in_step(s, "warning", f"Error reply to PING from master: '{_text(line)}'")
                _error(s)
                break
            log_in_step(s, "notice", "Master replied to PING, replication can continue...")
            send_handshake(s)
        elif st == REPL_STATE_SEND_HANDSHAKE:
            line = _take_line(s)
            if line is None:
                break
            what, more = r.link_expect[0], r.link_expect[1:]
            set_repl(s, link_expect=more)
            if what == "auth" and line.startswith(b"-"):
                log_in_step(s, "warning", f"Unable to AUTH to MASTER: {_text(line)}")
                _error(s)
                break
            if what != "auth" and line.startswith(b"-"):
                conf = {"port": "listening-port", "ip": "ip-address", "capa": "capa"}[what]
                log_in_step(s, "notice", f"(Non critical) Master does not understand REPLCONF "
                                         f"{conf}: {_text(line)}")
            if not more:
                send_psync(s)
        elif st == REPL_STATE_RECEIVE_PSYNC_REPLY:
            line = _take_line(s)
            if line is None:
                break
            if not line:
                continue  # a newline keepalive before the reply
            if line.startswith(b"+FULLRESYNC"):
                parts = line.split(b" ")
                if len(parts) >= 3 and len(parts[1]) == 40:
                    set_repl(s, master_replid=parts[1].decode("latin-1"),
                             master_initial_offset=int(parts[2]))
                    log_in_step(s, "notice", f"Full resync from master: "
                                             f"{parts[1].decode('latin-1')}:{int(parts[2])}")
                else:  # replid zeroed, offset -1: the snapshot still loads, at offset -1
                    log_in_step(s, "warning", "Master replied with wrong +FULLRESYNC syntax.")
                    set_repl(s, master_replid="", master_initial_offset=-1)
                # the cached master stays until the snapshot loads (7.0.15: INFO shows its
                # offset as slave_repl_offset during the transfer)
                set_repl(s, link_state=REPL_STATE_TRANSFER,
                         transfer_size=-1, transfer_chunks=(), transfer_read=0,
                         transfer_start_ms=now_ms)
                if in_progress(s):  # the target took over: the failover is done
                    clear_failover_state(s)
            elif line.startswith(b"+CONTINUE"):
                rest = continue_partial(s, line)
                if in_progress(s):
                    clear_failover_state(s)
                break
            elif in_progress(s):
                abort_failover(s)  # "Failover target rejected psync request"
                break
            else:
                if line.startswith(b"-NOMASTERLINK") or line.startswith(b"-LOADING"):
                    log_in_step(s, "notice", "Master is currently unable to PSYNC but should "
                                             f"be in the future: {_text(line)}")
                else:
                    log_in_step(s, "warning",
                                f"Unexpected reply to PSYNC from master: {_text(line)}")
                _error(s)
                break
        elif st == REPL_STATE_TRANSFER:
            done = read_transfer(s)
            if done is None:
                break
            rest = done
            break
        else:
            break
    new, eff = _settle(s)
    if new.repl.load_functions:  # the snapshot's libraries, created on the loaded state
        codes = new.repl.load_functions
        new = replace(new, repl=attrs.evolve(new.repl, load_functions=()))
        new = install_libraries(new, codes, now_ms)
    if rest is not None:
        mc = new.repl.master_client
        if rest and mc is not None:
            new, fed = client_input(new, mc, rest, now_ms)
            eff = merge_effects(eff, fed)
    return new, eff


def read_transfer(s: Step) -> bytes | None:
    """``readSyncBulkPayload``: the ``$<len>`` or ``$EOF:<mark>`` line (newlines before it
    are keepalives, an error line aborts), then the payload; once complete, the snapshot is
    loaded and the link becomes the master client. Returns the bytes after the payload, or
    None while it is incomplete (or on an error)."""
    r = repl_of(s)
    if r.transfer_size == -1 and not r.transfer_eofmark:
        line = _take_line(s)
        if line is None:
            return None
        if line.startswith(b"-"):
            log_in_step(s, "warning",
                        f"MASTER aborted replication with an error: {_text(line[1:])}")
            _error(s)
            return None
        if not line:
            return read_transfer(s)  # keepalive
        if not line.startswith(b"$"):
            _error(s)  # Bad protocol from MASTER
            return None
        where = "to parser" if use_diskless_load(s) else "to disk"
        if line.startswith(b"$EOF:") and len(line) >= 5 + EOF_MARK_SIZE:
            set_repl(s, transfer_eofmark=line[5:5 + EOF_MARK_SIZE], transfer_size=0)
            log_in_step(s, "notice", "MASTER <-> REPLICA sync: receiving streamed RDB from "
                                     f"master with EOF {where}")
        else:
            try:
                size = int(line[1:])
            except ValueError:
                _error(s)
                return None
            set_repl(s, transfer_size=size)
            log_in_step(s, "notice", f"MASTER <-> REPLICA sync: receiving {size} bytes from "
                                     f"master {where}")
        r = repl_of(s)
    buf = r.link_buf
    if r.transfer_eofmark:
        # The payload ends with the mark (the master writes nothing after it until the
        # replica's first ACK): Redis compares the last 40 bytes read with it.
        mark = r.transfer_eofmark
        data = b"".join(r.transfer_chunks) + buf
        if not data.endswith(mark):
            set_repl(s, transfer_chunks=(data,), transfer_read=len(data), link_buf=b"")
            return None
        payload, rest = data[:-EOF_MARK_SIZE], b""
    else:
        need = r.transfer_size - r.transfer_read
        take = buf[:need]
        chunks = r.transfer_chunks + (take,)
        read = r.transfer_read + len(take)
        if read < r.transfer_size:
            set_repl(s, transfer_chunks=chunks, transfer_read=read, link_buf=b"")
            return None
        payload, rest = b"".join(chunks), buf[need:]
    set_repl(s, link_buf=b"", transfer_chunks=(), transfer_read=len(payload))
    if not load_transfer(s, payload, bool(r.transfer_eofmark)):
        return None
    return rest


def use_diskless_load(s: Step) -> bool:
    """``useDisklessLoad``: ``repl-diskless-load swapdb``, or ``on-empty-db`` with no key in
    any database — then the snapshot is loaded straight from the socket and no file is
    written (with ``disabled``, the default, it goes to a temp file renamed to
    ``dbfilename`` and is loaded from there)."""
    mode = s.config.get("repl-diskless-load", "disabled")
    if mode == "swapdb":
        return True
    return mode == "on-empty-db" and all(s.open_db(i).size() == 0
                                         for i in range(s.db_count()))


def stream_db_of(aux: tuple[tuple[bytes, bytes], ...], dbs: int) -> int:
    """The snapshot's ``repl-stream-db`` AUX field (``rdbLoadRio``'s rdbSaveInfo); 0 when
    absent or not a db of this server."""
    for k, v in aux:
        if k == b"repl-stream-db":
            n = string2ll(v)
            return n if n is not None and 0 <= n < dbs else 0
    return 0


def load_transfer(s: Step, payload: bytes, usemark: bool) -> bool:
    """The end of ``readSyncBulkPayload``: the replicas of this replica are disconnected
    and its backlog dropped (a new history), the dataset and the function libraries are
    replaced by the snapshot's, the file replaces ``dbfilename``, and the link becomes the
    master client at the offset +FULLRESYNC gave; a diskless transfer is acknowledged at
    once. A snapshot that does not load aborts the sync (the cron retries)."""
    try:
        f = decode_file(payload, Limits.of(s.config), s.db_count())
    except (RdbCorrupt, RdbUnsupported, ValueError):
        _error(s)
        return False
    diskless = use_diskless_load(s)
    disconnect_replicas(s)
    r = repl_of(s)
    if r.cached_master is not None:
        log_in_step(s, "notice", "Discarding previously cached master state.")
    set_repl(s, backlog=None, cached_master=None)
    log_in_step(s, "notice", "MASTER <-> REPLICA sync: Flushing old data")
    log_in_step(s, "notice", "MASTER <-> REPLICA sync: Loading DB in memory")
    for k, v in f.aux:
        text = aux_log_text(k, v, s.now_ms)
        if text is not None:
            log_in_step(s, "notice", text)
    lazy = bool(s.config.get("replica-lazy-flush"))
    rdb_install(s, f, lazy)
    p = s.part("persist")
    log_in_step(s, "notice", f"Done loading RDB, keys loaded: {p.load_loaded}, keys expired: "
                             f"{p.load_expired}.")
    if lazy:  # emptyData's functionsLibCtxClearCurrent(async)
        free_many_async(s, len(s.part("scripting").functions))
    s.set_part("scripting", replace(s.part("scripting"), libraries=EMPTY_MAP,
                                    functions=EMPTY_MAP))
    cid = s.next_client_id
    s.next_client_id = cid + 1
    mc = new_client(cid, s.now_ms, s.config, f"{r.masterhost}:{r.masterport}",
                    authenticated=True)
    # replicationCreateMasterClient(conn, rsi.repl_stream_db): the stream goes on in the
    # db the snapshot says (a chained master cannot SELECT in the stream it proxies)
    mc = replace(mc, flags=frozenset({"master"}), user="", db=stream_db_of(f.aux, s.db_count()))
    s.put_client(mc)
    off = r.master_initial_offset
    set_repl(s, link_state=REPL_STATE_CONNECTED, down_since_s=0, master_client=cid,
             master_reploff=off, master_read_reploff=off, replid=r.master_replid,
             master_repl_offset=off, replid2="0" * 40, second_replid_offset=-1,
             transfer_eofmark=b"", transfer_size=-1,
             ops=r.ops + ((("adopt", cid),) if diskless else
                          (("rdb_file", payload), ("adopt", cid))))
    set_repl(s, backlog=create_backlog(int(s.config.get("repl-backlog-size", 1 << 20)), off),
             load_functions=tuple(f.functions))
    if usemark:
        send_ack(s)
    log_in_step(s, "notice", "MASTER <-> REPLICA sync: Finished with success")
    return True


def continue_partial(s: Step, line: bytes) -> bytes:
    """``+CONTINUE [<replid>]``: the master continues our history. A new replid means the
    master was promoted: our id becomes the second one (up to the next byte) and our
    replicas are disconnected to learn it. The cached master is resurrected as the master
    client (``replicationResurrectCachedMaster``), with the cached client's id and db.
    Returns the link's bytes after the line, already the stream."""
    r = repl_of(s)
    assert r.cached_master is not None
    cached_id, cached_off, cached_db, cid = r.cached_master
    parts = line.split(b" ")
    new_id = parts[1].decode("latin-1") if len(parts) > 1 and len(parts[1]) == 40 else ""
    log_in_step(s, "notice", "Successful partial resynchronization with master.")
    if new_id and new_id != cached_id:
        set_repl(s, replid2=cached_id, second_replid_offset=r.master_repl_offset + 1,
                 replid=new_id)
        disconnect_replicas(s)
        log_in_step(s, "notice", f"Master replication ID changed to {new_id}")
    log_in_step(s, "notice", "MASTER <-> REPLICA sync: Master accepted a Partial "
                             "Resynchronization.")
    r = repl_of(s)
    mc = new_client(cid, s.now_ms, s.config, f"{r.masterhost}:{r.masterport}",
                    authenticated=True)
    s.put_client(replace(mc, flags=frozenset({"master"}), user="", db=cached_db))
    rest = r.link_buf
    set_repl(s, link_state=REPL_STATE_CONNECTED, down_since_s=0, master_client=cid,
             master_reploff=cached_off, master_read_reploff=cached_off,
             cached_master=None, link_buf=b"", ops=r.ops + (("adopt", cid),))
    if r.backlog is None:
        set_repl(s, backlog=create_backlog(int(s.config.get("repl-backlog-size", 1 << 20)),
                                           r.master_repl_offset))
    return rest


def link_closed(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """The link was lost during the handshake or the transfer: the attempt is abandoned and
    the cron connects again."""
    r = state.repl
    if r.link_state in (REPL_STATE_CONNECT, REPL_STATE_CONNECTED) or r.masterhost is None:
        return state, NO_EFFECTS
    s = Step(state, now_ms)
    set_repl(s, link_state=REPL_STATE_CONNECT, link_buf=b"", link_expect=(),
             transfer_size=-1, transfer_chunks=(), transfer_read=0, transfer_eofmark=b"")
    if not repl_of(s).down_since_s:
        set_repl(s, down_since_s=now_ms // 1000)
    return _settle(s)


def take_ops(state: ServerState) -> tuple[ServerState, tuple[tuple[Any, ...], ...]]:
    """The link operations the transitions queued, taken out for the world to carry out in
    order (see the module docstring)."""
    ops = state.repl.ops
    if not ops:
        return state, ()
    return replace(state, repl=attrs.evolve(state.repl, ops=())), ops


def replication_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``replicationCron`` (once a second): the replica part — a connect, a handshake or a
    transfer silent for more than ``repl-timeout`` whole seconds is cancelled, a master
    silent that long is dropped (``spec.replication.repl_timed_out``), a replica not connected connects, a connected one sends ``REPLCONF ACK`` —
    then the master part (``spec.replication.replication_cron_master``)."""
    r = state.repl
    if r.masterhost is None and not r.replicas and r.backlog is None:
        # nothing to do but count the loop: the PING period counts from the server's start
        # (``replication_cron_loops++`` runs on every call)
        return replace(state, repl=attrs.evolve(r, cron_loops=r.cron_loops + 1)), NO_EFFECTS
    s = Step(state, now_ms)
    if r.failover is not None:
        update_failover_status(s)
        r = repl_of(s)
    timeout_s = int(s.config.get("repl-timeout", 60))
    if r.masterhost is not None:
        st = r.link_state
        if st not in (REPL_STATE_CONNECT, REPL_STATE_CONNECTED, REPL_STATE_TRANSFER) and \
                repl_timed_out(now_ms, r.transfer_lastio_ms, timeout_s):
            log_in_step(s, "warning", "Timeout connecting to the MASTER...")
            cancel_handshake(s)
        if st == REPL_STATE_TRANSFER and repl_timed_out(now_ms, r.transfer_lastio_ms, timeout_s):
            log_in_step(s, "warning", "Timeout receiving bulk data from MASTER... If the "
                        "problem persists try to set the 'repl-timeout' parameter in "
                        "redis.conf to a larger value.")
            cancel_handshake(s)
        if st == REPL_STATE_CONNECTED and r.master_client is not None:
            mc = s.get_client(r.master_client)
            if mc is not None and repl_timed_out(now_ms, mc.io.last_interaction_ms, timeout_s):
                log_in_step(s, "warning", "MASTER timeout: no data nor PING received...")
                s.put_client(replace(mc, closing=True))
                s.close.add(mc.id)
        if repl_of(s).link_state == REPL_STATE_CONNECT:
            connect_with_master(s)
        if repl_of(s).master_client is not None and r.master_client not in s.close:
            send_ack(s)
    replication_cron_master(s)
    return _settle(s)


def replication_before_sleep(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """beforeSleep's replication part: the GETACK a WAIT asked for and the WAITs answered
    (``spec.replication.before_sleep_replication``), a failover's progress
    (``spec.failover.update_failover_status``), then every replica's share of the
    stream (``feed_replicas``) and the link operations for the world."""
    eff = NO_EFFECTS
    r = state.repl
    if r.get_ack or r.waiting_acks or r.failover is not None:
        s = Step(state, now_ms)
        before_sleep_replication(s)
        update_failover_status(s)  # after the ACKs read in this turn (beforeSleep)
        state, eff = _settle(s)
    if state.repl.outbox:
        state, wake, closed = feed_replicas(state, now_ms)
        if wake or closed:
            eff = merge_effects(eff, Effects(wake=wake, close=closed))
    b = state.repl.backlog
    if b is not None and b.histlen > b.size:  # beforeSleep's incrementalTrimReplicationBacklog
        r = state.repl
        state = replace(state, repl=attrs.evolve(r, backlog=trim(
            b, r.master_repl_offset, r.pins, BEFORE_SLEEP_TRIM_BLOCKS)))
    if state.repl.ops:
        state, ops = take_ops(state)
        eff = merge_effects(eff, Effects(repl_ops=ops))
    return state, eff

