"""Build hook for the one optional C accelerator (everything else is in pyproject.toml).

``redspec.spec._siphash``: SipHash-1-2, the hash of Redis's dict, which the spec computes for
every key added to a dict and every key a rehash step moves. Optional: without a C compiler
(or Python headers) the build skips it and ``spec.dict`` uses its pure-Python definition;
a property test checks the two agree.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("redspec.spec._siphash", ["spec/_siphash.c"], optional=True)])
