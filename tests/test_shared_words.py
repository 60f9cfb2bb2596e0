"""The keys one transition writes under LRU share one access-word object (issue 21: memory per
key). Redis keeps ``robj->lru`` inside the object at no cost; here each key's word is an entry
of the access-word map, and without sharing each entry would also hold an ``int`` object of
its own (28 bytes per key of a bulk load: bench/analysis.md). ``Step.lru_word`` hands out one
object per transition; the words stay equal to ``LRU_CLOCK()`` (the OBJECT IDLETIME tests
check the values)."""

from __future__ import annotations

import pytest

from redspec.spec import server as S
from redspec.spec import step as step_mod
from redspec.spec.resp import encode_request

NOW = 1_700_000_123_456


def _words_after_one_pipeline() -> list[object]:
    st = S.new_server(NOW)
    st, c = S.client_connect(st, NOW)
    data = b"".join(encode_request([b"SET", b"k%d" % i, b"v"]) for i in range(50))
    data += encode_request([b"SET", b"k0", b"w"])  # an overwrite takes the word again
    st, _ = S.client_input(st, c, data, NOW)
    lru = st.dbs[0].lru
    return [lru[b"k%d" % i] for i in range(50)]


def test_one_word_object_per_transition() -> None:
    words = _words_after_one_pipeline()
    assert words[0] == (NOW // 1000) & 0xFFFFFF
    assert all(w is words[0] for w in words), "each key holds an int object of its own"


def test_planted_fresh_word_per_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: a new ``int`` per call (the values stay right; only sharing is lost)."""
    monkeypatch.setattr(step_mod.Step, "lru_word",
                        lambda self: int(str((self.now_ms // 1000) & 0xFFFFFF)))
    words = _words_after_one_pipeline()
    assert not all(w is words[0] for w in words)
