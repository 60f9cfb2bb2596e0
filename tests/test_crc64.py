"""CRC-64/Jones (spec/crc64.py) against Redis's self-test vector and against DUMP payloads
taken from a real redis-server 7.0.15 (the last eight bytes of a payload are the CRC of the
bytes before them, little-endian)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from redspec.spec.crc64 import crc64, crc64_bytes

#: ``DUMP k`` after ``SET k hello`` and ``DUMP l`` after ``RPUSH l a b 1`` on 7.0.15.
DUMPS = [
    b"\x00\x05hello\n\x00cr\xdfve4 \n",
    b"\x12\x01\x02\x0f\x0f\x00\x00\x00\x03\x00\x81a\x02\x81b\x02\x01\x01\xff\n\x00"
    b"\xe0\x1b\xabJG\xceY\"",
]


def test_redis_self_test_vector() -> None:
    assert crc64(b"123456789") == 0xE9C6D914C4B8D9CA


def test_dump_payload_checksums() -> None:
    for payload in DUMPS:
        assert crc64_bytes(payload[:-8]) == payload[-8:]


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_continuation(a: bytes, b: bytes) -> None:
    assert crc64(b, crc64(a)) == crc64(a + b)
