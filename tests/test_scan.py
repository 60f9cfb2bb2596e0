"""Unit tests for the dict model (spec.dict), the SCAN family, DEBUG HTSTATS and the dict cron."""

from __future__ import annotations

import os

from redspec.properties import z3_dict
from redspec.spec import dict as D
from redspec.spec.commands.scan import INVALID_CURSOR, listpack_score, parse_cursor
from redspec.spec.cron import server_cron
from redspec.spec.state import replace
from tests.session import NOW, Session


def test_siphash_vectors() -> None:
    """The generic SipHash matches the published SipHash-2-4 vectors; the fast 1-2 matches
    the generic one with c=1, d=2 on every length around the 8-byte blocks."""
    key = bytes(range(16))
    assert D.siphash_rounds(b"", key, 2, 4) == 0x726FDB47DD0E0E31
    assert D.siphash_rounds(bytes([0]), key, 2, 4) == 0x74F839C593DC67FD
    assert D.siphash_rounds(bytes(range(15)), key, 2, 4) == 0xA129CA6149BE45E5
    w = D.seed_words(key)
    for n in range(34):
        m = os.urandom(n)
        assert D.siphash(m, w) == D.siphash_rounds(m, key, 1, 2)


def test_z3_obligations_and_planted_bugs() -> None:
    for o in z3_dict.obligations():
        assert o.prove().held, o.name
    assert not z3_dict.table_obligation(add_to_both=True).prove().held
    assert not z3_dict.table_obligation(rehash_keeps_bucket=True).prove().held
    assert not z3_dict.cursor_obligation(5, forward=True).prove().held


def test_expand_and_rehash_rules() -> None:
    ht = D.EMPTY_HT
    for i in range(4):
        ht = D.add(ht, b"k%d" % i)
    assert (ht.exp0, ht.rehashidx, ht.used0) == (2, -1, 4)
    ht = D.add(ht, b"k4")  # used >= size: grow to fit used + 1, rehashing starts
    assert (ht.exp0, ht.exp1, ht.rehashidx, ht.used1 >= 1) == (2, 3, 0, True)
    while ht.rehashidx != -1:
        ht = D.rehash(ht, 1)
    assert (ht.exp0, ht.exp1, ht.used0, ht.used1) == (3, -1, 5, 0)
    # resize refused without dict_can_resize, forced past the ratio of 5
    d = D.Dict(ht, D.DictState().seed)
    for i in range(5, 8):
        D.dict_add(d, b"k%d" % i, can_resize=False)
    D.dict_add(d, b"k8", can_resize=False)
    assert d.rehashidx == -1 and d.exp0 == 3  # 8 >= 8 but 8 // 8 = 1 <= 5: no growth
    for i in range(9, 48):
        D.dict_add(d, b"k%d" % i, can_resize=False)
    D.dict_add(d, b"k48", can_resize=False)
    assert d.rehashidx != -1 and d.exp1 == 6  # 48 // 8 = 6 > 5: forced


def _emptied(n: int, left: int) -> D.HashTables:
    """A dict of ``n`` keys ``k0``.., fully rehashed, then all but the last ``left`` deleted."""
    ht = D.build([b"k%d" % i for i in range(n)])
    while ht.rehashidx != -1:
        ht = D.rehash(ht, 1000)
    for i in range(n - left):
        ht = D.delete(ht, b"k%d" % i)[0]
    return ht


def test_resize_shrinks_sparse_tables() -> None:
    ht = _emptied(100, 5)
    assert D.needs_resize(ht)
    ht = D.resize(ht)
    assert ht.rehashidx == 0 and ht.exp1 == 3
    ht = D.rehash(ht, 1000)
    assert (ht.exp0, ht.used0, ht.rehashidx) == (3, 5, -1)


def test_rehash_empty_visits_bounded() -> None:
    """``dictRehash(d, 1)`` visits at most 10 empty buckets before giving up."""
    ht = _emptied(300, 1)
    ht = D.resize(ht)
    before = ht.rehashidx
    ht = D.rehash(ht, 1)
    assert ht.rehashidx == -1 or ht.rehashidx - before <= 11


def test_parse_cursor() -> None:
    assert parse_cursor(b"0") == 0
    assert parse_cursor(b"") == 0
    assert parse_cursor(b"-1") == (1 << 64) - 1
    assert parse_cursor(b"+7") == 7
    assert parse_cursor(b"18446744073709551615") == (1 << 64) - 1
    assert parse_cursor(b"5\x00junk") == 5
    for bad in (b" 1", b"1 ", b"0x1", b"+", b"-", b"1.5", b"18446744073709551616", b"\t0"):
        assert parse_cursor(bad) is INVALID_CURSOR, bad


def test_listpack_score_text() -> None:
    assert listpack_score(float(1 << 62)) == b"4611686018427387904"
    assert listpack_score(4611686018427388928.0) == b"4.6116860184273889e+18"
    assert listpack_score(-0.0) == b"0"
    assert listpack_score(1.1) == b"1.1000000000000001"
    assert listpack_score(float("inf")) == b"inf"


def _scan_all(s: Session, *opts: str) -> tuple[set[bytes], int]:
    cursor, seen, calls = b"0", set(), 0
    while True:
        frame = s.call("SCAN", cursor, *opts)
        lines = frame.split(b"\r\n")
        cursor = lines[2]
        seen.update(lines[i] for i in range(5, len(lines) - 1, 2))
        calls += 1
        if cursor == b"0":
            return seen, calls


def test_scan_returns_every_key_with_small_counts() -> None:
    s = Session()
    keys = {b"key:%d" % i for i in range(200)}
    for k in keys:
        s.call("SET", k, "v")
    seen, calls = _scan_all(s, "COUNT", "3")
    assert seen == keys and calls > 10


def test_scan_expired_and_type_none_quirk() -> None:
    s = Session()
    s.call("SET", "live", "v")
    s.call("SET", "gone", "v", "PXAT", NOW + 1000)
    s.state = replace(s.state)  # same state; time moves below
    from redspec.spec.server import run_command
    s.state, frame = run_command(s.state, s.cid, [b"SCAN", b"0", b"TYPE", b"none"], NOW + 5000)
    # lookupKeyRead deletes the expired key, its type reads "none": Redis 7.0 returns it
    assert frame == b"*2\r\n$1\r\n0\r\n*1\r\n$4\r\ngone\r\n"
    assert b"gone" not in s.state.dbs[0].keys


def test_lookup_does_a_rehash_step() -> None:
    s = Session()
    for i in range(5):
        s.call("SET", f"k{i}", "v")
    ht = s.state.dbs[0].ht
    assert ht.rehashidx != -1
    s.call("GET", "k0")
    ht2 = s.state.dbs[0].ht
    assert ht2.rehashidx == -1 or ht2.rehashidx > ht.rehashidx


def test_cron_rehashes_and_shrinks() -> None:
    s = Session()
    for i in range(5):
        s.call("SET", f"k{i}", "v")
    st, _ = server_cron(s.state, NOW)
    assert st.dbs[0].ht.rehashidx == -1 and st.dbs[0].ht.exp0 == 3
    s.state = st
    for i in range(200):
        s.call("SET", f"x{i}", "v")
    s.call("DEL", *[f"x{i}" for i in range(200)])
    st, _ = server_cron(s.state, NOW)
    st, _ = server_cron(st, NOW)
    assert st.dbs[0].ht.exp0 == 3 and st.dbs[0].ht.used0 == 5
    off = replace(s.state, config=s.state.config.set("activerehashing", False))
    st, _ = server_cron(off, NOW)
    assert st.dbs[0].ht.rehashidx != -1  # shrink started, nothing rehashed by the cron


def test_keys_and_randomkey_follow_the_dict() -> None:
    s = Session()
    for i in range(30):
        s.call("SET", f"k{i}", "v")
    order = list(D.dict_keys(s.state.dbs[0].ht))
    frame = s.call("KEYS", "*")
    assert frame.split(b"\r\n")[2::2][:30] == order
    s2 = Session()
    for i in range(30):
        s2.call("SET", f"k{i}", "v")
    assert [s.call("RANDOMKEY") for _ in range(5)] == [s2.call("RANDOMKEY") for _ in range(5)]


def test_htstats_text() -> None:
    s = Session(**{"enable-debug-command": "yes"})
    empty = ("[Dictionary HT]\nHash table 0 stats (main hash table):\n"
             "No stats available for empty dictionaries\n[Expires HT]\n"
             "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n")
    assert s.call("DEBUG", "HTSTATS", "0") == b"$%d\r\n%s\r\n" % (len(empty), empty.encode())
    s.call("SET", "a", "1")
    text = s.call("DEBUG", "HTSTATS", "0").decode()
    assert " table size: 4\n number of elements: 1\n different slots: 1\n" in text
    assert "   0: 3 (75.00%)\n   1: 1 (25.00%)\n" in text
    assert s.call("DEBUG", "HTSTATS", "0", "full").startswith(b"-ERR unknown subcommand")
    assert s.call("DEBUG", "HTSTATS", "99") == b"-ERR Out of range database\r\n"
    s.call("SADD", "i", "1")
    assert s.call("DEBUG", "HTSTATS-KEY", "i").startswith(b"-ERR The value stored")
    assert s.call("DEBUG", "HTSTATS-KEY", "nokey") == b"-ERR no such key\r\n"


def test_rehash_progress_of_a_read_kept_after_scan_in_the_same_batch() -> None:
    """A GET's rehash step, then SCAN (which freezes the dict to walk it), in one read: the
    step is still installed at commit."""
    from redspec.spec.server import client_input
    from tests.differential.rawclient import encode_request

    s = Session()
    for i in range(5):
        s.call("SET", f"k{i}", "v")
    before = s.state.dbs[0].ht.rehashidx
    assert before != -1
    batch = encode_request([b"GET", b"k1"]) + encode_request([b"SCAN", b"0"])
    s.state, _ = client_input(s.state, s.cid, batch, NOW)
    after = s.state.dbs[0].ht.rehashidx
    assert after == -1 or after > before
