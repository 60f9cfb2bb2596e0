"""Settings shared by every test directory.

In CI (``CI`` set) Hypothesis runs derandomized: the same examples every run, so a red build
always points at a real, reproducible failure. Locally it explores fresh examples each run.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
