"""The reference server: adapts sockets, clocks and files to the pure spec in ``redspec.spec``."""

from .specbuild import select_build

select_build()  # before the spec is imported: compiled or interpreted (spec build, issue 21)
