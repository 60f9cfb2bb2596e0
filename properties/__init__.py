"""Invariant suites: Hypothesis state machines, Z3 proofs and the bounded explorer."""
