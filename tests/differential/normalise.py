"""The reply normalisers now live in the product (``redspec.reference.diff.normalise``);
this module re-exports them for the harness and the cases modules."""

from redspec.reference.diff.normalise import *  # noqa: F403
from redspec.reference.diff.normalise import (  # noqa: F401
    NORMALISERS,
    Frame,
    hello,
    normaliser,
    parse,
    parse_all,
    serialise,
)
