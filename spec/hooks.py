"""Extension points that mechanisms register into at import time, kept in a module of their
own so that command modules (imported while ``spec.server`` is still loading, through
``spec.dispatch``) can reach them.

``DISCONNECT_HOOKS``: the clean-up steps of ``freeClient`` that belong to mechanisms (unwatch
keys, leave Pub/Sub channels, unblock, ...): each ``hook(state, client) -> state`` runs before
the client is forgotten, in registration order. ``spec.server.DISCONNECT_HOOKS`` is this list.
"""

from __future__ import annotations

from typing import Any

DISCONNECT_HOOKS: list[Any] = []
