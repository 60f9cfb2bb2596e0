"""Streams in the RDB format (``RDB_TYPE_STREAM_LISTPACKS_2``), DUMP/RESTORE and DEBUG
DIGEST of streams, and the safety net that keeps SAVE / DEBUG RELOAD from raising out of the
spec when a value has no RDB encoding. The byte-for-byte and digest agreement with a real
7.0.15 is in tests/test_rdb_streams_interop.py."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.spec import rdb

NOW = 1_700_000_000_000


def _debug_session() -> Session:
    return Session(NOW, **{"enable-debug-command": "yes"})


# -- the safety net: SAVE / DEBUG RELOAD never raise out of the spec -------------------------------


class _Opaque(bytes):
    """A value the RDB encoder is made to refuse (a stand-in for any value type without an
    encoding: every type redspec holds has one now)."""


def _refusing_save_object(real: Any) -> Any:
    def save_object(value: Any, list_fill: int = -2, compress: bool = True) -> bytes:
        if value == b"unencodable":
            raise rdb.RdbUnsupported("no RDB encoding for Opaque values in redspec")
        result: bytes = real(value, list_fill, compress)
        return result
    return save_object


def test_save_and_reload_of_an_unencodable_value_reply_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdb, "save_object", _refusing_save_object(rdb.save_object))
    s = _debug_session()
    s(b"SET", b"k", b"unencodable")
    s(b"SET", b"other", b"v")
    digest = s(b"DEBUG", b"DIGEST")
    assert s(b"SAVE") == b"-ERR no RDB encoding for Opaque values in redspec\r\n"
    assert s(b"DEBUG", b"RELOAD") == b"-ERR no RDB encoding for Opaque values in redspec\r\n"
    # nothing changed, the attempt is counted, and the server keeps answering
    assert s(b"DEBUG", b"DIGEST") == digest
    info = s(b"INFO", b"persistence")
    assert b"rdb_saves:1\r\n" in info and b"rdb_changes_since_last_save:2\r\n" in info
    assert s(b"GET", b"other") == b"$1\r\nv\r\n"
