"""The reference server: adapts sockets, clocks and files to the pure spec in ``redspec.spec``."""
