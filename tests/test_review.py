"""``redspec review`` (issue 20): the D2 reader, the rubrics, the state-machine comparison.

Every tutorial's reference model passes its own rubric (and d2 accepts it), every starter fails
with exactly the holes its rubric lists, and planted defects - an edge removed, a transition
the spec forbids added - are reported with the right item; for the state-machine tutorials the
comparison with the spec finds a planted wrong transition and gives its shortest trace.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from click.testing import CliRunner

from redspec.cli.main import main
from redspec.review import d2
from redspec.review.machines import MACHINES, compare, learner_machine
from redspec.review.report import TUTORIALS, review
from redspec.review.rubric import RubricError, artifact_kind, check, load, rubric_paths

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = rubric_paths(TUTORIALS)
MECHS = sorted(RUBRICS)


def _diagrams_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redspec_diagrams_tool_r",
                                                  ROOT / "tools" / "diagrams.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


#: A tutorial for each mechanism of docs/status.md rows 1-17 (issue 20; 13, 15, 16, 17 added later).
EXISTING = {"keyspace", "resp", "clients", "blocking", "eventloop", "dispatch", "encodings",
            "rehash", "expire", "eviction", "typechoice", "transport", "transactions", "pubsub",
            "streams", "scripting", "rdb", "tracking", "aof"}


def test_every_existing_mechanism_has_a_tutorial() -> None:
    assert EXISTING <= set(MECHS)
    for m in MECHS:
        for f in ("README.md", "reference.d2", "starter.d2", "rubric.yaml"):
            assert (TUTORIALS / m / f).is_file(), f"{m}/{f}"


# -- the D2 reader ---------------------------------------------------------------------------

SAMPLE = '''\
# a comment
direction: down
a: "Set with TTL\\nSET k v EX 10" {
  shape: rectangle
  inner: Lookup
}
b.c -> a.inner: "lookup / expireIfNeeded"
t: {shape: sql_table; f1: int; f2: "text"}
s: seq {
  shape: sequence_diagram
  alice -> bob: hi
  bob -> alice: back
}
x <- y: back
p <-> q
p.style.fill: red
'''


def test_the_reader_keeps_shapes_containers_edges_labels_and_order() -> None:
    m = d2.parse(SAMPLE)
    assert m.direction == "down" and m.errors == []
    assert m.shapes[("a",)].label == "Set with TTL\nSET k v EX 10"
    assert m.shapes[("a",)].children == [("a", "inner")]
    assert m.shapes[("a", "inner")].label == "Lookup"
    assert m.shapes[("t",)].kind == "sql_table"
    assert [m.shapes[c].label for c in m.shapes[("t",)].children] == ["int", "text"]
    seq = m.sequence_diagrams()
    assert [s.path for s in seq] == [("s",)]
    assert [(e.src[-1], e.dst[-1], e.label) for e in m.messages(seq[0])] == [
        ("alice", "bob", "hi"), ("bob", "alice", "back")]
    pairs = [(e.src, e.dst, e.label) for e in m.edges]
    assert ((("b", "c"), ("a", "inner"), "lookup / expireIfNeeded")) in pairs
    assert ((("y",), ("x",), "back")) in pairs  # <- is turned round
    assert ((("p",), ("q",), "")) in pairs and ((("q",), ("p",), "")) in pairs
    assert ("p", "style") not in m.shapes and ("style",) not in m.shapes


def test_a_field_stands_for_its_table() -> None:
    """In a data model an arrow from a field is an arrow from its table: path and invariant
    items see ``t.f -> u.g`` as leaving t and reaching u."""
    r = load(RUBRICS["rehash"])
    model = d2.parse("dict: {shape: sql_table; ht1: x}\nt1: \"table 1\" {shape: sql_table; a: y}\n"
                     "t0: \"table 0\" {shape: sql_table; b: z}\ndict.ht1 -> t1\nt1.a -> t0.b\n")
    got = {v.item.id: v.status for v in check(r, model)}
    assert got["two-tables"] == "holds" and got["no-move-back"] == "breaks"


def test_artifact_kinds() -> None:
    assert artifact_kind(d2.parse("s: {shape: sequence_diagram; a -> b: x}")) == "sequence"
    assert artifact_kind(d2.parse("shape: sequence_diagram\na -> b: x\n")) == "sequence"
    assert artifact_kind(d2.parse("t: {shape: sql_table; id: int}\nu: {shape: sql_table}\n"
                                  "t -> u")) == "data_model"
    assert artifact_kind(d2.parse("a -> b: GO / OK\nb -> a: BACK / OK")) == "state_machine"
    assert artifact_kind(d2.parse("a -> b\nb -> c: then")) == "flowchart"
    assert artifact_kind(d2.parse("a\nb")) == "none"


def test_d2_validate_reports_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.d2"
    bad.write_text('a -> b: "unterminated\nc: {\n')
    assert d2.validate(bad)
    good = tmp_path / "good.d2"
    good.write_text("a -> b\n")
    assert d2.validate(good) is None


# -- rubrics ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> object:
    return _diagrams_tool().spec_index()


@pytest.mark.parametrize("mech", MECHS)
def test_every_item_is_tied_to_spec_code_and_a_redis_function(mech: str, index: object) -> None:
    """An item's ``spec`` names a function or property that exists (the label rule of
    tools/diagrams.py) and its ``redis`` function is named in a docstring or comment of spec/."""
    tool = _diagrams_tool()
    r = load(RUBRICS[mech])
    assert r.mechanism == mech
    for item in r.items:
        assert item.spec.startswith(("spec.", "properties.")), item.id
        assert "." in item.spec.split(".", 1)[1], item.id
        redis_fn = item.redis.split(" ")[0]
        assert redis_fn[:1].islower() and any(c.isupper() for c in redis_fn), item.id
        problems = tool.check_text(f'x: "{item.spec}\\n{redis_fn}"\n', index)
        assert problems == [], (item.id, problems)


def test_a_planted_unknown_spec_name_would_be_caught(index: object) -> None:
    tool = _diagrams_tool()
    assert tool.check_text('x: "spec.expire.active_expire_cycel\\nexpireIfNeeded"\n', index)
    assert tool.check_text('x: "spec.expire.active_expire_cycle\\nexpireIfNeedd"\n', index)


def _order_rubric(tmp_path: Path, forbid_order: list[str]) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump({
        "mechanism": "x", "artifact": "sequence",
        "concepts": {"a": [": a$"], "b": [": b$"], "c": [": c$"]},
        "items": [{"id": "i", "kind": "invariant", "forbid_order": forbid_order,
                   "spec": "spec.x.y", "redis": "fooBar",
                   "feedback": {"holds": "h", "breaks": "m", "revision": "r"}}]}))
    return path


def test_a_third_forbid_order_concept_ends_the_window(tmp_path: Path) -> None:
    """``forbid_order: [a, b, c]`` forbids a b after an a only until the next c; with two
    concepts any later b breaks; one or four concepts are refused."""
    def status(forbid: list[str], msgs: str) -> str:
        text = "shape: sequence_diagram\n" + "".join(f"p -> q: {m}\n" for m in msgs.split())
        return check(load(_order_rubric(tmp_path, forbid)), d2.parse(text))[0].status
    assert status(["a", "b", "c"], "a c b") == "holds"
    assert status(["a", "b", "c"], "a b c") == "breaks"
    assert status(["a", "b", "c"], "a c a b") == "breaks"
    assert status(["a", "b"], "a c b") == "breaks"
    for bad in (["a"], ["a", "b", "c", "a"]):
        with pytest.raises(RubricError, match="forbid_order needs"):
            load(_order_rubric(tmp_path, bad))


def test_a_rubric_naming_an_unknown_concept_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rubric.yaml"
    bad.write_text(yaml.safe_dump({
        "mechanism": "x", "artifact": "flowchart", "concepts": {"a": ["a"]},
        "items": [{"id": "i", "kind": "path", "path": ["a", "nope"], "spec": "spec.x.y",
                   "redis": "fooBar", "feedback": {"holds": "h", "missing": "m",
                                                   "revision": "r"}}]}))
    with pytest.raises(RubricError, match="unknown concept nope"):
        load(bad)


@pytest.mark.parametrize("mech", MECHS)
def test_the_reference_model_passes_its_rubric(mech: str) -> None:
    r = review(TUTORIALS / mech / "reference.d2", load(RUBRICS[mech]))
    assert r.syntax is None
    assert [(v.item.id, v.status, v.detail) for v in r.verdicts if v.status != "holds"] == []
    assert r.counterexample is None, r.counterexample and r.counterexample.script()
    assert r.unread == []
    assert r.ok


@pytest.mark.parametrize("mech", MECHS)
def test_the_starter_fails_with_exactly_its_holes(mech: str) -> None:
    want = yaml.safe_load(RUBRICS[mech].read_text())["starter"]
    r = review(TUTORIALS / mech / "starter.d2", load(RUBRICS[mech]))
    assert r.syntax is None
    assert sorted(v.item.id for v in r.by_status("missing")) == sorted(want["missing"])
    assert sorted(v.item.id for v in r.by_status("breaks")) == sorted(want["breaks"])
    assert (r.counterexample is not None) == bool(want.get("counterexample", False))
    assert not r.ok and r.next_step()


# -- planted defects -------------------------------------------------------------------------

#: (mechanism, text of the reference replaced, by, the item reported, its status)
PLANTED = [
    ("expire", "passive -> prop\n", "", "propagate-passive", "missing"),
    ("expire", 'stop -> sample: "yes: sample again"\n', "", "stop-rule", "missing"),
    ("expire", "passive -> nil\n", "", "passive-delete", "missing"),
    ("expire", 'check -> value: "no"\n', 'check -> value: "no"\ncheck -> value: "yes"\n',
     "no-expired-value", "breaks"),
    ("expire", "lookup -> check\n", "lookup -> check\nlookup -> value\n",
     "read-checks-first", "breaks"),
    ("transactions", "qtouched -> idle: \"EXEC / nil;\\nDISCARD / OK\"",
     "qtouched -> idle: \"EXEC / array;\\nDISCARD / OK\"", "exec-after-touch", "breaks"),
    ("transactions", ";\\nDISCARD / OK\"", "\"", "discard", "missing"),  # every DISCARD
    ("transactions", "start -> idle\n", "start -> idle\nqueuing -> queuing: \"WATCH k / OK\"\n",
     "watch-inside-multi", "breaks"),
    ("clients", "unauth -> ready: \"AUTH pw / OK\"\n", "", "authenticate", "missing"),
    ("clients", "start -> unauth\n", "start -> unauth\nunauth -> unauth: \"GET k / nil\"\n",
     "served-before-auth", "breaks"),
    ("clients", "start -> unauth\n",
     "start -> unauth\nsubscribed -> subscribed: \"GET k / nil\"\n",
     "command-in-subscribed", "breaks"),
    ("eventloop", 'write -> poll: "next turn"\n', "", "next-turn", "missing"),
    ("encodings", 'listpack -> hashtable: "HSET a value over 64 bytes / converted"\n', "",
     "too-big-value", "missing"),
    ("encodings", 'hashtable -> hashtable: "HDEL down to 1 field / stays: never converted back"',
     'hashtable -> listpack: "HDEL down to 1 field / converted back to a listpack"',
     "no-way-back", "breaks"),
    ("encodings", 'listpack -> none: "HDEL the last field / key deleted"',
     'empty: "an empty hash"\nlistpack -> empty: "HDEL the last field / 0 fields left"',
     "no-empty-hash", "breaks"),
    ("keyspace", 'db.expires -> db.keys: "every key here is also in keys"\n', "",
     "expires-subset", "missing"),
    ("keyspace", 'db.keys -> value: "one per key"\n',
     'db.keys -> value: "one per key"\ndb.expires -> value: "the TTL"\n',
     "ttl-not-in-value", "breaks"),
    ("transport", 'server -> client: "next write event: the rest of GET\'s reply, then :2"\n', "",
     "partial-write", "missing"),
    ("transport", 'server -> client: "writeToClient',
     'server -> client: ":2"\nserver -> client: "writeToClient', "replies-in-order", "breaks"),
    ("dispatch", 'arity -> auth: "ok"\n', 'arity -> call: "ok"\n', "arity-before-auth", "missing"),
    ("dispatch", 'lookup -> arity: "found"\n', 'lookup -> arity: "found"\nlookup -> call: "fast path"\n',
     "nothing-skips-the-gates", "breaks"),
    ("dispatch", 'multi -> call: "no"\n', 'multi -> call: "no"\nerr_unknown -> call\n',
     "unknown-is-not-run", "breaks"),
    ("eviction", 'again -> sample: "yes, evict more"\n', "", "loop-until-under", "missing"),
    ("eviction", 'policy -> oom: "yes"\n', 'policy -> evict: "yes"\n', "noeviction-never-evicts",
     "breaks"),
    ("eviction", 'cmd -> over\n', 'cmd -> over\ncmd -> oom: "GET k"\n', "reads-not-refused",
     "breaks"),
    ("resp", " / wait for more bytes", " / carry on", "incomplete-waits", "missing"),  # every wait
    ("resp", 'payload -> payload: "fewer than len + 2 bytes / wait for more bytes"',
     'payload -> run: "fewer than len + 2 bytes / wait for more bytes"',
     "incomplete-never-runs", "breaks"),
    ("resp", 'run -> begin: "more bytes in the buffer / next request"',
     'run -> begin: "more bytes in the buffer / next request"\nerror -> begin: "/ go on"',
     "no-parsing-after-error", "breaks"),
    ("rehash", 't0.b2 -> t1.moved', 't1.moved -> t0.b2', "no-move-back", "breaks"),
    ("rehash", "rehashidx", "progress", "rehashidx", "missing"),  # the field and its arrow
    ("typechoice", 'zset -> cost\n', "", "priced", "missing"),
    ("typechoice", 'order -> zset: "yes"', 'order -> ends: "yes"\norder -> list: "yes"',
     "no-list-for-ranking", "breaks"),
    ("blocking", 'items -> empty: "BLPOP k 0 / array;', 'items -> blocked: "BLPOP k 0 / -";\n'
     'items -> empty: "', "no-block-with-data", "breaks"),
    ("blocking", 'start -> empty\n', 'start -> empty\nblocked -> blocked: "LPOP k / nil"\n',
     "blocked-client-types-nothing", "breaks"),
    ("pubsub", 'server -> sub: "message news hi\\n(pubsubPublishMessage: into its output buffer)"\n',
     "", "deliver-and-count", "missing"),
    ("pubsub", 'server -> pub: "(integer) 1: the receivers counted"\n', "",
     "deliver-and-count", "missing"),
    ("pubsub", 'pub -> server: "PUBLISH news again"\n',
     'pub -> server: "PUBLISH news again"\nserver -> sub: "message news again"\n',
     "message-after-unsubscribe", "breaks"),
    ("rdb", 'file.aux -> aux: "name / value pairs"\n', "", "aux-fields", "missing"),
    ("rdb", 'db.keys -> key: "RESIZEDB said how many"\n', "", "db-sections", "missing"),
    ("rdb", '  expire: "EXPIRETIME_MS (0xFC): absolute unix ms; only for a key with a TTL"\n', "",
     "expire-prefix", "missing"),
    ("rdb", '  idle: "IDLE (0xF8): seconds since last access; under an LRU policy"\n'
     '  freq: "FREQ (0xF9): the LFU counter; under an LFU policy"\n', "", "access-info",
     "missing"),
    ("rdb", '  crc: "CRC-64 of every byte before it (8 bytes; zeros with rdbchecksum no)"\n', "",
     "checksum", "missing"),
    ("rdb", 'dump.value -> object: "the same serialisation"\n', "", "dump-payload", "missing"),
    ("rdb", "key.value -> object\n", 'key.value -> object\ndump -> key: "the key it came from"\n',
     "payload-has-no-key", "breaks"),
    ("rdb", "key.value -> object\n", 'key.value -> object\nobject.string -> key.expire: "its TTL"\n',
     "ttl-not-in-value", "breaks"),
    ("scripting", 'cached -> noscript: "no (EVALSHA)"\n', "", "noscript", "missing"),
    ("scripting", "convert -> wrap -> reply", "convert -> reply", "propagate-wrapped", "missing"),
    ("scripting", "eval -> sha -> cached", "eval -> cached", "cache-by-sha1", "missing"),
    ("scripting", 'ro_gate -> sandbox: "no (EVAL, EVALSHA)"\n',
     'ro_gate -> run: "no (EVAL, EVALSHA)"\n', "fresh-sandbox", "missing"),
    ("scripting", "library -> run\n", "", "function-library", "missing"),
    ("scripting", "rcall -> gates\n", "rcall -> dispatch\n", "call-through-gates", "missing"),
    ("scripting", "rcall -> gates\n", "rcall -> gates\nrcall -> dispatch\n", "gates-first",
     "breaks"),
    ("scripting", 'cached -> ro_gate: "yes"\n', 'cached -> ro_gate: "yes"\ncached -> run: "again"\n',
     "no-run-without-sandbox", "breaks"),
    ("streams", '"XACK / 1"', '"XACK / ok"', "acknowledge", "missing"),  # both XACK / 1
    ("streams", 'alice -> bob: "bob: XCLAIM / claimed"\n', "", "claim", "missing"),
    ("streams", "alice: XREADGROUP 0 / entry (delivered again);", "", "redeliver", "missing"),
    ("streams", '> / entry"', '> / nil"', "deliver", "missing"),
    ("streams", "alice: XREADGROUP > / nil;\\nbob: XREADGROUP > / nil\"",
     "alice: XREADGROUP > / entry;\\nbob: XREADGROUP > / nil\"", "delivered-once", "breaks"),
    ("streams", 'bob -> acked: "XACK / 1"\n',
     'bob -> acked: "XACK / 1"\nacked -> bob: "bob: XCLAIM / claimed"\n', "ack-is-final",
     "breaks"),
    ("tracking", 'server -> tracker: "push: invalidate [user:1]\\n(trackingInvalidateKey: told, '
     'and user:1 forgotten)"\n', "", "read-change-told", "missing"),
    ("tracking", 'server -> writer: "OK (nobody is told: user:1 was forgotten)"\n',
     'server -> writer: "OK"\nserver -> tracker: "push: invalidate [user:1]"\n', "told-once",
     "breaks"),
    ("tracking", 'server -> tracker: "OK: its own reply first"\n', "", "own-reply-first",
     "missing"),
    ("tracking", 'server -> tracker: "OK: its own reply first"\nserver -> tracker: "push: '
     'invalidate [user:1]\\n(held until after the reply: trackingHandlePendingKeyInvalidations)"\n',
     'server -> tracker: "push: invalidate [user:1]"\nserver -> tracker: "OK"\n',
     "no-push-before-own-reply", "breaks"),
    ("tracking", 'tracker -> server: "CLIENT TRACKING on NOLOOP"\n', "", "noloop", "missing"),
    ("tracking", 'server -> tracker: "OK (NOLOOP: no push about its own write)"\n',
     'server -> tracker: "OK"\nserver -> tracker: "push: invalidate [user:1]"\n',
     "noloop-own-write-silent", "breaks"),
    ("tracking", 'tracker -> server: "HELLO 3"\n', "", "resp3-then-track", "missing"),
    ("tracking", 'server -> writer: "OK"\n',
     'server -> writer: "OK"\nserver -> writer: "push: invalidate [user:1]"\n',
     "only-trackers-told", "breaks"),
    ("eventloop", "poll -> read -> cron", "poll -> read -> cron\npoll -> cron",
     "timers-before-files", "breaks"),
    ("eventloop", "poll -> read -> cron -> sleep -> write",
     "poll -> read -> cron -> sleep -> write\nread -> write", "reply-written-in-read", "breaks"),
    ("aof", 'server -> disk: "beforeSleep, flushAppendOnlyFile: write(aof_buf) to '
     'appendonly.aof.1.incr.aof"\nserver -> disk: "fdatasync (appendfsync always), still before '
     'the replies"\n', "", "write-before-reply", "missing"),
    ("aof", 'client -> server: "SET user:1 alice"\n',
     'client -> server: "SET user:1 alice"\nserver -> client: "OK"\n', "no-reply-before-write",
     "breaks"),
    ("aof", 'server -> disk: "rewriteAppendOnlyFileBackground: flush aof_buf to the old INCR '
     'file (1.incr)"\n', "", "flush-then-fork", "missing"),
    ("aof", "write to the new INCR file (2.incr)", "write to the old INCR file (1.incr)",
     "not-into-old-incr", "breaks"),
    ("aof", "written to a temp file and renamed over the old one (the atomic switch)",
     "written in place", "atomic-switch", "missing"),
    ("aof", 'client -> server: "BGREWRITEAOF"\n',
     'client -> server: "BGREWRITEAOF"\nserver -> disk: "unlink appendonly.aof.1.incr.aof"\n',
     "history-after-switch", "breaks"),
]


def _planted(mech: str, old: str, new: str) -> d2.Model:
    src = (TUTORIALS / mech / "reference.d2").read_text()
    assert old in src, (mech, old)
    return d2.parse(src.replace(old, new))


@pytest.mark.parametrize(("mech", "old", "new", "item", "status"), PLANTED,
                         ids=[f"{p[0]}-{p[3]}" for p in PLANTED])
def test_a_planted_defect_is_reported_with_its_item(mech: str, old: str, new: str, item: str,
                                                    status: str) -> None:
    verdicts = check(load(RUBRICS[mech]), _planted(mech, old, new))
    bad = {v.item.id: v.status for v in verdicts if v.status != "holds"}
    assert bad.get(item) == status, bad


#: (mechanism, replaced, by, the shortest disagreeing events, learner reply, spec reply)
WRONG_TRANSITIONS = [
    ("transactions", "qtouched -> idle: \"EXEC / nil;\\nDISCARD / OK\"",
     "qtouched -> idle: \"EXEC / array;\\nDISCARD / OK\"",
     ["WATCH k", "MULTI", "other: SET k v", "EXEC"], "array", "nil"),
    ("transactions", "touched -> idle: \"UNWATCH / OK\"", "touched -> touched: \"UNWATCH / OK\"",
     ["WATCH k", "SET k v", "UNWATCH", "MULTI", "EXEC"], "nil", "array"),
    ("transactions", "watching -> touched: \"other: SET k v / -;\\nSET k v / OK\"",
     "watching -> touched: \"other: SET k v / -\"", ["WATCH k", "SET k v"], "error", "ok"),
    ("blocking", "other: CLIENT UNBLOCK / nil", "other: CLIENT UNBLOCK / array",
     ["BLPOP k 0", "other: CLIENT UNBLOCK"], "array", "nil"),
    ("blocking", 'items -> empty: "BLPOP k 0 / array;', 'items -> blocked: "BLPOP k 0 / -"\n'
     'items -> empty: "', ["other: RPUSH k v", "BLPOP k 0"], "none", "array"),
    ("clients", "ready -> unauth: \"RESET / RESET\"", "ready -> ready: \"RESET / RESET\"",
     ["AUTH pw", "RESET", "PING"], "pong", "noauth"),
    ("clients", "ready -> ready: \"PING / PONG;\\nGET k / nil;\\nAUTH pw / OK;\\n"
     "AUTH wrong / WRONGPASS;", "ready -> unauth: \"AUTH wrong / WRONGPASS\"\n"
     "ready -> ready: \"PING / PONG;\\nGET k / nil;\\nAUTH pw / OK;",
     ["AUTH pw", "AUTH wrong", "PING"], "noauth", "pong"),
    ("streams", 'bob -> acked: "XACK / 1"\n', 'bob -> acked: "XACK / 0"\n',
     ["XADD s 1-1 f v", "bob: XREADGROUP >", "XACK"], "0", "1"),
    ("streams", 'bob -> bob: "bob: XCLAIM / claimed;\\nalice: XREADGROUP 0 / empty;',
     'bob -> bob: "bob: XCLAIM / claimed;\\nalice: XREADGROUP 0 / entry;',
     ["XADD s 1-1 f v", "bob: XREADGROUP >", "alice: XREADGROUP 0"], "entry", "empty"),
    ("streams", 'alice -> bob: "bob: XCLAIM / claimed"\n', 'alice -> alice: "bob: XCLAIM / empty"\n',
     ["XADD s 1-1 f v", "alice: XREADGROUP >", "bob: XCLAIM"], "empty", "claimed"),
    ("streams", "XACK / 0;\\nbob: XCLAIM / empty\"\nnone -> new",
     "bob: XCLAIM / empty\"\nnone -> new", ["XACK"], "error", "0"),
]


@pytest.mark.parametrize(("mech", "old", "new", "events", "mine", "spec"), WRONG_TRANSITIONS,
                         ids=[f"{w[0]}-{'-'.join(w[3])}" for w in WRONG_TRANSITIONS])
def test_the_comparison_finds_a_planted_wrong_transition(mech: str, old: str, new: str,
                                                         events: list[str], mine: str,
                                                         spec: str) -> None:
    m = MACHINES[load(RUBRICS[mech]).machine]
    model = _planted(mech, old, new)
    assert learner_machine(m, model).unread == []
    ce = compare(m, model)
    assert ce is not None
    assert [e.name for e in ce.events] == events
    assert (ce.learner_reply, ce.spec_reply) == (mine, spec)
    script = ce.script().splitlines()
    assert len(script) == len(events) + 1 + sum(len(e.before) for e in ce.events)
    assert all(line.startswith(("127.0.0.1:6379> ", "(2) 127.0.0.1:6379> "))
               for line in script[:-1])
    assert script[-1] == f"# the spec answers: {spec}; your machine: {mine}"


def test_the_comparison_is_shortest_first() -> None:
    """Breadth first: no shorter prefix of a counterexample disagrees already."""
    m = MACHINES["transactions"]
    model = _planted("transactions", "qtouched -> idle: \"EXEC / nil;",
                     "qtouched -> idle: \"EXEC / array;")
    ce = compare(m, model)
    assert ce is not None
    for cut in range(1, len(ce.events)):
        assert compare(m, model, depth=cut) is None


# -- the command -----------------------------------------------------------------------------


def test_a_file_d2_refuses_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.d2"
    bad.write_text((TUTORIALS / "expire" / "reference.d2").read_text() + 'x: "unterminated\n')
    r = review(bad, load(RUBRICS["expire"]))
    assert r.syntax and not r.ok and r.next_step().startswith("make the file valid D2")
    runner = CliRunner()
    out = runner.invoke(main, ["review", str(bad), "--mechanism", "expire", "--json"])
    assert out.exit_code == 1 and json.loads(out.output)["syntax"]


def test_cli_exit_status_and_json() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["review", str(TUTORIALS / "expire" / "reference.d2"),
                              "--mechanism", "expire"])
    assert ok.exit_code == 0, ok.output
    assert "holds up" in ok.output and "everything holds up" in ok.output
    bad = runner.invoke(main, ["review", str(TUTORIALS / "transactions" / "starter.d2"),
                               "--mechanism", "transactions", "--json"])
    assert bad.exit_code == 1
    data = json.loads(bad.output)
    assert {v["id"] for v in data["missing"]} == {"watch-touch-abort", "discard"}
    assert data["counterexample"]["script"].startswith("127.0.0.1:6379> WATCH k")
    assert "touchWatchedKey" in data["next_revision"]
    for v in data["missing"]:
        assert v["redis"] and v["spec"] and v["revision"]
    unknown = runner.invoke(main, ["review", str(TUTORIALS / "expire" / "reference.d2"),
                                   "--mechanism", "nosuch"])
    assert unknown.exit_code == 2 and "no rubric" in unknown.output
