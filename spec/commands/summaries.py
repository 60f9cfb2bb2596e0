"""One-line summaries of each command, in redspec's own words (served by COMMAND DOCS)."""

from __future__ import annotations

SUMMARIES: dict[str, str] = {}
