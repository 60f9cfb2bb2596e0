"""``input_not_mutated``, shared by every state machine: a transition leaves its input alone.

A transition is a pure function of a ``ServerState`` (``spec/step.py``). The state is frozen
``attrs`` instances over ``immutables.Map`` and immutable keyspace values, so what can go wrong
is not a map changing — a ``Map`` cannot change — but the things that get round the freezing:

- an attribute of a frozen instance rebound in place (``object.__setattr__`` on a ``Db``, the
  ``ServerState``, a ``Client``'s parts, ``Stats``, a ``HashTables``, ...), or of a keyspace
  value (``ListValue``, ``HashValue``, ``SetValue``, ``ZSet`` are plain slotted classes: a
  "push in place" is one assignment away);
- a mutation handle escaping into the state: a ``MapMutation`` (``Map.mutate()`` not
  finished), or any other container that changes in place (``list``, ``dict``, ``set``,
  ``bytearray``): whoever still holds it can change the state after it was returned.

:func:`frozen_view` walks everything reachable from a state — every database (keys and their
values, expires, access words, modelled memory, both dict tables), the clients, config, stats,
and every mechanism's part (pubsub, blocking, watched keys, transport, evict, dicts, cron) —
and records, for each frozen instance and value, *the objects its fields hold* (not copies:
identity is the check, and it costs no copying). It refuses a state that holds a mutable
container. :meth:`FrozenView.changes` reads the same fields again and names each one that no
longer holds the same object. :func:`checked` wraps one transition call with both.

What is left out on purpose: ``_size`` and ``_lpb`` of the keyspace values
(``objectComputeSize`` memoised by ``spec.memory``, a listpack's byte count: caches, filled
once, of an immutable value), and the command
table's ``CommandSpec`` objects a MULTI queue refers to (static metadata, shared by identity).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import chain, compress
from operator import attrgetter, call, is_
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import attrs
from immutables import Map

from redspec.spec.table import CommandSpec

__all__ = ["FrozenView", "frozen_view", "checked", "path_to"]

#: Slots that are caches, not state (filled at most once on an immutable value).
_MEMO_SLOTS = frozenset({"_size", "_lpb"})

# How the walk treats an object of a given type (``_plan``).
_LEAF = 0  # immutable all the way down: nothing to record
_RECORD = 1  # frozen attrs instance or slotted value: record its fields, walk them
_MAP = 2  # immutables.Map: cannot change, but its values can be objects to walk
_SEQ = 3  # tuple / frozenset: walk the elements
_MUTABLE = 4  # a container that changes in place: must not be in a state at all
_OPAQUE = 5  # held by identity only (its owner's record covers it)

_LEAF_TYPES: tuple[type, ...] = (int, float, complex, str, bytes, bool, type(None), range)
#: ``Map.mutate()``'s handle (``immutables.MapMutation`` is only a typing Protocol).
_MAP_MUTATION = type(Map().mutate())
_MUTABLE_TYPES: tuple[type, ...] = (_MAP_MUTATION, list, dict, set, bytearray, memoryview)
_OPAQUE_TYPES: tuple[type, ...] = (CommandSpec, FunctionType, BuiltinFunctionType, MethodType,
                                   partial)


@attrs.frozen
class _Plan:
    kind: int
    #: The record's fields, and a getter returning them as a tuple (even for one field).
    names: tuple[str, ...] = ()
    get: Any = None


#: type -> how to walk it
_PLANS: dict[type, _Plan] = {}


class _WalkTable(dict):  # type: ignore[type-arg]
    """type -> whether a value of it may hold something to walk; a type not seen before is
    planned on first lookup (``__missing__`` keeps ``map(_WALK.__getitem__, ...)`` at C speed)."""

    def __missing__(self, t: type) -> bool:
        _plan(t)
        return bool(self[t])


_WALK = _WalkTable()


def _plan(t: type) -> _Plan:
    plan = _PLANS.get(t)
    if plan is not None:
        return plan
    names: tuple[str, ...] = ()
    if issubclass(t, _MUTABLE_TYPES):
        kind = _MUTABLE
    elif issubclass(t, _LEAF_TYPES):
        kind = _LEAF
    elif issubclass(t, Map):
        kind = _MAP
    elif issubclass(t, (tuple, frozenset)):
        kind = _SEQ
    elif issubclass(t, _OPAQUE_TYPES):
        kind = _OPAQUE
    elif attrs.has(t):
        kind, names = _RECORD, tuple(f.name for f in attrs.fields(t))
    else:
        slots: list[str] = []
        for k in reversed(t.__mro__):
            # a class compiled by mypyc (a native class) keeps no __slots__, but names its
            # attributes in __mypyc_attrs__
            s = vars(k).get("__slots__", vars(k).get("__mypyc_attrs__", ()))
            slots.extend([s] if isinstance(s, str) else s)
        names = tuple(n for n in slots if n not in _MEMO_SLOTS and n != "__weakref__")
        # an object with neither attrs fields nor slots keeps a __dict__: it changes in place
        kind = _RECORD if names else _MUTABLE if t.__dictoffset__ else _OPAQUE
    get = None
    if names:
        get = attrgetter(*names) if len(names) > 1 else attrgetter(names[0], names[0])
    plan = _PLANS[t] = _Plan(kind, names, get)
    _WALK[t] = kind not in (_LEAF, _OPAQUE)
    if kind == _LEAF or kind == _OPAQUE:
        _INERT.add(t)
    return plan


#: The types of values a walk passes over (leaves and opaque objects), for the fast paths.
_INERT: set[type] = set()


class FrozenView:
    """What a state held when it was given to a transition: every frozen instance reachable
    from it (``objs``, depth first), how to read its fields (``getters``) and what they held
    (``held``)."""

    __slots__ = ("state", "objs", "getters", "held", "_flat")

    def __init__(self, state: Any, objs: list[Any], getters: list[Any], held: list[Any]) -> None:
        self.state = state
        self.objs = objs
        self.getters = getters
        self.held = held
        self._flat: list[Any] | None = None  # ``held`` end to end, made on first use

    def changes(self) -> list[str]:
        """Each field rebound since the view was taken, as ``path.field``."""
        flat = self._flat
        if flat is None:
            flat = self._flat = list(chain.from_iterable(self.held))
        if all(map(is_, chain.from_iterable(map(call, self.getters, self.objs)), flat)):
            return []
        out: list[str] = []
        now = list(map(call, self.getters, self.objs))
        for obj, a, b in zip(self.objs, now, self.held, strict=True):
            names = [n for n, x, y in zip(_PLANS[type(obj)].names, a, b, strict=False)
                     if not _same(x, y)]
            if names:
                where = path_to(self.state, obj) or f"a {type(obj).__name__} once in it"
                out.extend(f"{where}.{n}" for n in names)
        return out


_SCALARS = (int, float, bool)


def _same(x: Any, y: Any) -> bool:
    """``x is y``, or equal numbers: a value type compiled by mypyc keeps an ``int`` or
    ``float`` field unboxed and hands out a new object on each read, so for those only the
    value can say that nothing changed (NaN equal to NaN)."""
    if x is y:
        return True
    t = type(x)
    return t is type(y) and t in _SCALARS and (x == y or (x != x and y != y))


#: Containers known to be immutable all the way down (a ``Map`` or tuple of leaves, or of
#: such containers): ``id -> the container``, held so that the id stays its own. A ``Map``
#: never changes, so what was found once holds for good; this is what keeps the walk cheap (a
#: transition's output shares almost everything with its input, so each walk looks only at
#: what the last transition built).
_DEEP: dict[int, Any] = {}
#: Containers holding something to walk: ``id -> (container, those values)``.
_MIXED: dict[int, tuple[Any, tuple[Any, ...]]] = {}
#: The caches are emptied when they pass their caps. Small on purpose: what they hold stays
#: alive, and a larger live heap makes every garbage collection of the run slower (with caps
#: of 10^5 the checks cost the machines twice as much), while taking over serves only the
#: next few transitions anyway.
_CACHE_CAP = 4_000


def _inner(c: Any, kind: int) -> tuple[Any, ...]:
    """What of the container ``c`` must be walked on every view: its values that are not
    immutable all the way down (memoised by identity)."""
    k = id(c)
    if k in _DEEP:
        return ()
    hit = _MIXED.get(k)
    if hit is not None:
        return hit[1]
    if len(_DEEP) + len(_MIXED) > _CACHE_CAP:
        _DEEP.clear()
        _MIXED.clear()
    keep: list[Any] = []
    values = tuple(c.values()) if kind == _MAP else tuple(c)
    types = set(map(type, values))
    if types <= _INERT or types - _INERT == {tuple} and set(map(type, chain.from_iterable(
            v for v in values if type(v) is tuple))) <= _INERT:
        _DEEP[k] = c  # (leaves, or flat tuples of leaves, as most maps of the state hold)
        return ()
    walk = _WALK.__getitem__
    for v in compress(values, map(walk, map(type, values))):
        vk = _PLANS[type(v)].kind
        if vk == _SEQ:
            if any(map(walk, map(type, v))) and _inner(v, vk):  # (a tuple of leaves: no)
                keep.append(v)
        elif vk != _MAP or _inner(v, vk):
            keep.append(v)
    if keep:
        found = tuple(keep)
        _MIXED[k] = (c, found)
        return found
    _DEEP[k] = c
    return ()


class _End:
    """Pushed under an object's children: when it comes off the stack the subtree is done
    (its records start at ``start``; ``skips`` counts the objects passed over as met before
    when it was pushed)."""

    __slots__ = ("obj", "start", "skips")

    def __init__(self, obj: Any, start: int, skips: int) -> None:
        self.obj = obj
        self.start = start
        self.skips = skips


#: The records of each object's subtree, as the view that walked it took them:
#: ``id -> (object, objs, getters, held)`` (the object held, so that the id stays its own).
#: A view that meets the object again takes the subtree over from there.
_SPANS: dict[int, tuple[Any, list[Any], list[Any], list[Any]]] = {}
_SPANS_CAP = 2_000


def frozen_view(state: Any, what: Callable[[], str] | None = None,
                reuse: bool = False) -> FrozenView:
    """Record everything a transition must leave alone in ``state``; an AssertionError naming
    ``input_not_mutated`` if the state holds a container that changes in place (``what()``
    says which state, for the message).

    With ``reuse``, an object an earlier view walked is not walked again: its whole subtree is
    taken over as that view recorded it. That is sound when what it recorded still holds
    (``checked`` has just found the view of a transition's input unchanged when it takes the
    view of its output); where it does not, what changed since is still reported, by the
    next :meth:`FrozenView.changes`, since the records taken over say what the fields held.
    """
    objs: list[Any] = []
    getters: list[Any] = []
    helds: list[Any] = []
    spans = _SPANS
    if len(spans) > _SPANS_CAP:
        spans.clear()
    stack = [state]
    pop, push, extend = stack.pop, stack.append, stack.extend
    add_obj, add_get, add_held = objs.append, getters.append, helds.append
    plans, deep, mixed, walkable = _PLANS, _DEEP, _MIXED, _WALK.__getitem__
    # An object with something below it to walk, met a second time in this walk, is passed
    # over (its records are in already; values shared between keys are walked once). A subtree
    # with such a pass-over is not kept for taking over, as it lacks those records; a record
    # of leaves alone (each db's empty dict tables) is neither passed over nor kept: it is
    # cheaper to record again than to look up.
    seen: set[int] = set()
    skips = 0
    while stack:
        obj = pop()
        t = type(obj)
        if t is _End:
            if obj.skips == skips:
                o, a = obj.obj, obj.start
                spans[id(o)] = (o, objs[a:], getters[a:], helds[a:])
            continue
        k = id(obj)
        if k in deep:
            continue
        if reuse:
            sp = spans.get(k)
            if sp is not None and sp[0] is obj:
                objs += sp[1]
                getters += sp[2]
                helds += sp[3]
                continue
        plan = plans.get(t) or _plan(t)
        kind = plan.kind
        if kind == _RECORD:
            held = plan.get(obj)
            inner = [v for v in compress(held, map(walkable, map(type, held)))
                     if id(v) not in deep]
        elif kind == _MAP or kind == _SEQ:
            hit = mixed.get(k)
            inner = _inner(obj, kind) if hit is None else hit[1]
        elif kind == _MUTABLE:
            where = path_to(state, obj) or "somewhere"
            raise AssertionError(
                f"input_not_mutated: {what() if what else 'the state'} holds a "
                f"{t.__name__} at {where} (a container that changes in place: whoever holds "
                "it can change the state after the fact)")
        else:
            continue
        if inner:
            if k in seen:
                skips += 1
                continue
            seen.add(k)
            push(_End(obj, len(objs), skips))
            extend(inner)
        if kind == _RECORD:
            add_obj(obj)
            add_get(plan.get)
            add_held(held)
    return FrozenView(state, objs, getters, helds)


#: The view of the state the last :func:`checked` transition returned: the view of the
#: next transition's input when that is the same state, and where the next walk takes over
#: what has not changed.
_last: FrozenView | None = None


def _call(transition: Callable[..., Any], args: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(a) for a in args)
    if len(shown) > 200:
        shown = shown[:200] + "…"
    return f"{getattr(transition, '__name__', repr(transition))}(state, {shown})"


def checked(transition: Callable[..., Any], state: Any, *args: Any, **kwargs: Any) -> Any:
    """``transition(state, *args, **kwargs)``, failing with ``input_not_mutated`` if it changed
    ``state``, or if the state it returns (alone or first of a tuple) holds a mutation handle
    through which it could still be changed.

    Cheap by sharing, as the states do: the view of a transition's input is the one taken of
    the output of the transition before (when that is the state given), and the view of its
    output takes over from the view of its input every object the transition did not
    replace. (A change made between two transitions, outside them, is reported by the next.)
    """
    global _last
    view = _last
    if view is None or view.state is not state:
        view = frozen_view(state, reuse=True)
    _last = None
    result = transition(state, *args, **kwargs)
    changed = view.changes()
    if changed:
        raise AssertionError(f"input_not_mutated: {_call(transition, args)} changed the state "
                             "it was given: " + ", ".join(changed))
    out = result[0] if type(result) is tuple and result else result
    if type(out) is type(state):
        _last = frozen_view(out, lambda: f"the state returned by {_call(transition, args)}",
                            reuse=True)
    else:
        _last = view
    return result


def path_to(state: Any, target: Any) -> str | None:
    """Where ``target`` is reachable from ``state`` (``dbs[0].keys[b'k']``), for messages."""
    stack: list[tuple[Any, str]] = [(state, "state")]
    while stack:
        obj, path = stack.pop()
        if obj is target:
            return path
        plan = _plan(type(obj))
        kind = plan.kind
        if kind == _RECORD:
            held = plan.get(obj)
            stack.extend((v, f"{path}.{n}") for n, v in zip(plan.names, held, strict=False))
        elif kind == _MAP:
            stack.extend((v, f"{path}[{k!r}]") for k, v in obj.items())
        elif kind == _SEQ:
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(obj))
        elif kind == _MUTABLE and isinstance(obj, (list, dict)):
            vals = obj.items() if isinstance(obj, dict) else enumerate(obj)
            stack.extend((v, f"{path}[{k!r}]") for k, v in vals)
    return None
