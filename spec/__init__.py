"""redspec.spec — the executable specification: pure state-transition functions.

Nothing in this package performs I/O, reads a clock, starts a thread or uses global
randomness. Time (unix milliseconds) and PRNG state are inputs; state is immutable.
"""
