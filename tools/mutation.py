"""`make mutation`: the mutation score of the invariant suites over ``spec/`` (issue #6).

A mutant is ``spec/`` with one small semantic change (a comparison flipped, ``+`` made ``-``,
a constant moved by one, ``and`` made ``or``, a ``not`` dropped, a returned value replaced by
``None``, an ``if`` condition forced to ``True``/``False``, ``True`` made ``False``). A mutant
is *killed* when the suites mapped to its module fail (or time out: reported apart), and
*survives* when they still pass. The score is killed / run.

**The boundary class** (issue #22) is run in full, never sampled: the off-by-one and
wrong-constant bugs a reviewer looks for first. It is exactly

- ``cmp``: every comparison operator, replaced by its boundary neighbour (``<``↔``<=``,
  ``>``↔``>=``) or by its negation (``==``↔``!=``, ``is``↔``is not``, ``in``↔``not in``); one
  mutant per operator of a chained comparison. (Moving a compared integer constant by one,
  ``x < 256`` → ``x < 257``, is the same mutant as ``<`` → ``<=`` for integers, so it is not
  generated twice.)
- ``off1``: every ``±1``: ``e + 1``, ``1 + e`` and ``e - 1`` → ``e`` (the one dropped), and
  every other integer literal ``1`` → ``0`` and → ``2`` (so ``x += 1`` → ``x += 0`` / ``+= 2``,
  ``-1`` → ``-0`` / ``-2``, ``x[1]`` → ``x[0]`` / ``x[2]``, ``e + 1`` → ``e + 2``);
- ``bool``: every ``True`` ↔ ``False`` literal.

The other classes (``binop``, ``const`` — an integer literal other than 1 plus one —,
``boolop``, ``not``, ``neg``, ``return``, ``cond``) are sampled, ``--per-module`` per module.

**Cache.** Verdicts are kept per module content hash (sha256 of the module's source and of
this file's mutation rules) in ``~/.cache/redspec/mutation/`` (``--cache``); a *survived*
verdict is reused only while the test selection (its file names and sources, and the
plugin) is unchanged, so a re-run redoes changed modules, and survivors after tests change.

**The warm runner** (default; ``--runner old`` is the earlier one: a fresh ``pytest -x`` of
the module's whole selection per mutant, the mutant written into a private tree, ~7 s each).
Per test selection, up to ``--workers`` pytest processes each take a chunk of its mutants:

- *schemata*: the modules of the chunk are imported once, each mutated expression ``e``
  compiled as ``(<mutant K> if __mutant__ == K else e)`` (an ``if`` for a mutated statement;
  ``__mutant__`` is a builtin, 0 = none), the replacement being the very text the old runner
  writes, parsed in place of the same node (a test checks every mutant of a module computes
  the same through its switch as through its text). Why schemata rather than swapping code
  objects (``f.__code__ = ...``) in the child: ``spec/`` is full of ``from .x import f``
  copies, attrs classes (generated ``__init__``, converters, defaults), methods, nested
  functions and module-level constants; a switch read where the expression is evaluated is
  right for all of them at once, as long as the expression is evaluated after the switch is
  set. So:
- *import-time mutants* (a line that ran while the modules were imported and the tests
  collected: module-level constants, class bodies, defaults, functions called at import)
  cannot be switched afterwards: they run *cold*, a fresh ``pytest -x`` of the whole
  selection with ``__mutant__`` set before anything is imported (the old runner's verdict).
- *per-line test selection*: one run of the unmutated selection under coverage (a forked
  child, one dynamic context per test) records which tests execute each line; a mutant runs
  only the tests executing a line of its expression (none: **not covered**, reported as a
  survivor with that detail), tests that killed an earlier mutant of the module first, then
  the cheapest; tests that fail unmutated are left out (reported as the baseline).
- *one forked child per mutant*: the child sets ``__mutant__`` and runs its tests in-process
  (``runtestprotocol``); exit status 1 (a test failed: killed, the killer named), 0
  (survived); the parent kills the child's process group at the mutant's deadline (its tests'
  coverage-run time × ``--timeout-factor``, at least ``--min-timeout``) or the running test's
  own (at least ``--min-test``): *timeout*. The parent never runs a test, so every child
  starts from the same freshly collected state, as a new pytest process would.

The verdicts equal the old runner's (issue 22: all 366 mutants of the last campaign, rerun
with ``--rev``); what can differ in principle is a test that fails without executing the
mutated line (state leaking between tests), which the pure spec does not have.

Why a small AST mutator of our own rather than mutmut 3.8 or cosmic-ray 8.7:

- isolation: other engineers edit /work/main all the time, so mutants are applied to private
  copies of ``git archive HEAD`` (one per worker) reached through a shim package put first on
  ``PYTHONPATH`` (``redspec.spec`` → the copy, ahead of the venv's editable finder). mutmut 3
  rewrites the project into its own ``mutants/`` layout with trampolines, which does not fit
  the ``redspec.*`` package-dir mapping; cosmic-ray needs a session database, a config and its
  own worker model, and would add a dependency to the shared venv.
- sampling: a fixed number of mutants per module, seeded, each run against only its module's
  mapped tests. Here that is a few lines; with either library it is glue around their drivers.
- what not to mutate: docstrings, annotations, decorators, ``if TYPE_CHECKING`` blocks and
  every string (error texts are checked letter by letter only by the differential tests,
  which need a real Redis; mutating them would only measure that the suites do not start
  servers). Calls to ``Err(...)`` are skipped entirely for the same reason.

Mutation runs use the Hypothesis profile ``mutation`` (derandomized, no database, no
shrinking: finding the failure is the point) so the same mutant gets the same verdict every
run, with a quarter of each test's examples (``REDSPEC_MUTATION_EXAMPLES``, at least 5); planted-bug tests (``test_planted_*``, which break the spec on purpose) and tests that
need a real server (the differential fixtures) are deselected.

Usage: ``python tools/mutation.py [--modules spec/glob.py,...] [--per-module N] [--seed S]
[--boundary-only] [--cache DIR] [--json FILE] [--workers 2] [--list] [--rerun FILE]
[--runner warm|old] [--rev COMMIT]``; ``--rerun`` runs again only the
survivors recorded in an earlier ``--json`` file (after properties were added) and reports
the earlier run with their new verdicts.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import ctypes
import fcntl
import hashlib
import importlib.abc
import importlib.machinery
import json
import os
import queue
import random
import select as _select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

ROOT = Path(__file__).resolve().parent.parent

# -- which tests exercise which module ---------------------------------------------------------

#: Test files per mechanism (names of properties/registry.py MECHANISMS), fast unit tests first
#: (``pytest -x`` stops at the first failure, so cheap killers should run first).
MECHANISM_TESTS: dict[str, list[str]] = {
    "resp": ["tests/test_resp.py", "properties/test_resp.py", "properties/test_reply.py",
             "properties/test_boundary_resp.py"],
    "keyspace": ["tests/test_keys.py", "tests/test_strings.py",
                 "properties/test_keyspace_commands.py",
                 "properties/test_keyspace_machine.py", "properties/test_strings_machine.py"],
    "expire": ["tests/test_expire.py", "properties/test_timed_boundaries.py",
               "properties/test_boundary_gaps.py", "properties/test_mutation_gaps.py",
               "properties/test_expire_machine.py"],
    "clients": ["tests/test_clients.py", "properties/test_clients_machine.py"],
    # call() propagates: the transactions machine checks the propagated stream
    # the OOM gate: targeted check in test_mutation_gaps, the eviction machine drives it
    "dispatch": ["tests/test_dispatch.py", "properties/test_dispatch_counters.py",
                 "properties/test_mutation_gaps.py",
                 "properties/test_keyspace_machine.py", "properties/test_multi_machine.py",
                 "properties/test_eviction_machine.py"],
    "eviction": ["tests/test_evict_sampling.py", "properties/test_eviction_machine.py"],
    "transactions": ["tests/test_multi.py", "properties/test_multi_unwatch.py",
                     "properties/test_boundary_gaps.py", "properties/test_multi_machine.py"],
    "pubsub": ["tests/test_pubsub.py", "properties/test_pubsub_context.py",
               "properties/test_mutation_gaps.py",
               "properties/test_pubsub_machine.py"],
    "rehash": ["tests/test_scan.py", "properties/test_mutation_gaps.py",
               "properties/test_dict_machine.py"],
    "rdb": ["tests/test_rdb.py", "properties/test_rdb_machine.py"],
}

#: Per type: the unit tests and the type's state machine (mechanism "types").
_TYPE_TESTS: dict[str, list[str]] = {
    t: [f"tests/test_{t}.py", f"properties/test_{t}_machine.py"]
    for t in ("lists", "hashes", "sets", "zsets", "geo", "hll", "bitmaps")
}
_TYPE_TESTS["lists"].insert(1, "properties/test_list_ranges.py")
_TYPE_TESTS["hashes"].insert(1, "properties/test_type_options.py")
_TYPE_TESTS["zsets"].insert(1, "properties/test_type_options.py")
for _t in ("lists", "hashes", "sets", "geo", "hll"):  # targeted checks of earlier survivors
    _TYPE_TESTS[_t].insert(1, "properties/test_mutation_gaps.py")

#: spec module → (mechanism, test files).
MODULES: dict[str, tuple[str, list[str]]] = {
    "spec/resp.py": ("resp", MECHANISM_TESTS["resp"]),
    "spec/reply.py": ("resp", MECHANISM_TESTS["resp"]),
    # Step and DbView are every command's working copy: DbView.key_is_expired (keyIsExpired)
    # and the expiry boundary; the client switch of an event-loop turn, FLUSH/SWAPDB waking
    # blocked clients and touching watched keys (blocking, multi, clients unit tests)
    "spec/step.py": ("keyspace", ["tests/test_keys.py", "tests/test_strings.py",
                                  "tests/test_expire.py", "tests/test_blocking.py",
                                  "tests/test_multi.py", "tests/test_clients.py",
                                  "properties/test_timed_boundaries.py",
                                  "properties/test_dispatch_counters.py",
                                  "properties/test_batch_input.py",
                                  "properties/test_boundary_gaps.py",
                                  *MECHANISM_TESTS["keyspace"][2:]]),
    # DbView: lookups and passive expiry (keyIsExpired), LRU/LFU touch, memory accounting,
    # the dict steps mirrored for SCAN/rehash, waking blocked clients (signalKeyAsReady)
    "spec/db.py": ("keyspace", ["tests/test_keys.py", "tests/test_strings.py",
                                "tests/test_expire.py", "tests/test_blocking.py",
                                "tests/test_multi.py", "tests/test_scan.py",
                                "tests/test_evict_sampling.py",
                                "properties/test_timed_boundaries.py",
                                "properties/test_boundary_gaps.py",
                                *MECHANISM_TESTS["keyspace"][2:],
                                "properties/test_dict_machine.py",
                                "properties/test_eviction_machine.py"]),
    "spec/glob.py": ("keyspace", ["tests/test_glob.py", "properties/test_keyspace_machine.py"]),
    "spec/commands/keys.py": ("keyspace", MECHANISM_TESTS["keyspace"]),
    "spec/commands/strings.py": ("keyspace", ["tests/test_strings.py",
                                              "properties/test_keyspace_commands.py",
                                              "properties/test_string_encoding.py",
                                              "properties/test_strings_machine.py"]),
    "spec/types/string.py": ("keyspace", ["tests/test_strings.py",
                                          "properties/test_mutation_gaps.py",
                                          "properties/test_string_encoding.py",
                                          "properties/test_strings_machine.py"]),
    "spec/expire.py": ("expire", MECHANISM_TESTS["expire"]),
    "spec/commands/expire.py": ("expire", MECHANISM_TESTS["expire"]),
    "spec/clients.py": ("clients", MECHANISM_TESTS["clients"]),
    "spec/commands/clients.py": ("clients", MECHANISM_TESTS["clients"]),
    "spec/dispatch.py": ("dispatch", MECHANISM_TESTS["dispatch"]),
    "spec/evict.py": ("eviction", MECHANISM_TESTS["eviction"]),
    "spec/lru.py": ("eviction", MECHANISM_TESTS["eviction"]),
    "spec/multi.py": ("transactions", MECHANISM_TESTS["transactions"]),
    "spec/watch.py": ("transactions", MECHANISM_TESTS["transactions"]),
    "spec/commands/transactions.py": ("transactions", MECHANISM_TESTS["transactions"]),
    "spec/pubsub.py": ("pubsub", MECHANISM_TESTS["pubsub"]),
    "spec/commands/pubsub.py": ("pubsub", MECHANISM_TESTS["pubsub"]),
    "spec/dict.py": ("rehash", MECHANISM_TESTS["rehash"]),
    "spec/commands/lists.py": ("types", _TYPE_TESTS["lists"]),
    "spec/types/list.py": ("types", _TYPE_TESTS["lists"]),
    "spec/commands/hashes.py": ("types", _TYPE_TESTS["hashes"]),
    "spec/types/hash.py": ("types", _TYPE_TESTS["hashes"]),
    "spec/commands/sets.py": ("types", _TYPE_TESTS["sets"]),
    "spec/types/set.py": ("types", _TYPE_TESTS["sets"]),
    "spec/commands/zsets.py": ("types", _TYPE_TESTS["zsets"]),
    "spec/types/zset.py": ("types", _TYPE_TESTS["zsets"]),
    "spec/commands/geo.py": ("types", _TYPE_TESTS["geo"]),
    "spec/types/geohash.py": ("types", _TYPE_TESTS["geo"]),
    "spec/commands/hyperloglog.py": ("types", _TYPE_TESTS["hll"]),
    "spec/types/hll.py": ("types", _TYPE_TESTS["hll"]),
    "spec/commands/bitmaps.py": ("types", _TYPE_TESTS["bitmaps"]),
    "spec/lzf.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/rdbcodec.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/rdb.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/persist.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/digest.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/commands/dump.py": ("rdb", MECHANISM_TESTS["rdb"]),
    "spec/rdbstream.py": ("rdb", ["tests/test_rdb_streams.py", "properties/test_rdb_machine.py"]),
    "spec/commands/streams.py": ("streams", ["tests/test_streams.py",
                                             "properties/test_streams_machine.py"]),
    "spec/types/stream.py": ("streams", ["tests/test_streams.py",
                                         "properties/test_streams_machine.py"]),
}
MECHANISM_TESTS["scripting"] = ["tests/test_scripting.py", "properties/test_scripting_props.py"]
MODULES["spec/scripting.py"] = ("scripting", MECHANISM_TESTS["scripting"])
# issue #22: blocking operations (BLPOP & co: the queues, serving, timeouts) and CLIENT PAUSE
# (mechanism "clients", as properties/test_blocking_machine.py declares)
MECHANISM_TESTS["blocking"] = ["tests/test_blocking.py", "properties/test_timed_boundaries.py",
                               "properties/test_blocking_machine.py"]
MODULES["spec/blocking.py"] = ("clients", MECHANISM_TESTS["blocking"])
MODULES["spec/handle_blocked.py"] = ("clients", MECHANISM_TESTS["blocking"])
MODULES["spec/pause.py"] = ("clients", ["tests/test_pause_dataset.py",
                                        "properties/test_timed_boundaries.py",
                                        "properties/test_boundary_gaps.py",
                                        "properties/test_boundary_pause.py",
                                        "properties/test_pause_expire_machine.py",
                                        # WAIT's GETACK asks clients_paused with no pause
                                        "tests/test_replication.py",
                                        "properties/test_failover_world.py"])
# issue #19: ACL (users, selectors, the NOPERM gate, ACL LOG; mechanism 24, as
# properties/test_acl_props.py declares)
MECHANISM_TESTS["acl"] = ["tests/test_acl.py", "properties/test_acl_props.py"]
MODULES["spec/acl.py"] = ("commandpath", MECHANISM_TESTS["acl"])
MODULES["spec/commands/acl.py"] = ("commandpath", MECHANISM_TESTS["acl"])
# issue #17: loading the AOF at start (mechanism "loading"): the stream reader and the loader
MECHANISM_TESTS["aofload"] = ["tests/test_aof_load.py", "properties/test_aof_load_props.py"]
MODULES["spec/aofstream.py"] = ("loading", MECHANISM_TESTS["aofload"])
MODULES["spec/aofload.py"] = ("loading", MECHANISM_TESTS["aofload"])
# issue #18: the replication backlog (mechanism "psync", as properties/test_backlog_props.py declares)
MODULES["spec/backlog.py"] = ("psync", ["tests/test_backlog.py",
                                        "properties/test_backlog_props.py"])
# issue #19: MIGRATE on a standalone server (mechanism "ask", as properties/test_migrate_props.py
# declares): the connection cache and the command
MECHANISM_TESTS["migrate"] = ["tests/test_migrate.py", "properties/test_migrate_props.py"]
MODULES["spec/migrate.py"] = ("ask", MECHANISM_TESTS["migrate"])
MODULES["spec/commands/cluster.py"] = ("ask", MECHANISM_TESTS["migrate"])
# issue #22: spec.dict is every keyspace's table (dictFind/dictAdd steps, expand, shrink): with
# per-line selection (the warm runner) a broad selection costs a killed mutant nothing, so it
# also runs DbView's (the keyspace suites drive the dicts the rehash tests only sample)
MODULES["spec/dict.py"] = ("rehash", [*MECHANISM_TESTS["rehash"],
                                      *(t for t in MODULES["spec/db.py"][1]
                                        if t not in MECHANISM_TESTS["rehash"]),
                                      "properties/test_boundary_gapdict.py"])
# ... and eviction's (the pool, the OOM gate, LRU/LFU words) also the other suites that set
# maxmemory or read the words: the OOM gate checks, CLIENT PAUSE with eviction, CONFIG
_EVICTION_WIDE = [*MECHANISM_TESTS["eviction"], "properties/test_mutation_gaps.py",
                  "tests/test_config.py", "tests/test_pause_dataset.py",
                  "properties/test_pause_expire_machine.py"]
_EVICTION_WIDE += [t for t in MODULES["spec/db.py"][1] if t not in _EVICTION_WIDE]
_EVICTION_WIDE.append("properties/test_boundary_gapevict.py")  # issue 22: evict/lru boundaries
MODULES["spec/evict.py"] = ("eviction", _EVICTION_WIDE)
MODULES["spec/lru.py"] = ("eviction", _EVICTION_WIDE)
# ... and blocking's also the suites that block (streams, lists, the batch input machine,
# the boundary checks, transactions and client kills unblocking)
_BLOCKING_WIDE = [*MECHANISM_TESTS["blocking"], "tests/test_streams.py", "tests/test_lists.py",
                  "tests/test_zsets.py", "tests/test_multi.py", "tests/test_clients.py",
                  "tests/test_slowlog.py", "properties/test_boundary_gaps.py",
                  "properties/test_batch_input.py", "properties/test_streams_machine.py",
                  "properties/test_lists_machine.py", "properties/test_boundary_gapblock.py"]
MODULES["spec/blocking.py"] = ("clients", _BLOCKING_WIDE)
MODULES["spec/handle_blocked.py"] = ("clients", _BLOCKING_WIDE)
# ... and the targeted checks of db.py's, expire.py's, step.py's, glob.py's and
# commands/keys.py's survivors (rehash steps at index 0, KEYS's expires finds and order, the
# active cycle's TTL in hand, replica expiry, AOF feed, C int limits, glob edges)
for _m in ("spec/db.py", "spec/expire.py", "spec/step.py", "spec/glob.py",
           "spec/commands/keys.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_gapkeys.py"])

# issue #22: every module of spec/ has a selection ("every comparison operator ... in spec/").
# Only tests that run the spec in-process can kill a mutant (a server started as a subprocess
# imports the unmutated modules); the per-line selection leaves the others out of a mutant's
# run, and they cost only the selection's one coverage run.
_T = "tests/test_{}.py".format
_P = "properties/test_{}.py".format
_TYPECHOICE = [_T("advise"), _T("cost"), _T("advise_patterns"), _P("typechoice"),
               _P("typechoice_patterns")]
_AOF = [_T("aof"), _T("aof_tla"), _P("aof_props")]
_AOFLOAD = [*MECHANISM_TESTS["aofload"], _T("debug_loadaof"), _P("aof_props")]
_REPL = [_T("replication"), _T("backlog"), _T("psync_tla"), _P("repl_world"),
         _P("backlog_props"), _P("failover_world")]
_TABLE = [_T("dispatch"), _T("introspection"), _P("dispatch_counters")]
_TRANSPORT = [_T("transport"), _P("transport_machine"), _P("reply_in_exec"), _P("batch_input")]
_EVENTLOOP = [_P("eventloop_machine"), _T("transport"), _T("loading"), _T("idle_timeout"),
              _P("timed_boundaries"), _P("pause_expire_machine"), _P("idle_timeout_props")]
_VALUES = [_T("keys"), _T("lists"), _T("hashes"), _T("sets"), _T("zsets"), _T("rdb"),
           _P("string_encoding"), _P("mutation_gaps")]
_WHOLE_SERVER = [_T("clients"), _T("dispatch"), _T("keys"), _T("config"), _T("transport"),
                 _T("bgsave"), _T("introspection"), _P("eventloop_machine"), _P("batch_input"),
                 _P("keyspace_machine")]
MODULES.update({
    "spec/advise.py": ("typechoice", _TYPECHOICE),
    "spec/cost.py": ("typechoice", _TYPECHOICE),
    "spec/patterns.py": ("typechoice", _TYPECHOICE),
    "spec/aof.py": ("aof", _AOF),
    "spec/aoffeed.py": ("aof", _AOF),
    "spec/aofrewrite.py": ("aof", [_T("aof_rewrite"), _P("aof_rewrite_props"), *_AOF]),
    "spec/aofmanifest.py": ("loading", _AOFLOAD),
    "spec/loading.py": ("loading", [_T("loading"), _P("rdb_machine"), _T("replication")]),
    "spec/startup.py": ("loading", [_T("loading"), _T("replication"), _T("config")]),
    "spec/commands/blocking.py": ("clients", _BLOCKING_WIDE),
    "spec/commands/caching.py": ("clients", [_T("tracking"), _T("clients")]),
    "spec/tracking.py": ("clients", [_T("tracking"), _T("clients")]),
    "spec/lazyfree.py": ("keyspace", [_T("lazyfree")]),
    "spec/rax.py": ("streams", [_T("lazyfree"), _T("streams")]),
    "spec/commands/connection.py": ("clients", [_T("clients"), _T("acl"), _T("resp"),
                                                _T("dispatch")]),
    "spec/commands/debug.py": ("commandpath", [_T("debug_loadaof"), _T("debug_commands"),
                                               _T("debug_lists"), _T("keys"), _T("scan")]),
    "spec/commands/diagnostics.py": ("commandpath", [_T("latency"), _T("slowlog"),
                                                     _T("evict_sampling"), _T("keys")]),
    "spec/latency.py": ("commandpath", [_T("latency")]),
    "spec/slowlog.py": ("commandpath", [_T("slowlog"), _T("dispatch")]),
    "spec/commands/failover.py": ("failover", [_P("failover_world"), *_REPL]),
    "spec/failover.py": ("failover", [_P("failover_world"), *_REPL]),
    "spec/commands/introspection.py": ("dispatch", _TABLE),
    "spec/commands/registry.py": ("dispatch", _TABLE),
    "spec/commands/summaries.py": ("dispatch", _TABLE),
    "spec/commands/modules.py": ("dispatch", _TABLE),
    "spec/table.py": ("dispatch", _TABLE),
    "spec/errors.py": ("dispatch", [*_TABLE, _P("keyspace_machine")]),
    "spec/commands/lolwut.py": ("commandpath", [_T("lolwut")]),
    "spec/commands/object.py": ("types", [_T("keys"), _T("strings"), _T("evict_sampling"),
                                          _P("boundary_gaps"), _P("typechoice")]),
    "spec/commands/replication.py": ("psync", _REPL),
    "spec/replication.py": ("psync", _REPL),
    "spec/replica.py": ("psync", _REPL),
    "spec/replfeed.py": ("psync", _REPL),
    "spec/replnet.py": ("psync", _REPL),
    "spec/commands/scan.py": ("rehash", [_T("scan"), _P("dict_machine"), _P("value_dict_machine")]),
    "spec/rehash.py": ("rehash", [_T("scan"), _P("dict_machine"), _T("dict_order_interop"),
                                  _P("boundary_mcore")]),
    "spec/types/valuedict.py": ("rehash", [_T("valuedict"), _P("value_dict_machine"),
                                           _P("boundary_gaps")]),
    "spec/commands/server.py": ("commandpath", _WHOLE_SERVER),
    # issue 22 (mcore): freeClient's replication part, the tracking cron, a busy script's
    # port (their suites) and the boundary checks
    "spec/server.py": ("commandpath", [*_WHOLE_SERVER, _T("replication"), _T("tracking"),
                                       _T("script_busy"), _P("boundary_repl"),
                                       _P("boundary_mcore")]),
    # issue 22 (mcore): the state's first values and constants (AOF states, replication
    # link states) are read by the AOF and replication suites; fresh INFO in boundary_mcore
    "spec/state.py": ("keyspace", [*_WHOLE_SERVER, _T("aof"), _P("boundary_repl"),
                                   _P("boundary_mcore"), _T("replication"),
                                   _P("failover_world"), _T("debug_lists")]),
    "spec/info.py": ("commandpath", [_T("introspection"), _T("clients"), _T("latency"),
                                     _T("bgsave"), _T("replication"), _T("aof")]),
    "spec/commands/sort.py": ("types", [_T("sort")]),
    "spec/pqsort.py": ("types", [_T("sort"), _T("geo")]),
    "spec/commands/transport.py": ("pipelining", [*_TRANSPORT, _P("boundary_mcore")]),
    "spec/transport.py": ("pipelining", [*_TRANSPORT, _P("boundary_mcore")]),
    "spec/obuf.py": ("pipelining", [*_TRANSPORT, _T("pubsub"), _T("clients"),
                                    _P("boundary_mcore")]),
    # the master link's bytes applied per command: the replication suites drive it
    "spec/networking.py": ("resp", [*MECHANISM_TESTS["resp"], *_TRANSPORT, *_REPL]),
    "spec/frames.py": ("resp", MECHANISM_TESTS["resp"]),
    "spec/config.py": ("commandpath", [_T("config"), _T("config_rewrite")]),
    "spec/configfile.py": ("commandpath", [_T("config_rewrite"), _T("config")]),
    "spec/protected.py": ("commandpath", [_T("config"), _T("dropin")]),
    "spec/listen.py": ("eventloop", [_T("config")]),
    # issue 22 (mcore): the cron's AOF and replication parts (rewrite children, a replica
    # waiting for the snapshot, FAILOVER's 100 ms period) and the boundary checks
    "spec/cron.py": ("eventloop", [*_EVENTLOOP, _T("expire"), _T("bgsave"), _P("bgsave_props"),
                                   _T("aof"), _P("aof_props"), _T("replication"),
                                   _P("boundary_repl"), _P("failover_world"),
                                   _P("boundary_mcore")]),
    # issue 22 (mcore): beforeSleep's AOF flush and replication part (the AOF world and the
    # replication suites drive event_loop_turn), the boundary checks
    "spec/eventloop.py": ("eventloop", [*_EVENTLOOP, _T("aof"), _T("replication"),
                                        _P("boundary_repl"), _P("failover_world"),
                                        _P("boundary_mcore")]),
    "spec/effects.py": ("eventloop", [*_EVENTLOOP, _T("bgsave"), _P("boundary_mcore")]),
    "spec/crc64.py": ("rdb", [_T("crc64"), _T("rdb")]),
    "spec/functions.py": ("scripting", [*MECHANISM_TESTS["scripting"], _T("functions")]),
    "spec/cstr.py": ("keyspace", [_T("strings"), _T("keys"), _T("dispatch"), _T("bitmaps"),
                                  _P("boundary_mcore")]),
    "spec/longdouble.py": ("keyspace", [_T("strings"), _P("strings_machine")]),
    "spec/numbers.py": ("keyspace", [_T("strings"), _T("keys"), _P("boundary_gaps"),
                                     _T("aof_load")]),
    "spec/memory.py": ("eviction", [_T("evict_sampling"), _P("eviction_machine"),
                                    _P("boundary_gaps"), _T("keys")]),
    "spec/listpack.py": ("types", [_T("debug_lists"), _T("lists"), _T("hashes"), _T("zsets")]),
    "spec/values.py": ("types", [*_VALUES, _P("boundary_mcore")]),
    "spec/migratenet.py": ("ask", MECHANISM_TESTS["migrate"]),
    # machinery, not Redis rules: the layer table (tests/test_layers.py checks it) and packages
    "spec/layers.py": ("commandpath", [_T("layers")]),
    "spec/lualibs/__init__.py": ("scripting", [_T("lualibs"), *MECHANISM_TESTS["scripting"]]),
    "spec/commands/__init__.py": ("dispatch", _TABLE),
})
# issue 22 (gapcli): the idle-timeout suites (clientsCron) and the boundary checks of the
# clients/pubsub survivors (MONITOR's type and flag, sub counts, reply nodes, KILL filters,
# PUNSUBSCRIBE all, PUBSUB CHANNELS)
for _m in ("spec/clients.py", "spec/commands/clients.py", "spec/pubsub.py",
           "spec/commands/pubsub.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], _T("idle_timeout"), _P("idle_timeout_props"),
                                    "properties/test_boundary_gapcli.py"])
# issue 22 (gapdisp): dispatch's gates are driven by their mechanisms' suites (ACL, loading,
# MISCONF/AOF errors, replication, BUSY, Pub/Sub context, pause, tracking, latency, slowlog,
# the command-path explorer) and its boundaries by properties/test_boundary_gapdisp.py
MODULES["spec/dispatch.py"] = (MODULES["spec/dispatch.py"][0], [*MODULES["spec/dispatch.py"][1], *(_T(t) for t in ("acl", "loading", "bgsave", "aof", "replication", "script_busy", "scripting", "pause_dataset", "tracking", "latency", "slowlog", "transport", "clients")), *(_P(t) for t in ("acl_props", "pubsub_context", "reply_in_exec", "commandpath_model", "boundary_gapblock", "boundary_gapdisp"))])
MODULES["spec/table.py"] = (MODULES["spec/table.py"][0], [*MODULES["spec/table.py"][1], _T("advise"), _P("boundary_gapdisp")])  # is_write: the advisor; COMMAND DOCS
#: The two package markers left unmapped hold no rule: ``spec/__init__.py`` (a docstring) and
#: ``spec/types/__init__.py`` (one line); tests/test_mutation_tool.py checks nothing else is.
UNMAPPED = {"spec/__init__.py", "spec/types/__init__.py"}
# issue #22: the boundaries of busy-reply-threshold and of MIGRATE's connection cache
MODULES["spec/scripting.py"] = ("scripting", [*MECHANISM_TESTS["scripting"],
                                              "properties/test_timed_boundaries_more.py"])
MODULES["spec/migrate.py"] = ("ask", [*MECHANISM_TESTS["migrate"],
                                      "properties/test_timed_boundaries_more.py"])
# ... and lazy free where it is decided (UNLINK/DEL, dbDelete and overwrites, expiry,
# eviction, the flushes and the tracking table, SCRIPT/FUNCTION FLUSH, a replica's flush)
for _m in ("spec/db.py", "spec/commands/keys.py", "spec/evict.py", "spec/commands/expire.py",
           "spec/tracking.py", "spec/scripting.py", "spec/functions.py", "spec/persist.py",
           "spec/replica.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "tests/test_lazyfree.py"])
# ... and the timed rules of replication, AOF and FAILOVER (repl-timeout both sides, the
# backlog's TTL, the diskless delay, everysec fsync and postponed flushes, FAILOVER TIMEOUT)
for _m in ("spec/replica.py", "spec/replication.py", "spec/aof.py", "spec/failover.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_timed_boundaries_more.py"])
# ... and the targeted checks of commands/strings.py's and types/string.py's survivors
# (dirty counts, events, INCR's in-place rule, range ends, LCS limits, the embstr limit)
for _m in ("spec/commands/strings.py", "spec/types/string.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_gapstr.py"])
# ... and the boundary checks of ACL, CONFIG and protected mode (users, selectors, the
# permission check, ACL LOG, ACL LOAD/SAVE, config-file users; CONFIG's parsing and bounds)
for _m in ("spec/acl.py", "spec/commands/acl.py", "spec/config.py", "spec/configfile.py",
           "spec/protected.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_confacl.py"])
# ... and the boundary checks of the sorted set value and commands and of SORT (zsets)
for _m in ("spec/types/zset.py", "spec/commands/zsets.py", "spec/pqsort.py", "spec/commands/sort.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_zsets.py"])
# ... and the collections' (colls): value dicts' rehash steps, list/set/hash encodings and
# counts, SCAN cursors
for _m in ("spec/types/valuedict.py", "spec/types/list.py", "spec/types/set.py", "spec/types/hash.py", "spec/commands/lists.py", "spec/commands/sets.py", "spec/commands/hashes.py", "spec/commands/scan.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_colls.py"])
# issue 22 (repl): the boundary checks of the replication modules' survivors (REPLCONF, PSYNC's
# log lines, rdb-only replicas, the second id, WAIT, INFO's failover state, ...)
for _m in ("spec/replfeed.py", "spec/replication.py", "spec/replica.py", "spec/replnet.py", "spec/failover.py", "spec/commands/replication.py", "spec/commands/failover.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_repl.py"])
# ... and the fifth round's (mrepl): the replica's handshake and load, WAIT, the cron's
# pings, the pending fork, the good replicas, the blocks each replica keeps
for _m in ("spec/replfeed.py", "spec/replication.py", "spec/replica.py", "spec/replnet.py",
           "spec/commands/replication.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mrepl.py"])
# ... and the targeted checks of the stream modules' survivors (ID parsing edges, node limits,
# group counters, trimming, XREADGROUP/XCLAIM/XAUTOCLAIM/XPENDING edges)
for _m in ("spec/types/stream.py", "spec/commands/streams.py", "spec/commands/blocking.py",
           "spec/listpack.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_streams.py"])
# ... and those of the stream commands, the blocking commands and the listpack sizes (mstreams)
for _m in ("spec/commands/streams.py", "spec/commands/blocking.py", "spec/listpack.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mstreams.py"])
# ... and those of the bitmap, HyperLogLog and GEO modules (bitgeo)
for _m in ("spec/commands/bitmaps.py", "spec/types/hll.py", "spec/commands/hyperloglog.py",
           "spec/types/geohash.py", "spec/commands/geo.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_bitgeo.py"])
# ... and the GEO survivors the fourth round left open: exact float edges of the nine cells,
# a cell's score range, the COUNT ANY stop and the COUNT sort window (geo)
for _m in ("spec/types/geohash.py", "spec/commands/geo.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_geo.py"])
# issue 22 (rdb): the boundary checks of the RDB modules' survivors (LZF against liblzf, ...)
for _m in ("spec/lzf.py", "spec/crc64.py", "spec/rdbcodec.py", "spec/rdb.py", "spec/rdbstream.py", "spec/loading.py", "spec/commands/dump.py", "spec/digest.py", "spec/startup.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_rdb.py"])
# issue 22 (mload): the boundary checks of the dump and loading modules' survivors; DUMP's
# module also holds SAVE, BGSAVE, LASTSAVE and SHUTDOWN, whose 7.0.15 replies tests/test_bgsave.py
# checks
for _m in ("spec/commands/dump.py", "spec/loading.py", "spec/rdbstream.py", "spec/digest.py",
           "spec/startup.py", "spec/rdb.py", "spec/rdbcodec.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mload.py"])
MODULES["spec/commands/dump.py"] = (MODULES["spec/commands/dump.py"][0],
                                    [*MODULES["spec/commands/dump.py"][1], "tests/test_bgsave.py"])
# issue 22 (aofscript): the boundary checks of the AOF and scripting modules' survivors
for _m in ("spec/aofmanifest.py", "spec/aof.py", "spec/aofload.py", "spec/aofstream.py", "spec/aoffeed.py", "spec/aofrewrite.py", "spec/persist.py", "spec/scripting.py", "spec/functions.py", "spec/lualibs/__init__.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_aofscript.py"])
# issue 22 (mclient): the boundary checks of client-side caching (who is told what, CLIENT
# TRACKING's options and prefixes, BCAST, flushes) and of the client modules after it
for _m in ("spec/tracking.py", "spec/commands/caching.py", "spec/commands/connection.py",
           "spec/longdouble.py", "spec/failover.py", "spec/migrate.py", "spec/migratenet.py",
           "spec/commands/cluster.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mclient.py"])
# issue 22 (maof): persist.py's own suites (BGSAVE and SAVE, the save points, MISCONF, INFO
# persistence, SHUTDOWN: tests/test_bgsave.py and its properties) were not in its selection
MODULES["spec/persist.py"] = (MODULES["spec/persist.py"][0],
                              [*MODULES["spec/persist.py"][1], _T("bgsave"), _P("bgsave_props")])
# ... and the boundary checks of the persistence and AOF modules' survivors (maof)
for _m in ("spec/persist.py", "spec/aofload.py", "spec/aofstream.py", "spec/aoffeed.py",
           "spec/aofrewrite.py", "spec/aof.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_maof.py"])
# issue 22 (mintro): the boundary checks of the memory model's and the introspection modules'
# survivors (MEMORY USAGE at size-class and encoding edges, INFO, OBJECT, SLOWLOG, LATENCY, ...)
for _m in ("spec/memory.py", "spec/info.py", "spec/commands/object.py", "spec/slowlog.py",
           "spec/latency.py", "spec/commands/diagnostics.py", "spec/commands/introspection.py",
           "spec/commands/server.py", "spec/commands/debug.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mintro.py"])
# ... and the scripting modules' (mscript): conversions, flags, gates, the busy script's hook
for _m in ("spec/scripting.py", "spec/functions.py", "spec/lualibs/__init__.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], "properties/test_boundary_mscript.py"])
# (and dispatch's: its READONLY/MASTERDOWN gates read a script's flags, getCommandFlags)
MODULES["spec/dispatch.py"] = (MODULES["spec/dispatch.py"][0],
                               [*MODULES["spec/dispatch.py"][1], "properties/test_boundary_mscript.py"])
# ... and the type-choice advisor's (madvise): conversion limits and presizes as 7.0.15 applies
# them, what each command is priced with, the candidates, verdicts and ranking
MODULES["spec/advise.py"] = (MODULES["spec/advise.py"][0],
                             [*MODULES["spec/advise.py"][1], _P("boundary_madvise")])
# ... and the config table's (mconfig): every parameter's default, range, mutability and
# visibility against 7.0.15's, CONFIG SET's redaction of sensitive values
MODULES["spec/config.py"] = (MODULES["spec/config.py"][0],
                             [*MODULES["spec/config.py"][1], _P("boundary_mconfig")])

# -- mutants ----------------------------------------------------------------------------------

_CMP_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_BIN_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult, ast.Mod: ast.FloorDiv, ast.LShift: ast.RShift, ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitOr, ast.Pow: ast.Mult,
}
#: Calls whose arguments are reply texts (checked only by the differential tests).
_SKIP_CALLS = {"Err", "Status", "invalid_expire", "wrong_arity"}


@dataclass
class Mutant:
    """One mutation: the module, where, what, and the mutated source text."""

    module: str  # path relative to the tree root, e.g. "spec/glob.py"
    line: int
    col: int
    operator: str  # "cmp", "binop", "const", "boolop", "not", "neg", "return", "cond", "bool"
    description: str  # e.g. "`a < b` -> `a <= b`"
    source: str = field(repr=False, default="")

    @property
    def ident(self) -> str:
        return f"{self.module}:{self.line}:{self.col}:{self.operator}:{self.description}"


def _segment_replace(lines: list[str], node: ast.AST, text: str) -> str:
    """The module source with ``node``'s exact text replaced by ``text``."""
    l0, c0 = node.lineno - 1, node.col_offset  # type: ignore[attr-defined]
    l1, c1 = node.end_lineno - 1, node.end_col_offset  # type: ignore[attr-defined]
    # col offsets are UTF-8 byte offsets
    b0, b1 = lines[l0].encode(), lines[l1].encode()
    head = b0[:c0].decode()
    tail = b1[c1:].decode()
    return "".join(lines[:l0]) + head + text + tail + "".join(lines[l1 + 1:])


def _short(node: ast.AST, limit: int = 60) -> str:
    s = ast.unparse(node).replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 3] + "..."


class _Sites(ast.NodeVisitor):
    """Collects (node, operator, replacement node or text, description) in source order."""

    def __init__(self) -> None:
        self.sites: list[tuple[ast.AST, str, str, str]] = []
        #: literal 1s of a ``x ± 1`` whose ``1`` -> ``0`` is the drop ``x + 1`` -> ``x``
        self._ones_done: set[int] = set()

    def add(self, node: ast.AST, op: str, new: ast.AST | str, what: str) -> None:
        text = new if isinstance(new, str) else f"({ast.unparse(new)})"
        self.sites.append((node, op, text, what))

    # skipped regions -------------------------------------------------------------------
    def _body(self, body: list[ast.stmt]) -> None:
        for i, st in enumerate(body):
            if (i == 0 and isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)
                    and isinstance(st.value.value, str)):
                continue  # docstring
            self.visit(st)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(d)
        self._body(node.body)  # decorators, annotations skipped

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node.body)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id in ("__all__", "__slots__") for t in node.targets):
            return
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        return  # assertions are checks, not behaviour

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name in _SKIP_CALLS:
            return
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # f-strings are texts

    def visit_Raise(self, node: ast.Raise) -> None:
        return  # exception messages

    # mutation sites --------------------------------------------------------------------
    def visit_If(self, node: ast.If) -> None:
        t = node.test
        if isinstance(t, ast.Name) and t.id == "TYPE_CHECKING":
            return
        if not (isinstance(t, ast.Constant)):
            self.add(t, "cond", "True", f"`if {_short(t)}` -> `if True`")
            self.add(t, "cond", "False", f"`if {_short(t)}` -> `if False`")
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.add(node.test, "cond", "True", f"`{_short(node.test)}` (in `x if c else y`) -> True")
        self.add(node.test, "cond", "False", f"`{_short(node.test)}` (in `x if c else y`) -> False")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            flip = _CMP_FLIP.get(type(op))
            if flip is None:
                continue
            new = ast.Compare(left=node.left, ops=list(node.ops), comparators=node.comparators)
            new.ops[i] = flip()
            self.add(node, "cmp", new, f"`{_short(node)}` -> `{_short(new)}`")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, (ast.Add, ast.Sub)):
            for one, other in ((node.right, node.left), (node.left, node.right)):
                if _is_one(one) and (isinstance(node.op, ast.Add) or one is node.right):
                    self.add(node, "off1", other, f"`{_short(node)}` -> `{_short(other)}`")
                    self._ones_done.add(id(one))  # its `1` -> `0` is this drop
        swap = _BIN_SWAP.get(type(node.op))
        if swap is not None and not _is_text(node.left):
            new = ast.BinOp(left=node.left, op=swap(), right=node.right)
            self.add(node, "binop", new, f"`{_short(node)}` -> `{_short(new)}`")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = _BIN_SWAP.get(type(node.op))
        if swap is not None:
            new = ast.AugAssign(target=node.target, op=swap(), value=node.value)
            self.add(node, "binop", ast.unparse(new), f"`{_short(node)}` -> `{_short(new)}`")
        self.visit(node.value)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        new = ast.BoolOp(op=other, values=node.values)
        self.add(node, "boolop", new, f"`{_short(node)}` -> `{_short(new)}`")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.add(node, "not", node.operand, f"`{_short(node)}` -> `{_short(node.operand)}`")
        elif isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            self.add(node, "neg", node.operand, f"`{_short(node)}` -> `{_short(node.operand)}`")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        v = node.value
        if v is not None and not (isinstance(v, ast.Constant) and v.value is None):
            self.add(v, "return", "None", f"`return {_short(v)}` -> `return None`")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, bool):
            self.add(node, "bool", repr(not v), f"`{v}` -> `{not v}`")
        elif isinstance(v, int):
            if v == 1:
                if id(node) not in self._ones_done:
                    self.add(node, "off1", "0", "`1` -> `0`")
                self.add(node, "off1", "2", "`1` -> `2`")
            else:
                self.add(node, "const", repr(v + 1), f"`{v}` -> `{v + 1}`")


def _is_one(node: ast.AST) -> bool:
    """The integer literal 1 (not ``True``)."""
    return (isinstance(node, ast.Constant) and type(node.value) is int  # noqa: E721
            and node.value == 1)


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, (ast.JoinedStr,)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)))


def mutants_of(root: Path, module: str) -> list[Mutant]:
    """Every mutant of ``module`` (a path under ``root``), in source order; mutants whose
    text does not compile are dropped."""
    src = (root / module).read_text()
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    finder = _Sites()
    finder.visit(tree)
    out: list[Mutant] = []
    for node, op, text, what in finder.sites:
        new = _segment_replace(lines, node, text)
        if new == src:
            continue
        try:
            compile(new, module, "exec", dont_inherit=True)
        except SyntaxError:
            continue
        out.append(Mutant(module, node.lineno, node.col_offset,  # type: ignore[attr-defined]
                          op, what, new))
    return out


def sample(mutants: list[Mutant], n: int, seed: int) -> list[Mutant]:
    """A deterministic sample of ``n`` mutants (all of them if fewer), in source order."""
    if n <= 0 or len(mutants) <= n:
        return list(mutants)
    rng = random.Random(f"{seed}:{mutants[0].module}")
    picked = sorted(rng.sample(range(len(mutants)), n))
    return [mutants[i] for i in picked]


#: The boundary class: mutated exhaustively, never sampled (see the module docstring).
BOUNDARY = frozenset({"cmp", "off1", "bool"})


def select(mutants: list[Mutant], per_module: int, seed: int,
           boundary_only: bool = False) -> list[Mutant]:
    """Every boundary-class mutant of a module, plus a seeded sample of ``per_module`` of its
    other mutants (none with ``boundary_only``), in source order."""
    edge = [mu for mu in mutants if mu.operator in BOUNDARY]
    rest = [] if boundary_only else sample(
        [mu for mu in mutants if mu.operator not in BOUNDARY], per_module, seed)
    chosen = {id(mu) for mu in edge + rest}
    return [mu for mu in mutants if id(mu) in chosen]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def module_key(root: Path, module: str) -> str:
    """The cache key of a module's mutants: sha256 of its source and of this tool's mutation
    rules (the text of this file from ``# -- mutants`` to the selection)."""
    text = Path(__file__).read_text()
    rules = text[text.index("# -- mutants --"):text.index("BOUNDARY = frozenset")]
    return _sha((root / module).read_bytes() + b"\0" + rules.encode())


def tests_key(root: Path, tests: list[str]) -> str:
    """sha256 of the test selection: the file names, in order, and their sources."""
    h = hashlib.sha256()
    for t in tests:
        h.update(t.encode() + b"\0")
        f = root / t
        h.update(f.read_bytes() if f.exists() else b"-")
    h.update(PLUGIN.encode())
    return h.hexdigest()


class Cache:
    """Verdicts per mutant, one JSON file per module content hash under ``directory``
    (default ``~/.cache/redspec/mutation``). A *killed* or *timeout* verdict is kept while the
    module's source is unchanged (tests only grow); a *survived* or *error* verdict also needs
    the same test selection (names and sources), so adding a test re-runs the survivors."""

    def __init__(self, directory: Path | None) -> None:
        self.dir = directory

    def _file(self, mkey: str) -> Path:
        assert self.dir is not None
        return self.dir / f"{mkey}.json"

    def get(self, mkey: str, tkey: str, mutant: Mutant) -> dict[str, object] | None:
        """The cached verdict of ``mutant``, if still valid."""
        if self.dir is None or not self._file(mkey).exists():
            return None
        d = json.loads(self._file(mkey).read_text()).get(mutant.ident)
        if d is None or (d["status"] not in ("killed", "timeout") and d["tests"] != tkey):
            return None
        return d  # type: ignore[no-any-return]

    def put(self, mkey: str, tkey: str, result: Result) -> None:
        """Record ``result`` (thread-safe within this process)."""
        if self.dir is None:
            return
        with _CACHE_LOCK:
            self.dir.mkdir(parents=True, exist_ok=True)
            f = self._file(mkey)
            d = json.loads(f.read_text()) if f.exists() else {}
            d[result.mutant.ident] = {"status": result.status, "seconds": round(result.seconds, 1),
                                      "detail": result.detail, "tests": tkey}
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(d, indent=0))
            tmp.replace(f)


_CACHE_LOCK = threading.Lock()


# -- the private trees ------------------------------------------------------------------------

PLUGIN = '''\
"""pytest plugin for mutation runs: a repeatable Hypothesis profile; no planted bugs, no
servers (see tools/mutation.py)."""
import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "mutation", derandomize=True, database=None, deadline=None, print_blob=False,
    phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
settings.load_profile("mutation")

_SERVER_FIXTURES = {"redis_server", "redspec_server", "redis_target", "redspec_target",
                    "private_redis", "server_workdir"}


_SCALE = float(os.environ.get("REDSPEC_MUTATION_EXAMPLES", "0.25"))


def _fewer(s):
    return settings(s, max_examples=max(5, int(s.max_examples * _SCALE)))


def pytest_collection_modifyitems(config, items):
    keep = [it for it in items
            if "planted" not in it.name
            and not (_SERVER_FIXTURES & set(getattr(it, "fixturenames", ())))]
    config.hook.pytest_deselected(items=[it for it in items if it not in keep])
    items[:] = keep
    seen = set()
    for it in keep:  # fewer examples: @given tests and state machines' TestCase settings
        fn = getattr(it, "obj", None)
        fn = getattr(fn, "__func__", fn)
        s = getattr(fn, "_hypothesis_internal_use_settings", None)
        if s is not None and id(fn) not in seen:
            seen.add(id(fn))
            fn._hypothesis_internal_use_settings = _fewer(s)
        cls = getattr(it, "cls", None)
        if cls is not None and isinstance(getattr(cls, "settings", None), settings) \
                and id(cls) not in seen:
            seen.add(id(cls))
            cls.settings = _fewer(cls.settings)

'''


#: The warm runner's pytest plugin (written next to each job; see :class:`Worker`).
WORKER_PLUGIN = '''\
"""pytest plugin of tools/mutation.py's warm runner: registers its Worker."""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location("redspec_mutation_tool",
                                               os.environ["REDSPEC_MUTATION_TOOL"])
_tool = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _tool
_spec.loader.exec_module(_tool)
_cold = os.environ.get("REDSPEC_MUTANT")
_worker = _tool.Worker(os.environ["REDSPEC_MUTATION_JOB"], int(_cold) if _cold else None)


def pytest_configure(config):
    config.pluginmanager.register(_worker, "redspec-mutation-worker")
'''


def make_tree(dest: Path, source: Path = ROOT, rev: str = "HEAD") -> Path:
    """A private copy of ``git archive <rev>`` of ``source`` at ``dest`` with a shim package
    (``dest/_shim/redspec`` → the copy's ``spec``, ``reference``, ``properties``) and the
    mutation plugin (``dest/_shim/_mutation_plugin.py``)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(source), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    shim = dest / "_shim" / "redspec"
    shim.mkdir(parents=True, exist_ok=True)
    (shim / "__init__.py").write_text("")
    for name in ("spec", "reference", "properties"):
        link = shim / name
        if not link.exists():
            link.symlink_to(dest / name)
    (dest / "_shim" / "_mutation_plugin.py").write_text(PLUGIN)
    return dest


def tree_env(tree: Path) -> dict[str, str]:
    """The environment of a pytest run in ``tree``: the shim first on the import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join([str(tree / "_shim"), str(tree)])
    env["PYTHONHASHSEED"] = "0"
    return env


# -- running ----------------------------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    status: str  # "killed" | "timeout" | "survived" | "error"
    seconds: float
    detail: str = ""


#: Running pytest processes, killed (with their process groups) when a run is interrupted.
_ACTIVE: set[subprocess.Popen[bytes]] = set()
_STOP = threading.Event()


def _stop_all() -> None:
    _STOP.set()
    for proc in list(_ACTIVE):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_tests(tree: Path, tests: list[str], timeout: float,
              python: str = sys.executable, plugin: bool = True) -> tuple[str, float, str]:
    """Run ``tests`` in ``tree``: ("passed" | "failed" | "timeout", seconds, output tail)."""
    cmd = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           "--timeout", str(int(timeout) + 60)]
    if plugin:
        cmd += ["-p", "_mutation_plugin"]
    cmd += tests
    t0 = time.monotonic()
    if _STOP.is_set():
        return "stopped", 0.0, ""
    proc = subprocess.Popen(cmd, cwd=tree, env=tree_env(tree), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    _ACTIVE.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", time.monotonic() - t0, ""
    finally:
        _ACTIVE.discard(proc)
    tail = out.decode(errors="replace").strip().splitlines()[-3:]
    status = "passed" if proc.returncode == 0 else "failed"
    if proc.returncode == 5:  # nothing collected: not a kill
        status = "nothing"
    return status, time.monotonic() - t0, "\n".join(tail)


_MTIME_LOCK = threading.Lock()
_MTIME = [1_000_000_000]


def _install(path: Path, text: str, mtime: int) -> None:
    """Write ``text`` with a given mtime (pyc caches are keyed by mtime and size: a unique
    mtime per installed text forces a recompile)."""
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def run_mutant(tree: Path, mutant: Mutant, tests: list[str], timeout: float,
               python: str = sys.executable, plugin: bool = True) -> Result:
    """Apply ``mutant`` in ``tree``, run ``tests``, restore the module."""
    path = tree / mutant.module
    original = path.read_text()
    orig_mtime = int(path.stat().st_mtime)
    with _MTIME_LOCK:
        _MTIME[0] += 1
        unique = _MTIME[0]
    try:
        _install(path, mutant.source, unique)
        status, secs, tail = run_tests(tree, tests, timeout, python, plugin)
    finally:
        _install(path, original, orig_mtime)
    verdict = {"failed": "killed", "timeout": "timeout", "passed": "survived"}.get(status, "error")
    return Result(mutant, verdict, secs, tail if verdict != "survived" else "")


def run_all(trees: list[Path], jobs: list[tuple[Mutant, list[str], float]],
            python: str = sys.executable, progress: bool = False,
            plugin: bool = True,
            on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run every (mutant, tests, timeout) job, one tree per worker thread."""
    free: queue.Queue[Path] = queue.Queue()
    for t in trees:
        free.put(t)
    done = [0]
    lock = threading.Lock()

    def one(job: tuple[Mutant, list[str], float]) -> Result:
        tree = free.get()
        try:
            r = run_mutant(tree, job[0], job[1], job[2], python, plugin)
        finally:
            free.put(tree)
        if on_result is not None and r.status != "stopped":
            on_result(r)
        if progress:
            with lock:
                done[0] += 1
                print(f"[{done[0]}/{len(jobs)}] {r.status:8} {r.seconds:6.1f}s "
                      f"{r.mutant.module}:{r.mutant.line} {r.mutant.description}", flush=True)
        return r

    ex = ThreadPoolExecutor(max_workers=len(trees))
    try:
        return list(ex.map(one, jobs))
    except BaseException:  # Ctrl-C: no new mutant starts, the running ones are killed
        _stop_all()
        raise
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


# -- the warm runner (issue #22) --------------------------------------------------------------

#: The name every schemata module reads its switch from: a builtin (``builtins.__mutant__``),
#: so one assignment switches a mutant on in whichever module object holds it.
SWITCH = "__mutant__"


def _relocate(new: ast.AST, at: ast.AST) -> None:
    """Give every node of ``new`` the position of ``at`` (tracebacks and coverage then name
    the mutated expression's own line)."""
    for n in ast.walk(new):
        if "lineno" in n._attributes:
            n.lineno, n.col_offset = at.lineno, at.col_offset  # type: ignore[attr-defined]
            n.end_lineno = at.end_lineno  # type: ignore[attr-defined]
            n.end_col_offset = at.end_col_offset  # type: ignore[attr-defined]


class _Schemata(ast.NodeTransformer):
    """Wraps each mutated node ``e`` as ``(<mutant K> if __mutant__ == K else e)`` (an ``if``
    statement for a mutated statement), children first, so nested mutants stay independent."""

    def __init__(self, switches: dict[int, list[tuple[int, str]]]) -> None:
        self.switches = switches

    def visit(self, node: ast.AST) -> ast.AST:
        alts = self.switches.get(id(node), ())
        orig = node
        node = self.generic_visit(node)
        for k, text in alts:
            test = ast.Compare(ast.Name(SWITCH, ast.Load()), [ast.Eq()], [ast.Constant(k)])
            _relocate(test, orig)
            if isinstance(orig, ast.stmt):
                stmt = ast.parse(text).body[0]
                _relocate(stmt, orig)
                node = ast.copy_location(ast.If(test, [stmt], [node]), orig)  # type: ignore[list-item]
            else:
                expr = ast.parse(text, mode="eval").body
                _relocate(expr, orig)
                node = ast.copy_location(ast.IfExp(test, expr, node), orig)  # type: ignore[arg-type]
        return node


def schemata(src: str, module: str, wanted: dict[str, int]) -> tuple[ast.Module, dict[str, int]]:
    """``src`` with every mutant of ``wanted`` (ident → switch value K ≥ 1) compiled in as a
    switch, and the last line of each wanted mutant's expression. With ``__mutant__ == 0`` the
    module behaves as ``src``; with ``K`` exactly as mutant K's text (the same replacement
    text the file-rewriting runner writes, parsed in place of the same node)."""
    tree = ast.parse(src)
    finder = _Sites()
    finder.visit(tree)
    switches: dict[int, list[tuple[int, str]]] = {}
    ends: dict[str, int] = {}
    for node, op, text, what in finder.sites:
        ident = Mutant(module, node.lineno, node.col_offset, op, what).ident  # type: ignore[attr-defined]
        k = wanted.get(ident)
        if k is None:
            continue
        switches.setdefault(id(node), []).append((k, text))
        ends[ident] = node.end_lineno  # type: ignore[attr-defined]
    out = _Schemata(switches).visit(tree)
    return ast.fix_missing_locations(out), ends  # type: ignore[arg-type]


class _SchemataLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the run from its schemata (never from a ``.pyc``)."""

    module = ""
    wanted: dict[str, int] = {}

    def get_code(self, fullname: str) -> types.CodeType:
        src = self.get_data(self.path).decode()
        tree, _ = schemata(src, self.module, self.wanted)
        return compile(tree, self.path, "exec", dont_inherit=True)  # type: ignore[no-any-return]


class _SchemataFinder(importlib.abc.MetaPathFinder):
    """First on ``sys.meta_path``: a module whose file is one of the run's is loaded by
    :class:`_SchemataLoader` (whatever its import name)."""

    def __init__(self, files: dict[str, tuple[str, dict[str, int]]]) -> None:
        self.files = files  # realpath -> (module, wanted)

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or os.path.realpath(spec.origin) not in self.files:
            return None
        module, wanted = self.files[os.path.realpath(spec.origin)]
        loader = _SchemataLoader(fullname, spec.origin)
        loader.module, loader.wanted = module, wanted
        spec.loader = loader
        return spec


def _emit(fd: int, record: dict[str, object]) -> None:
    data = (json.dumps(record) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def _read_until(fd: int, deadline: float, once: bool = False) -> tuple[bytes, bool]:
    """What a child writes on ``fd`` until it closes it (True) or ``deadline`` passes (or,
    with ``once``, until the first bytes come)."""
    buf = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return buf, False
        ready, _, _ = _select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return buf, True
            buf += chunk
            if once:
                return buf, False


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Worker:
    """The pytest side of the warm runner: ``PLUGIN`` registers one when
    ``REDSPEC_MUTATION_JOB`` names a job file (the selection's tests, its modules, the
    mutants). At plugin load it puts :class:`_SchemataFinder` first on ``sys.meta_path`` and
    starts coverage (context ``import``: what runs while modules are imported and tests
    collected); ``pytest_runtestloop`` then records, in one forked child, which collected test
    executes which line, and runs each mutant in its own forked child (see the module
    docstring). With ``REDSPEC_MUTANT=K`` it only switches mutant K on before anything is
    imported and lets pytest run as usual (``-x``): the import-time mutants."""

    def __init__(self, job_file: str, cold: int | None) -> None:
        self.job: dict[str, Any] = json.loads(Path(job_file).read_text())
        self.tree = Path(self.job["tree"])
        self.k_of = {ident: i + 1 for i, ident in enumerate(self.job["mutants"])}
        self.files: dict[str, tuple[str, dict[str, int]]] = {}
        for m in self.job["modules"]:
            wanted = {i: k for i, k in self.k_of.items() if i.startswith(m + ":")}
            self.files[os.path.realpath(self.tree / m)] = (m, wanted)
        builtins.__dict__[SWITCH] = cold or 0
        sys.meta_path.insert(0, _SchemataFinder(self.files))
        self.cold = cold
        self.import_lines: dict[str, set[int]] = {}
        self.secs: list[float] = []
        self.cov: Any = None
        if cold is None:
            import coverage  # the test extra; only the warm runner needs it
            self.cov = coverage.Coverage(data_file=None, config_file=False,
                                         include=[f"*/{m}" for m in self.job["modules"]])
            self.cov.start()

    def pytest_collection_finish(self, session: Any) -> None:
        """Stop the import-time coverage: these lines ran before any test."""
        if self.cov is None:
            return
        self.cov.stop()
        data = self.cov.get_data()
        self.import_lines = {os.path.realpath(f): set(data.lines(f) or ())
                             for f in data.measured_files()}
        self.cov = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: Any) -> bool | None:
        """Coverage of the unmutated selection, then every mutant of the job."""
        if self.cold is not None:
            return None  # pytest's own loop, -x
        fd = int(os.environ["REDSPEC_MUTATION_FD"])
        items = list(session.items)
        cover = self._coverage(items)
        failed = set(cover["failed"])
        _emit(fd, {"baseline": {"seconds": round(sum(cover["seconds"]), 1), "tests": len(items),
                                "failed": [items[i].nodeid for i in sorted(failed)]}})
        lines = {f: {int(n): ix for n, ix in ls.items()} for f, ls in cover["lines"].items()}
        secs: list[float] = cover["seconds"]
        self.secs = secs
        ends: dict[str, int] = {}
        for real, (m, wanted) in self.files.items():
            ends.update(schemata(Path(real).read_text(), m, wanted)[1])
        killers: dict[str, list[int]] = {}
        for ident in self.job["mutants"]:
            module, line = ident.split(":")[0], int(ident.split(":")[1])
            real = os.path.realpath(self.tree / module)
            span = range(line, ends.get(ident, line) + 1)
            t0 = time.monotonic()
            if any(n in self.import_lines.get(real, ()) for n in span):
                status, detail = self._cold(self.k_of[ident], sum(secs))
                _emit(fd, {"ident": ident, "status": status, "detail": "import-time: " + detail,
                           "seconds": round(time.monotonic() - t0, 2), "tests": -1})
                continue
            covering = set().union(*(lines.get(real, {}).get(n, ()) for n in span)) - failed
            if not covering:
                _emit(fd, {"ident": ident, "status": "survived", "detail": "not covered",
                           "seconds": 0.0, "tests": 0})
                continue
            mine = killers.setdefault(module, [])
            order = [i for i in mine if i in covering]
            order += sorted(covering - set(order), key=lambda i: (secs[i], i))
            timeout = max(float(self.job["min_timeout"]),
                          float(self.job["timeout_factor"]) * sum(secs[i] for i in order))
            status, killer, detail = self._warm(items, order, self.k_of[ident], timeout)
            if killer is not None:
                if killer in mine:
                    mine.remove(killer)
                mine.insert(0, killer)
                detail = f"FAILED {items[killer].nodeid}" + (f" ({detail})" if detail else "")
            _emit(fd, {"ident": ident, "status": status, "detail": detail,
                       "seconds": round(time.monotonic() - t0, 2), "tests": len(order)})
        return True

    def _coverage(self, items: list[Any]) -> dict[str, Any]:
        """Per line of the job's modules, the indices of the tests that execute it, each
        test's seconds, and the tests that fail unmutated: computed once per selection (in a
        forked child, so this process stays as collected) and shared by the selection's jobs."""
        path = Path(self.job["coverage"])
        with open(str(path) + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                me = os.getpid()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child
                    code = 1
                    try:
                        _quiet_child(me)
                        _record_coverage(items, self.job.get("cover", self.job["modules"]), path)
                        code = 0
                    finally:
                        os._exit(code)
                _, st = os.waitpid(pid, 0)
                if os.waitstatus_to_exitcode(st) != 0:
                    raise RuntimeError("the coverage run of the unmutated selection failed")
            data: dict[str, Any] = json.loads(path.read_text())
        if data["tests"] != [it.nodeid for it in items]:
            raise RuntimeError("the coverage run collected other tests")
        return data

    def _warm(self, items: list[Any], order: list[int], k: int,
              timeout: float) -> tuple[str, int | None, str]:
        """Mutant ``k`` against the tests ``order`` in a forked child: (verdict, index of the
        killing test, detail)."""
        r, w = os.pipe()
        me = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 3
            try:
                os.close(r)
                _quiet_child(me)
                builtins.__dict__[SWITCH] = k
                code = 0
                for j, i in enumerate(order):
                    os.write(w, f"{j}\n".encode())  # test j of order starts (its deadline)
                    nxt = items[order[j + 1]] if j + 1 < len(order) else None
                    bad = [rep for rep in runtestprotocol(items[i], log=False, nextitem=nxt)
                           if rep.failed]
                    if bad:
                        os.write(w, f"={i}\n{bad[0].when}".encode())
                        code = 1
                        break
            except (KeyboardInterrupt, pytest.exit.Exception) as e:  # as a pytest run: killed
                os.write(w, f"=-1\n{type(e).__name__}".encode())
                code = 1
            except BaseException as e:
                os.write(w, f"=-1\n{type(e).__name__}: {e}"[:500].encode())
                code = 3
            finally:
                os._exit(code)
        os.close(w)
        t0 = time.monotonic()
        out, started, closed = b"", 0, False
        try:
            while not closed:
                # the child reports each test's start: the test's own deadline (its time in
                # the coverage run, times the factor, at least min_test) ends a loop early
                j = out.count(b"\n", 0, out.find(b"=") if b"=" in out else len(out)) - 1
                if j >= 0 and j != started - 1:
                    started = j + 1
                    test_deadline = time.monotonic() + max(
                        float(self.job["min_test"]),
                        float(self.job["timeout_factor"]) * self.secs[order[j]])
                deadline = min(t0 + timeout, test_deadline) if started else t0 + timeout
                more, closed = _read_until(r, deadline, once=True)
                out += more
                if not closed and not more and time.monotonic() >= deadline:
                    break
        finally:
            os.close(r)
        if not closed:
            _kill_group(pid)
            os.waitpid(pid, 0)
            at = items[order[started - 1]].nodeid if started else "start"
            return "timeout", None, f"over {time.monotonic() - t0:.0f}s in {at}"
        _, st = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(st)
        _, _, result = out.decode(errors="replace").partition("=")
        head, _, detail = result.partition("\n")
        killer = int(head) if head.strip().lstrip("-").isdigit() and int(head) >= 0 else None
        if code == 0:
            return "survived", None, ""
        if code == 3:
            return "error", None, detail
        return "killed", killer, detail if killer is not None else f"exit {code} {detail}"

    def _cold(self, k: int, selection_seconds: float) -> tuple[str, str]:
        """An import-time mutant: a fresh pytest of the whole selection (``-x``) with mutant
        ``k`` switched on before the modules are imported."""
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-p", "no:randomly", *self.job["plugins"], *self.job["tests"]]
        env = {**os.environ, "REDSPEC_MUTANT": str(k)}
        env.pop("REDSPEC_MUTATION_FD", None)
        timeout = max(float(self.job["min_timeout"]),
                      float(self.job["timeout_factor"]) * selection_seconds) + 30.0
        proc = subprocess.Popen(cmd, cwd=self.tree, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            proc.communicate()
            return "timeout", f"over {timeout:.0f}s"
        tail = "\n".join(out.decode(errors="replace").strip().splitlines()[-3:])
        if proc.returncode == 0:
            return "survived", ""
        return ("error" if proc.returncode == 5 else "killed"), tail


def _quiet_child(parent: int) -> None:
    """A forked child: its own process group (killed as one), killed when its parent dies
    (``PR_SET_PDEATHSIG``: a worker killed by Ctrl-C leaves no endless mutant behind),
    output to /dev/null."""
    os.setpgid(0, 0)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's deadline still holds
        pass
    if os.getppid() != parent:  # the parent (pid before the fork) died before prctl
        os._exit(3)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)


def _record_coverage(items: list[Any], modules: list[str], path: Path) -> None:
    """Run every collected test once under coverage, one dynamic context per test."""
    import coverage
    cov = coverage.Coverage(data_file=None, config_file=False,
                            include=[f"*/{m}" for m in modules])
    seconds: list[float] = []
    failed: list[int] = []
    cov.start()
    for i, item in enumerate(items):
        cov.switch_context(str(i))
        t0 = time.monotonic()
        reports = runtestprotocol(item, log=False,
                                  nextitem=items[i + 1] if i + 1 < len(items) else None)
        seconds.append(time.monotonic() - t0)
        if any(rep.failed for rep in reports):
            failed.append(i)
    cov.stop()
    data = cov.get_data()
    lines: dict[str, dict[int, list[int]]] = {}
    for f in data.measured_files():
        per = lines.setdefault(os.path.realpath(f), {})
        for n, ctxs in data.contexts_by_lineno(f).items():
            per.setdefault(n, [])
            per[n] += [int(c) for c in ctxs if c.isdigit()]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"tests": [it.nodeid for it in items], "seconds": seconds,
                               "failed": failed, "lines": lines}))
    tmp.replace(path)


def run_warm(tree: Path, groups: list[tuple[list[str], list[Mutant]]], workers: int,
             timeout_factor: float = 3.0, min_timeout: float = 20.0, chunk: int = 120,
             min_test: float = 10.0,
             python: str = sys.executable, plugin: bool = True, progress: bool = False,
             on_result: Callable[[Result], None] | None = None,
             on_baseline: Callable[[list[str], dict[str, object]], None] | None = None,
             ) -> list[Result]:
    """Run every (test selection, mutants) group with the warm runner: up to ``workers``
    pytest processes at a time in ``tree``, each taking a chunk of at most ``chunk`` mutants
    of one selection (the selection's coverage is recorded once and shared)."""
    base = Path(tempfile.mkdtemp(prefix="redspec-warm-"))
    (base / "_mutation_worker.py").write_text(WORKER_PLUGIN)
    tool = base / "_mutation_tool.py"  # a snapshot: edits of this file do not reach a run
    shutil.copyfile(Path(__file__), tool)
    plugins = ["-p", "_mutation_worker"] + (["-p", "_mutation_plugin"] if plugin else [])
    jobs: list[tuple[list[str], list[Mutant], Path]] = []
    # the selection's coverage is recorded by whichever of its chunks runs first, for every
    # module of the selection (not only that chunk's: a module whose mutants all fall in a
    # later chunk would otherwise look "not covered")
    covers: dict[Path, list[str]] = {}
    for tests, ms in sorted(groups, key=lambda g: -len(g[1])):
        cov = base / f"cov-{_sha(json.dumps(tests).encode())[:16]}.json"
        covers.setdefault(cov, [])
        covers[cov] = sorted({*covers[cov], *(mu.module for mu in ms)})
        for i in range(0, len(ms), chunk):
            jobs.append((tests, ms[i:i + chunk], cov))
    jobs.sort(key=lambda j: -len(j[1]))
    total = sum(len(j[1]) for j in jobs)
    done = [0]
    lock = threading.Lock()

    def one(n_job: tuple[int, tuple[list[str], list[Mutant], Path]]) -> list[Result]:
        n, (tests, ms, cov) = n_job
        by_ident = {mu.ident: mu for mu in ms}
        job = base / f"job-{n}.json"
        job.write_text(json.dumps({
            "tree": str(tree), "tests": tests, "modules": sorted({mu.module for mu in ms}),
            "mutants": [mu.ident for mu in ms], "coverage": str(cov), "cover": covers[cov],
            "timeout_factor": timeout_factor, "min_timeout": min_timeout,
            "min_test": min_test, "plugins": plugins}))
        r, w = os.pipe()
        env = tree_env(tree)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(base)] + ([env["PYTHONPATH"]] if plugin else [str(tree)]))
        env |= {"REDSPEC_MUTATION_JOB": str(job),
               "REDSPEC_MUTATION_TOOL": str(tool),
               "REDSPEC_MUTATION_FD": str(w)}
        cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               *plugins]
        log = base / f"job-{n}.log"
        results: list[Result] = []
        if _STOP.is_set():
            return results
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd + tests, cwd=tree, env=env, stdout=out,
                                    stderr=subprocess.STDOUT, pass_fds=[w],
                                    start_new_session=True)
        os.close(w)
        _ACTIVE.add(proc)  # type: ignore[arg-type]
        try:
            with os.fdopen(r, "rb") as feed:
                for raw in feed:
                    rec = json.loads(raw)
                    if "baseline" in rec:
                        if on_baseline is not None:
                            on_baseline(tests, rec["baseline"])
                        continue
                    res = Result(by_ident.pop(rec["ident"]), rec["status"], rec["seconds"],
                                 rec["detail"])
                    results.append(res)
                    if on_result is not None:
                        on_result(res)
                    if progress:
                        with lock:
                            done[0] += 1
                            print(f"[{done[0]}/{total}] {res.status:8} {res.seconds:6.2f}s "
                                  f"t={rec['tests']:<4} {res.mutant.module}:{res.mutant.line} "
                                  f"{res.mutant.description}", flush=True)
            proc.wait()
        finally:
            _ACTIVE.discard(proc)  # type: ignore[arg-type]
        if by_ident and not _STOP.is_set():  # the worker died: its tail says why
            tail = "\n".join(log.read_text(errors="replace").strip().splitlines()[-5:])
            results += [Result(mu, "error", 0.0, f"worker exit {proc.returncode}: {tail}")
                        for mu in by_ident.values()]
        return results

    ex = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        return [r for rs in ex.map(one, enumerate(jobs)) for r in rs]
    except BaseException:
        _stop_all()
        raise
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(base, ignore_errors=True)


# -- report -----------------------------------------------------------------------------------


def summarize(results: Iterable[Result]) -> dict[str, object]:
    """Counts per mechanism and per module, the score, and the survivors."""
    def blank() -> dict[str, int]:
        return {"run": 0, "killed": 0, "timeout": 0, "survived": 0, "error": 0}
    per_mech: dict[str, dict[str, int]] = {}
    per_mod: dict[str, dict[str, int]] = {}
    per_class: dict[str, dict[str, int]] = {}
    survivors = []
    total = blank()
    for r in results:
        mech = MODULES.get(r.mutant.module, ("other", []))[0]
        klass = "boundary" if r.mutant.operator in BOUNDARY else "sampled"
        for d in (per_mech.setdefault(mech, blank()), per_mod.setdefault(r.mutant.module, blank()),
                  per_class.setdefault(klass, blank()), total):
            d["run"] += 1
            d[r.status] += 1
        if r.status == "survived":
            survivors.append(r.mutant.ident)

    def score(d: dict[str, int]) -> float:
        n = d["run"] - d["error"]
        return round(100.0 * (d["killed"] + d["timeout"]) / n, 1) if n else 0.0
    return {
        "score": score(total), "total": total,
        "classes": {k: {**v, "score": score(v)} for k, v in sorted(per_class.items())},
        "mechanisms": {k: {**v, "score": score(v)} for k, v in sorted(per_mech.items())},
        "modules": {k: {**v, "score": score(v)} for k, v in sorted(per_mod.items())},
        "survivors": survivors,
    }


def markdown(summary: dict[str, object], command: str) -> str:
    """The docs/verification.md section body for a run."""
    lines = [f"Mutation score: {summary['score']:.0f}%", "",
             f"({time.strftime('%Y-%m-%d', time.gmtime())}, `{command}`)", "",
             "| mechanism | run | killed | timeout | survived | error | score |",
             "|---|---|---|---|---|---|---|"]
    for name, d in summary["mechanisms"].items():  # type: ignore[attr-defined]
        lines.append(f"| {name} | {d['run']} | {d['killed']} | {d['timeout']} | "
                     f"{d['survived']} | {d['error']} | {d['score']}% |")
    lines += ["", "Survivors:", ""]
    lines += [f"- `{s}`" for s in summary["survivors"]]  # type: ignore[attr-defined]
    return "\n".join(lines)


#: The survivors' verdicts: ``{"module:description@source line": "why it is equivalent"}``
#: (keyed by the mutated line's text, not its number, so that edits above it keep the entry).
VERDICTS = ROOT / "docs" / "mutation-verdicts.json"
BEGIN, END = "<!-- mutation:begin (tools/mutation.py --render) -->", "<!-- mutation:end -->"


def verdict_key(root: Path, module: str, line: int, col: int, description: str) -> str:
    """The key of a survivor in :data:`VERDICTS`: module, column, mutation and the line's text
    (with ``#n`` when the same text is on n earlier lines of the module)."""
    lines = [ln.strip() for ln in (root / module).read_text().splitlines()]
    text = lines[line - 1] if 0 < line <= len(lines) else "?"
    n = lines[:line - 1].count(text)
    return f"{module}:{col}:{description}@{text}" + (f"#{n}" if n else "")


def split_argued(root: Path, mutants: list[Mutant], verdicts: dict[str, str]
                 ) -> tuple[list[Result], list[Mutant]]:
    """The mutants already argued equivalent in ``verdicts`` (by :func:`verdict_key`), as
    survived results that are not run, and the rest, to run. An argued mutant survives by
    its argument: running it again costs its whole test selection (a survivor runs every
    covering test, the dearest case of all) and could only find that a test now kills it,
    which is no gap either; ``--recheck-argued`` runs them anyway."""
    texts: dict[str, list[str]] = {}
    argued: list[Result] = []
    rest: list[Mutant] = []
    for mu in mutants:
        lines = texts.get(mu.module)
        if lines is None:
            lines = texts[mu.module] = [ln.strip() for ln in
                                        (root / mu.module).read_text().splitlines()]
        text = lines[mu.line - 1] if 0 < mu.line <= len(lines) else "?"
        n = lines[:mu.line - 1].count(text)
        key = f"{mu.module}:{mu.col}:{mu.description}@{text}" + (f"#{n}" if n else "")
        if key in verdicts:
            argued.append(Result(mu, "survived", 0.0, "argued equivalent: not re-run"))
        else:
            rest.append(mu)
    return argued, rest


def _as_dict(m: Mutant, root: Path) -> dict[str, object]:
    """A mutant as a results entry of ``--json`` would name it (with its line's text)."""
    return {"module": m.module, "col": m.col, "operator": m.operator,
            "description": m.description, **_line_as_run(m, root)}


def _text_key(d: dict[str, Any]) -> tuple[object, ...]:
    """What identifies a mutant across edits of its module: module, column, mutation, the
    mutated line's text and how many identical lines precede it (``--rerun`` matches the
    earlier run's survivors by it when lines have moved)."""
    return (d["module"], d["col"], d["operator"], d["description"], d.get("text"), d.get("nth"))


def _line_as_run(m: Mutant, root: Path = ROOT) -> dict[str, object]:
    """The mutated line's text as run and how many identical lines precede it (what a
    verdict is keyed by; stored in the JSON so that later edits keep the match)."""
    lines = [ln.strip() for ln in (root / m.module).read_text().splitlines()]
    text = lines[m.line - 1] if 0 < m.line <= len(lines) else "?"
    return {"text": text, "nth": lines[:m.line - 1].count(text)}


def _table(rows: dict[str, dict[str, object]], head: str) -> list[str]:
    out = [f"| {head} | run | killed | timeout | survived | error | score |",
           "|---|---|---|---|---|---|---|"]
    for name, d in rows.items():
        out.append(f"| {name} | {d['run']} | {d['killed']} | {d['timeout']} | "
                   f"{d['survived']} | {d['error']} | {d['score']}% |")
    return out


def render(data: dict[str, object], verdicts: dict[str, str], root: Path = ROOT) -> str:
    """The generated part of docs/verification.md for a run's JSON: scores per class, per
    mechanism and per module, and every survivor with its verdict."""
    results = data["results"]  # type: ignore[index]
    rs = [Result(Mutant(d["module"], d["line"], d["col"], d["operator"], d["description"]),
                 d["status"], d["seconds"], d.get("detail", "")) for d in results]  # type: ignore[attr-defined]
    # The line text as run, when the JSON records it: later edits of the module (lines
    # added above, the module changed since) do not detach a survivor from its verdict.
    stored_keys = {id(r): f"{d['module']}:{d['col']}:{d['description']}@{d['text']}"
                   + (f"#{d['nth']}" if d.get("nth") else "")
                   for r, d in zip(rs, results, strict=True) if "text" in d}  # type: ignore[call-overload,index]
    sm = summarize(rs)
    n_eq = 0
    n_uncovered = 0
    surv: list[str] = []
    for r in rs:
        if r.status != "survived":
            continue
        uncovered = r.detail == "not covered"
        n_uncovered += uncovered
        why = verdicts.get(stored_keys.get(id(r)) or verdict_key(
            root, r.mutant.module, r.mutant.line, r.mutant.col, r.mutant.description))
        n_eq += why is not None
        surv.append(f"- `{r.mutant.module}:{r.mutant.line}` {r.mutant.description}"
                    + (" (not covered: no test executes the line)" if uncovered else "") + ": "
                    + (f"equivalent: {why}" if why else "**not argued: a gap**"))
    t = sm["total"]  # type: ignore[index]
    live = t["run"] - t["error"] - n_eq  # type: ignore[index]
    dead = t["killed"] + t["timeout"]  # type: ignore[index]
    lines = [BEGIN, "",
             f"Generated from [mutation.json](mutation.json) (`{data.get('command', '')}`). "
             f"Score **{sm['score']}%** ({dead} killed or timed out of "
             f"{t['run'] - t['error']} run); leaving out the {n_eq} survivors argued "  # type: ignore[index]
             f"equivalent below, **{dead} of {live} non-equivalent mutants are killed "
             f"({100.0 * dead / live if live else 0.0:.1f}%)**."
             + (f" {n_uncovered} survivors are on lines no test of their selection executes "
                "(\"not covered\")." if n_uncovered else ""), "",
             "**Per class** (boundary: every comparison, ±1 and boolean constant of the modules "
             "run; sampled: the other classes):", ""]
    lines += _table(sm["classes"], "class")  # type: ignore[arg-type]
    lines += ["", "**Per mechanism:**", ""]
    lines += _table(sm["mechanisms"], "mechanism")  # type: ignore[arg-type]
    lines += ["", "**Per module:**", ""]
    lines += _table({f"`{k}`": v for k, v in sm["modules"].items()},  # type: ignore[attr-defined]
                    "module")
    lines += ["", f"**Survivors** ({len(surv)}; file:line as run):", ""] + surv + ["", END]
    return "\n".join(lines)


def render_into(doc: Path, data: dict[str, object]) -> str:
    """``doc`` with its generated section replaced by :func:`render`'s."""
    verdicts = json.loads(VERDICTS.read_text()) if VERDICTS.exists() else {}
    text = doc.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return head + render(data, verdicts) + tail


def _test_sets(modules: list[str]) -> dict[tuple[str, ...], list[str]]:
    sets: dict[tuple[str, ...], list[str]] = {}
    for m in modules:
        sets.setdefault(tuple(MODULES[m][1]), []).append(m)
    return sets


def _finish(args: argparse.Namespace, argv: list[str] | None, results: list[Result],
            baseline: dict[tuple[str, ...], tuple[str, float, str]], skipped: dict[str, str],
            t0: float, root: Path = ROOT) -> int:
    """Merge with ``--rerun``'s earlier run, print the summary, write ``--json`` (the mutated
    lines' texts as in ``root``, the tree that was run)."""
    results.sort(key=lambda r: (r.mutant.module, r.mutant.line, r.mutant.col))
    if args.rerun:  # the earlier run's verdicts, the survivors' replaced by this run's
        again = {r.mutant.ident: r for r in results}
        again_text = {_text_key(_as_dict(r.mutant, root)): r for r in results}
        earlier = []
        for d in json.loads(Path(args.rerun).read_text())["results"]:
            mu = Mutant(d["module"], d["line"], d["col"], d["operator"], d["description"])
            now = again.get(mu.ident) or (again_text.get(_text_key(d))
                                          if d["status"] == "survived" and d.get("text") is not None
                                          else None)
            earlier.append(now or Result(mu, d["status"], d["seconds"], d.get("detail", "")))
        results = earlier
    summary = summarize(results)
    summary["skipped_modules"] = skipped
    summary["seconds"] = round(time.monotonic() - t0)
    summary["baseline"] = {" ".join(k): {"status": v[0], "seconds": round(v[1], 1)}
                           for k, v in baseline.items()}
    command = "python tools/mutation.py " + " ".join(argv if argv is not None
                                                     else sys.argv[1:])
    print()
    print(markdown(summary, command.strip()))
    for m, why in skipped.items():
        print(f"skipped {m}: {why}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {**summary, "command": command.strip(),
             "results": [{**asdict(r.mutant), "source": None,
                          "mechanism": MODULES.get(r.mutant.module, ("other",))[0],
                          "status": r.status,
                          "seconds": round(r.seconds, 1), "detail": r.detail,
                          **_line_as_run(r.mutant, root)}
                         for r in results]}, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", default="", help="comma-separated spec modules (default: all "
                    "mapped ones)")
    ap.add_argument("--per-module", type=int, default=8, help="mutants of the other classes "
                    "sampled per module (0: all); the boundary class is always run in full")
    ap.add_argument("--boundary-only", action="store_true",
                    help="only the boundary class (comparisons, ±1, booleans)")
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "redspec" / "mutation"),
                    help="verdict cache directory, keyed by module content hash ('' : none)")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", default="", help="write the results here")
    ap.add_argument("--timeout-factor", type=float, default=3.0,
                    help="a mutant's timeout: this times its tests' unmutated time")
    ap.add_argument("--min-timeout", type=float, default=None,
                    help="a mutant's least timeout (default: 60 s old runner, 20 s warm)")
    ap.add_argument("--runner", choices=("warm", "old"), default="warm",
                    help="warm: schemata + per-line test selection + a forked child per "
                    "mutant (default); old: a fresh pytest of the whole selection per mutant")
    ap.add_argument("--rev", default="HEAD", help="the commit whose tree is mutated (e.g. an "
                    "earlier campaign's, to compare runners on it)")
    ap.add_argument("--min-test", type=float, default=10.0,
                    help="warm runner: one test's least timeout (a mutant's endless loop is "
                    "cut at its first test's deadline)")
    ap.add_argument("--chunk", type=int, default=120,
                    help="warm runner: mutants per worker process")
    ap.add_argument("--rerun", default="", help="run only the survivors of this --json file "
                    "(after adding properties)")
    ap.add_argument("--recheck-argued", action="store_true",
                    help="also run the mutants docs/mutation-verdicts.json argues equivalent "
                    "(by default they count as argued survivors without running)")
    ap.add_argument("--list", action="store_true", help="only list the sampled mutants")
    ap.add_argument("--keep", action="store_true", help="keep the private trees")
    ap.add_argument("--render", default="", metavar="JSON",
                    help="only rewrite docs/verification.md's generated section from JSON")
    args = ap.parse_args(argv)
    if args.render:
        doc = ROOT / "docs" / "verification.md"
        doc.write_text(render_into(doc, json.loads(Path(args.render).read_text())))
        return 0

    modules = [m.strip() for m in args.modules.split(",") if m.strip()] or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        ap.error(f"not mapped to tests: {', '.join(unknown)} (see MODULES in tools/mutation.py)")
    base = Path(tempfile.mkdtemp(prefix="redspec-mutation-"))
    try:
        n_trees = max(1, args.workers) if args.runner == "old" else 1
        trees = [make_tree(base / f"w{i}", rev=args.rev) for i in range(n_trees)]
        wanted: set[str] | None = None
        wanted_text: set[tuple[object, ...]] = set()
        if args.rerun:
            earlier = json.loads(Path(args.rerun).read_text())
            wanted = set(earlier["survivors"])
            # by the mutated line's text too: lines move when the module is edited
            wanted_text = {_text_key(d) for d in earlier["results"]
                           if d["status"] == "survived" and d.get("text") is not None}
            if not args.modules:
                modules = [m for m in modules if any(w.startswith(m + ":") for w in wanted)]
        modules = [m for m in modules if (trees[0] / m).exists()]
        chosen: dict[str, list[Mutant]] = {}
        for m in modules:
            every = mutants_of(trees[0], m)
            if wanted is not None:
                chosen[m] = [mu for mu in every if mu.ident in wanted
                             or _text_key(_as_dict(mu, trees[0])) in wanted_text]
            else:
                chosen[m] = select(every, args.per_module, args.seed, args.boundary_only)
            nb = sum(mu.operator in BOUNDARY for mu in chosen[m])
            print(f"{m}: {len(every)} mutants, {nb} boundary + {len(chosen[m]) - nb} sampled",
                  flush=True)
        if args.list:
            for ms in chosen.values():
                for mu in ms:
                    print(mu.ident)
            return 0
        cache = Cache(Path(args.cache) if args.cache else None)
        keys_of = {m: (module_key(trees[0], m), tests_key(trees[0], MODULES[m][1]))
                   for m in modules}
        cached: list[Result] = []
        for m in modules:
            todo = []
            for mu in chosen[m]:
                hit = cache.get(*keys_of[m], mu)
                if hit is None:
                    todo.append(mu)
                else:
                    cached.append(Result(mu, str(hit["status"]), float(hit["seconds"]),  # type: ignore[arg-type]
                                         str(hit["detail"])))
            n_cached = len(chosen[m]) - len(todo)
            if not args.recheck_argued:
                vfile = trees[0] / "docs" / "mutation-verdicts.json"
                argued, todo = split_argued(
                    trees[0], todo, json.loads(vfile.read_text()) if vfile.exists() else {})
                cached += argued
                print(f"{m}: {n_cached} cached, {len(argued)} argued, {len(todo)} to run",
                      flush=True)
            else:
                print(f"{m}: {n_cached} cached, {len(todo)} to run", flush=True)
            chosen[m] = todo
        sets = {k: ms for k, ms in _test_sets(modules).items() if any(chosen[m] for m in ms)}
        baseline: dict[tuple[str, ...], tuple[str, float, str]] = {}
        skipped: dict[str, str] = {}
        if args.runner == "warm":
            t0 = time.monotonic()

            def seen(tests: list[str], b: dict[str, object]) -> None:
                baseline[tuple(tests)] = ("passed" if not b["failed"] else
                                          f"passed except {len(b['failed'])}",  # type: ignore[arg-type]
                                          float(b["seconds"]), " ".join(b["failed"]))  # type: ignore[arg-type]
                print(f"baseline {len(b['failed'])} failing of {b['tests']} tests, "  # type: ignore[arg-type]
                      f"{b['seconds']}s {' '.join(tests)}", flush=True)

            groups = [(list(k), [mu for m in mods for mu in chosen[m]])
                      for k, mods in sets.items()]
            results = cached + run_warm(
                trees[0], groups, args.workers, args.timeout_factor,
                20.0 if args.min_timeout is None else args.min_timeout, args.chunk,
                args.min_test,
                progress=True, on_result=lambda r: cache.put(*keys_of[r.mutant.module], r),
                on_baseline=seen)
            return _finish(args, argv, results, baseline, skipped, t0, trees[0])
        # the unmutated suites must pass; their time sets the mutants' timeout
        with ThreadPoolExecutor(max_workers=len(trees)) as ex:  # Ctrl-C: see the finally
            keys = list(sets)
            for k, r in zip(keys, ex.map(
                    lambda kt: run_tests(trees[kt[0] % len(trees)], list(kt[1]), 3600),
                    enumerate(keys)), strict=True):
                baseline[k] = r
                print(f"baseline {r[0]:7} {r[1]:6.1f}s {' '.join(k)}", flush=True)
        jobs = []
        for k, mods in sets.items():
            status, secs, tail = baseline[k]
            if status != "passed":
                for m in mods:
                    skipped[m] = f"unmutated tests {status}: {tail}"
                continue
            timeout = max(60.0 if args.min_timeout is None else args.min_timeout,
                          args.timeout_factor * secs)
            for m in mods:
                jobs += [(mu, list(k), timeout) for mu in chosen[m]]
        t0 = time.monotonic()
        results = cached + run_all(
            trees, jobs, progress=True,
            on_result=lambda r: cache.put(*keys_of[r.mutant.module], r))
        return _finish(args, argv, results, baseline, skipped, t0, trees[0])
    except BaseException:
        _stop_all()
        raise
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


# issue 22 (mcost): the cost model's terms at their boundaries (MEMORY USAGE of 7.0.15 at size
# classes, sds headers, intset widths, quicklist node limits; rehash window; op_cost per role)
MODULES["spec/cost.py"] = (MODULES["spec/cost.py"][0], [*MODULES["spec/cost.py"][1], _P("boundary_mcost")])
# ... and the type-choice advisor's access patterns (mpatterns): parse limits, synthesized
# contents, encodings and MEMORY USAGE of keys built on 7.0.15, prices at each rule's edge
MODULES["spec/patterns.py"] = (MODULES["spec/patterns.py"][0],
                               [*MODULES["spec/patterns.py"][1], _P("boundary_mpatterns")])
# ... and spec/state.py's first values run cold (mpatterns): the link state after a refused
# connect, the first stream's SELECT, a continued replica's stream, FAILOVER's states, 1 GiB
MODULES["spec/state.py"] = (MODULES["spec/state.py"][0],
                            [*MODULES["spec/state.py"][1], _P("boundary_mpatterns")])

# Issue 21's changes (this session): the short way through processCommand's gates, the
# carried listpack byte count, the shared access word.
MODULES["spec/dispatch.py"] = (MODULES["spec/dispatch.py"][0],
                               [*MODULES["spec/dispatch.py"][1], _P("quiet_server")])
for _m in ("spec/types/hash.py", "spec/types/zset.py", "spec/memory.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], _P("lp_bytes")])
for _m in ("spec/step.py", "spec/db.py"):
    MODULES[_m] = (MODULES[_m][0], [*MODULES[_m][1], _T("shared_words")])


if __name__ == "__main__":
    sys.exit(main())
