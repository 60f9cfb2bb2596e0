"""``private_redis`` starts from an empty directory: a dump file left in the session's shared
directory (by another test's server) is not loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis

from redspec.spec import server as S
from redspec.spec.persist import save_state


def test_private_redis_ignores_a_dump_in_the_shared_directory(
        server_workdir: Path, request: pytest.FixtureRequest) -> None:
    state = S.new_server(0)
    state, cid = S.client_connect(state, 0)
    state, _ = S.run_command(state, cid, [b"SET", b"left", b"behind"], now_ms=0)
    (server_workdir / "dump.rdb").write_bytes(save_state(state, 0))
    try:
        sp: Any = request.getfixturevalue("private_redis")
        r = redis.Redis(port=sp.port)
        assert r.dbsize() == 0 and r.info("replication")["master_repl_offset"] == 0
    finally:
        (server_workdir / "dump.rdb").unlink()
