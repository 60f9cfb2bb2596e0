"""``redspec vectors``: export conformance vectors, replay them on a server."""

from __future__ import annotations

import click


@click.group()
def vectors() -> None:
    """Conformance vectors: the spec's own outputs for the differential cases."""
