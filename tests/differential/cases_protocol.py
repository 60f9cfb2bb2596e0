"""Differential cases for RESP request decoding (``spec.resp``).

``RAW_CASES``: raw bytes written on a fresh connection (a list = chunks that arrive in separate
reads); everything the server sends back until it closes or goes quiet is compared.
``CASES``: argv sequences for what raw bytes on one connection cannot set up (an
unauthenticated second connection, a lowered query buffer limit), each restoring the config.
"""

from __future__ import annotations


def mb(*args: bytes | str) -> bytes:
    """A multibulk request."""
    bs = [a.encode() if isinstance(a, str) else a for a in args]
    return b"*%d\r\n" % len(bs) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in bs)


#: Bytes with no terminator: a line starting with one more byte is PROTO_INLINE_MAX_SIZE + 1
#: long, the point where "too big" fires. Error cases end where the error becomes certain:
#: bytes sent after the server closed would make it reset the connection (losing the reply).
NO_CR = b"x" * 65536

RAW_CASES: list[tuple[str, bytes | list[bytes]]] = [
    # -- valid multibulk and pipelines ----------------------------------------------------
    ("mbulk ping", mb("PING")),
    ("mbulk pipeline set get", mb("SET", "k", "v") + mb("GET", "k") + mb("ECHO", "")),
    ("mbulk binary arg", mb("ECHO", b"a\x00b\r\n\xff")),
    ("mbulk split across reads", [b"*2\r\n$4\r\nEC", b"HO\r\n$3\r", b"\nabc\r\n"]),
    ("mbulk zero count skipped", b"*0\r\n" + mb("PING")),
    ("mbulk negative count skipped", b"*-1\r\n*-5\r\n*-2147483649\r\n" + mb("PING")),
    ("mbulk empty bulk", b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"),
    ("mbulk cr then any byte", b"*1\rX$4\rYPINGab" + mb("PING")),
    ("mbulk trailing bytes unchecked", b"*2\r\n$4\r\nECHOzz$1\r\nxyz"),
    ("mbulk incomplete waits", mb("PING") + b"*2\r\n$4\r\nECHO\r\n$3\r\nab"),
    ("mbulk header cr last byte waits", mb("PING") + b"*1\r"),
    ("mbulk nul in count waits", mb("PING") + b"*1\x00\r\n$4\r\nPING\r\n"),
    ("mbulk nul in bulk header waits", b"*1\r\n$\x004\r\nPING\r\n"),
    ("mbulk nul at header start waits", b"*1\r\n\x00\r\n"),
    ("mbulk big count waits", b"*2147483647\r\n$4\r\nPING\r\n"),
    ("mbulk count over old 1M limit", b"*1048577\r\n"),
    ("mbulk max bulk len waits", b"*1\r\n$536870912\r\n"),
    ("mbulk 40k arg", mb("ECHO", "y" * 40000)),
    ("mbulk 40k arg in pieces",
     [b"*2\r\n$4\r\nECHO\r\n$40000\r\n", b"z" * 20000, b"z" * 20000 + b"\r\n" + mb("PING")]),
    # -- multibulk errors -----------------------------------------------------------------
    ("err invalid multibulk length", b"*abc\r\n"),
    ("err multibulk empty count", b"*\r\n"),
    ("err multibulk plus sign", b"*+1\r\n"),
    ("err multibulk leading zero", b"*01\r\n"),
    ("err multibulk minus zero", b"*-0\r\n"),
    ("err multibulk over int max", b"*2147483648\r\n"),
    ("err multibulk 20 digits", b"*99999999999999999999\r\n"),
    ("err multibulk space", b"*1 \r\n"),
    ("err too big mbulk count string", b"*" + NO_CR),
    ("mbulk 64k count line waits", b"*" + NO_CR[1:]),
    ("mbulk count cr as byte 65537", b"*" + NO_CR[1:] + b"\r\n"),
    ("err too big mbulk nul hides cr", b"*1\x00" + b"\r\n" * 32767),
    ("err expected dollar", b"*1\r\n%4\r\n"),
    ("err expected dollar got star", b"*2\r\n$4\r\nECHO\r\n*1\r\n"),
    ("err expected dollar got cr", b"*1\r\n\r\n"),
    ("err expected dollar got lf", b"*1\r\n\n\r\n"),
    ("err expected dollar got high byte", b"*1\r\n\xff\r\n"),
    ("err expected dollar got quote", b"*1\r\n'\r\n"),
    ("err invalid bulk length letters", b"*1\r\n$x\r\n"),
    ("err invalid bulk length negative", b"*1\r\n$-1\r\n"),
    ("err invalid bulk length minus zero", b"*2\r\n$4\r\nECHO\r\n$-0\r\n"),
    ("err invalid bulk length empty", b"*2\r\n$4\r\nECHO\r\n$\r\n"),
    ("err invalid bulk length leading zero", b"*2\r\n$4\r\nECHO\r\n$00\r\n"),
    ("err invalid bulk length plus", b"*2\r\n$4\r\nECHO\r\n$+1\r\n"),
    ("err invalid bulk length space", b"*1\r\n$1 \r\n"),
    ("err invalid bulk length lf only", b"*1\r\n$4\n\r\n"),
    ("err invalid bulk length 20 digits", b"*1\r\n$99999999999999999999\r\n"),
    ("err invalid bulk length over proto max", b"*1\r\n$536870913\r\n"),
    ("err too big bulk count string", b"*1\r\n$" + NO_CR),
    ("err after replies", mb("SET", "a", "1") + b"PING\r\n" + b"*1\r\n$x\r\n"),
    ("err in second read", [mb("PING"), b"*1\r\n$-5\r\n"]),
    # -- inline ---------------------------------------------------------------------------
    ("inline ping", b"PING\r\n"),
    ("inline lf only", b"PING\n"),
    ("inline blank lines skipped", b"\r\n\n  \r\n\t\nPING\r\n\r\n"),
    ("inline cr cr lf", b"ECHO x\r\r\n"),
    ("inline spaces and tabs", b"   ECHO \t  x   \r\n"),
    ("inline vt ff kept in token", b"ECHO x\x0b\x0cy\n"),
    ("inline vt ff skipped between", b"\x0b\x0cECHO \x0b x\n"),
    ("inline double quotes", b'ECHO "hello world"\r\n'),
    ("inline escapes", b'ECHO "a\\nb\\r\\t\\b\\a\\\\\\"\\z"\n'),
    ("inline hex escapes", b'ECHO "\\x41\\x4a\\x4A\\xg0\\x4"\n'),
    ("inline empty quotes", b'ECHO ""\nECHO \'\'\n'),
    ("inline single quotes", b"ECHO 'a\\'b\\nc'\n"),
    ("inline quote mid token", b'ECHO a"b c"d\n'),
    ("inline quote then tab", b'ECHO "x"\ty\n'),
    ("inline quote then vt", b'ECHO "x"\x0b\n'),
    ("inline high bytes", b"ECHO \xa0\xff\n"),
    ("inline set get", b"SET k \"v v\"\r\nGET k\r\n"),
    ("inline no newline waits", b"PING"),
    ("inline nul hides newline", b"PING\n\x00PING\nPING\n"),
    ("err unbalanced double", b'ECHO "abc\n'),
    ("err unbalanced single", b"ECHO 'abc\n"),
    ("err closing quote then text", b'"a"b\n'),
    ("err closing single then text", b"ECHO 'a''b'\n"),
    ("err quotes back to back", b'ECHO """"\n'),
    ("err quote backslash end", b'ECHO "\\\n'),
    ("err single backslash end", b"ECHO 'a\\\\'\n"),
    ("err unbalanced after replies", b"PING\r\nECHO 'x\r\n"),
    ("err too big inline request", b"x" + NO_CR),
    ("inline 64k without newline waits", NO_CR),
    ("inline newline as byte 65537", NO_CR + b"\n"),
    ("err too big inline nul hides lf", b"PING\x00" + b"\n" * 65532),
    # -- mixed --------------------------------------------------------------------------------
    ("mixed inline and multibulk",
     b"PING\n" + mb("ECHO", "m") + b"ECHO i\r\n" + b"*0\r\n" + mb("PING") + b"\r\nECHO 'q'\n"),
    ("mixed across reads", [b"PI", b"NG\r\n*1\r", b"\n$4\r\nPING\r", b"\nECHO x", b"y\n"]),
]


_ELEVEN = ["ECHO"] + ["a"] * 10

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    (
        "unauthenticated multibulk length",
        [
            ["CONFIG", "SET", "requirepass", "pw"],
            ["@2", "RESET"],
            ["@2", *_ELEVEN],
            ["@1", "CONFIG", "SET", "requirepass", ""],
        ],
    ),
    (
        "unauthenticated ten args allowed",
        [
            ["CONFIG", "SET", "requirepass", "pw"],
            ["@2", "RESET"],
            ["@2", "ECHO", *(["a"] * 9)],
            ["@1", "CONFIG", "SET", "requirepass", ""],
        ],
    ),
    (
        "unauthenticated bulk length",
        [
            ["CONFIG", "SET", "requirepass", "pw"],
            ["@2", "RESET"],
            ["@2", "ECHO", "x" * 16384],
            ["@2", "ECHO", "x" * 16385],
            ["@1", "CONFIG", "SET", "requirepass", ""],
        ],
    ),
    (
        "authenticated lifts the limits",
        [
            ["CONFIG", "SET", "requirepass", "pw"],
            ["@2", "RESET"],
            ["@2", "AUTH", "pw"],
            ["@2", *_ELEVEN],
            ["@2", "ECHO", "x" * 16385],
            ["@1", "CONFIG", "SET", "requirepass", ""],
        ],
    ),
    (
        "query buffer limit not reached",
        [
            ["CONFIG", "SET", "client-query-buffer-limit", "1mb"],
            ["SET", "k", "x" * (1024 * 1024 - 2)],
            ["STRLEN", "k"],
            ["CONFIG", "SET", "client-query-buffer-limit", "1gb"],
        ],
    ),
    (
        "query buffer limit closes silently",
        [
            ["CONFIG", "SET", "client-query-buffer-limit", "1mb"],
            ["@2", "SET", "k", "x" * (1024 * 1024 - 1)],
            ["@1", "EXISTS", "k"],
            ["@1", "CONFIG", "SET", "client-query-buffer-limit", "1gb"],
        ],
    ),
]
