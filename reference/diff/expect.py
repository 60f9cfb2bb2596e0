"""Known differences as data: ``redspec diff --expect FILE``.

A *profile* lists the divergences already explained for one peer (an implementation and a
version), each with its reason, so a peer project can run ``redspec diff`` in its CI as a gate
that fails only on new divergences. The format is TOML::

    peer = "valkey-9.1"                 # free text, shown in reports
    title = "Valkey 9.1.2"

    [[expected]]
    command = "getex"                   # required: the divergent command (``object|encoding``)
    group = "strings"                   # optional: only in this group
    proto = 2                           # optional: only under this protocol
    target = "invalid expire time"      # optional: a substring of the peer's frame
    reference = "$-1"                   # optional: a substring of the reference's frame
    kind = "version"                    # version | bug | missing | identity | other
    reason = "Valkey 8.0 checks the expire time before the key lookup (valkey#...)"

A divergence is expected when an entry's ``command`` is the divergence's command and every
optional field given matches. Frames are matched as text (latin-1, with ``\\r\\n`` as written
in the profile). Since ``redspec diff`` reports one divergence per command and then sets the
command aside, an expected divergence can hide a new one of the same command: run without
``--expect`` now and then.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "Expected", "Profile", "load_profile", "explain"]

#: How a difference is classified: a documented change between versions, a bug of the peer,
#: a command or option the peer lacks, the implementation naming itself, anything else.
KINDS = ("version", "bug", "missing", "identity", "other")


@dataclass(frozen=True)
class Expected:
    """One explained difference (see the module docstring)."""

    command: str
    reason: str
    kind: str = "other"
    group: str | None = None
    proto: int | None = None
    target: str | None = None
    reference: str | None = None

    def matches(self, group: str, command: str, proto: int, target_frame: bytes | None,
                reference_frame: bytes | None) -> bool:
        """Does this entry explain a divergence with these facts?"""
        if command != self.command or (self.group is not None and group != self.group):
            return False
        if self.proto is not None and proto != self.proto:
            return False
        for want, frame in ((self.target, target_frame), (self.reference, reference_frame)):
            if want is not None and (frame is None or want not in frame.decode("latin-1")):
                return False
        return True


@dataclass(frozen=True)
class Profile:
    """A peer's explained differences."""

    peer: str
    title: str
    expected: tuple[Expected, ...]


def _entry(raw: dict[str, Any], where: str) -> Expected:
    unknown = set(raw) - {"command", "reason", "kind", "group", "proto", "target", "reference"}
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if "command" not in raw or "reason" not in raw:
        raise ValueError(f"{where}: 'command' and 'reason' are required")
    kind = raw.get("kind", "other")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
    return Expected(command=str(raw["command"]).lower(), reason=str(raw["reason"]), kind=kind,
                    group=raw.get("group"), proto=raw.get("proto"), target=raw.get("target"),
                    reference=raw.get("reference"))


def load_profile(path: Path) -> Profile:
    """Read a profile file (ValueError with the place on a malformed one)."""
    doc = tomllib.loads(path.read_text())
    entries = doc.get("expected", [])
    return Profile(peer=str(doc.get("peer", path.stem)), title=str(doc.get("title", path.stem)),
                   expected=tuple(_entry(e, f"{path}: expected[{i}]")
                                  for i, e in enumerate(entries)))


def explain(profile: Profile | None, group: str, command: str, proto: int,
            target_frame: bytes | None, reference_frame: bytes | None) -> Expected | None:
    """The profile's entry that explains this divergence, or None (a new divergence)."""
    if profile is None:
        return None
    for e in profile.expected:
        if e.matches(group, command, proto, target_frame, reference_frame):
            return e
    return None
