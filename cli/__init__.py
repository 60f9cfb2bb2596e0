"""The ``redspec`` command line: the one place that brings the spec, the reference server and
the property suites together (``redspec serve | check | diff | vectors | advise``)."""

from redspec.reference.specbuild import select_build

select_build()  # before the spec is imported: compiled or interpreted (spec build, issue 21)
