"""``redspec diff`` and conformance vectors: compare any RESP server with the reference.

- :mod:`.frames`: RESP frames on the wire (split, parse, encode a request).
- :mod:`.rawclient`: raw connections that keep the exact reply bytes.
- :mod:`.normalise`: comparators (command-table tips, error classes, named normalisers).
- :mod:`.replay`: replaying a sequence on a TCP server or on the in-process spec; comparison.
- :mod:`.generate`: Hypothesis strategies for command sequences.
- :mod:`.runner`: the search with shrinking.
- :mod:`.report`: rich tables, JSON, JUnit and HTML reports.
- :mod:`.vectors`: export and replay of versioned conformance vectors.
"""
