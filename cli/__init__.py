"""The ``redspec`` command line: the one place that brings the spec, the reference server and
the property suites together (``redspec serve | check | diff | vectors | advise``)."""
