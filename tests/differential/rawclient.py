"""The raw RESP client now lives in the product (``redspec.reference.diff.rawclient``); this
module re-exports it for tests and for the commands in the brief."""

from redspec.reference.diff.rawclient import Conn, RawClient, encode_request  # noqa: F401
