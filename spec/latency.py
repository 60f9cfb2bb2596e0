"""The latency monitor (Redis's ``latency.c`` and ``sparkline.c``): per event, a ring of the
last ``LATENCY_TS_LEN`` latency spikes of at least ``latency-monitor-threshold``
milliseconds, at most one per second, and what LATENCY reports from them.

- **Samples.** ``call`` adds the command's duration (modelled, ``Step.call_us``; see
  ``spec.slowlog``) to the event ``command``, or ``fast-command`` for a command flagged
  ``fast``, when the threshold is set (not 0) and the duration in whole milliseconds reaches
  it (``latencyAddSampleIfNeeded``). A second sample in the same second only raises that
  second's value (``latencyAddSample``). Events of the cron side (``expire-cycle``,
  ``eviction-cycle``, ``fork``, ...) are not recorded: their modelled costs are not
  durations. With every command modelled at 0 µs, the events come from DEBUG SLEEP.
- **Order.** Redis keeps the events in a dict under its random hash seed; here they keep the
  order in which they first appeared (only visible with several events).
- **Reports.** LATEST, HISTORY, RESET as Redis; DOCTOR's text and GRAPH's sparkline are
  built as ``createLatencyReport`` and ``sparklineRender`` build them (the transparent huge
  pages advice depends on the machine: this model has none).
"""

from __future__ import annotations

from .state import LatencyState
from .step import Step

__all__ = ["LATENCY_TS_LEN", "latency_add_sample", "latency_reset", "event_samples",
           "latency_report", "latency_graph", "ts_of"]

#: ``LATENCY_TS_LEN``: the samples kept per event.
LATENCY_TS_LEN = 160
_EMPTY_RING = ((0, 0),) * LATENCY_TS_LEN

TimeSeries = tuple[int, int, tuple[tuple[int, int], ...]]


def ts_of(s: Step, event: bytes) -> TimeSeries | None:
    """The time series of ``event`` (matched byte for byte, as ``dictFetchValue``)."""
    state: LatencyState = s.part("latency")
    for name, ts in state.events:
        if name.encode("utf-8", "surrogateescape") == event:
            return ts
    return None


def latency_add_sample(s: Step, event: str, latency_ms: int) -> None:
    """``latencyAddSample``: record ``latency_ms`` for ``event`` at this second."""
    state: LatencyState = s.part("latency")
    now = s.now_ms // 1000
    events = list(state.events)
    names = [name for name, _ in events]
    if event in names:
        i = names.index(event)
        ts = events[i][1]
    else:
        i, ts = len(events), (0, 0, _EMPTY_RING)
        events.append((event, ts))
    idx, mx, ring = ts
    mx = max(mx, latency_ms)
    prev = (idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN
    if ring[prev][0] == now:
        if latency_ms > ring[prev][1]:
            ring = ring[:prev] + ((now, latency_ms),) + ring[prev + 1:]
    else:
        ring = ring[:idx] + ((now, latency_ms),) + ring[idx + 1:]
        idx = (idx + 1) % LATENCY_TS_LEN
    events[i] = (event, (idx, mx, ring))
    s.set_part("latency", LatencyState(tuple(events)))


def latency_reset(s: Step, event: bytes | None) -> int:
    """``latencyResetEvent``: drop ``event`` (case-insensitive; None: every event); returns
    how many were dropped."""
    state: LatencyState = s.part("latency")
    keep = tuple((n, ts) for n, ts in state.events
                 if event is not None and n.lower().encode() != event.lower())
    if len(keep) != len(state.events):
        s.set_part("latency", LatencyState(keep))
    return len(state.events) - len(keep)


def event_samples(ts: TimeSeries) -> list[tuple[int, int]]:
    """The samples oldest first (``latencyCommandReplyWithSamples``)."""
    idx, _, ring = ts
    out = []
    for j in range(LATENCY_TS_LEN):
        t, lat = ring[(idx + j) % LATENCY_TS_LEN]
        if t:
            out.append((t, lat))
    return out


# -- DOCTOR -------------------------------------------------------------------------------------

_DISABLED = ("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
             "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
             "order to enable it. If we weren't in a deep space mission I'd suggest to take a "
             "look at https://redis.io/topics/latency-monitor.\n")
_NONE = ("Dave, no latency spike was observed during the lifetime of this Redis instance, not "
         "in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
         "pill, and think things over.\n")
_NO_FIX = ("\nWhile there are latency events logged, I'm not able to suggest any easy fix. "
           "Please use the Redis community to get some help, providing this report in your "
           "help request.\n")
_ADVICE = {
    "slowlog_enabled": "- There are latency issues with potentially slow commands you are "
    "using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET "
    "slowlog-log-slower-than {us}'. If the Slow log is disabled Redis is not able to log slow "
    "commands execution for you.\n",
    "slowlog_tuning": "- Your current Slow Log configuration only logs events that are slower "
    "than your configured latency monitor threshold. Please use 'CONFIG SET "
    "slowlog-log-slower-than {us}'.\n",
    "slowlog_inspect": "- Check your Slow Log to understand what are the commands you are "
    "running which are too slow to execute. Please check https://redis.io/commands/slowlog for "
    "more information.\n",
    "scheduler": "- The system is slow to execute Redis code paths not containing system calls. "
    "This usually means the system does not provide Redis CPU time to run for long periods. "
    "You should try to:\n"
    "  1) Lower the system load.\n"
    "  2) Use a computer / VM just for Redis if you are running other software in the same "
    "system.\n"
    "  3) Check if you have a \"noisy neighbour\" problem.\n"
    "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your "
    "system.\n"
    "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if "
    "you are using Jemalloc. However this may create fragmentation problems.\n",
    "large_objects": "- Deleting, expiring or evicting (because of maxmemory policy) large "
    "objects is a blocking operation. If you have very large objects that are often deleted, "
    "expired, or evicted, try to fragment those objects into multiple smaller objects.\n",
}


def _analyze(ts: TimeSeries, now: int) -> tuple[int, int, int, int]:
    """``analyzeLatencyForEvent``: samples, average, mean absolute deviation (integer
    arithmetic as Redis's) and the period in seconds (at least 1)."""
    samples = event_samples(ts)
    n = len(samples)
    if not n:
        return 0, 0, 0, 0
    avg = sum(lat for _, lat in samples) // n
    period = now - min(t for t, _ in samples) or 1
    mad = sum(abs(avg - lat) for _, lat in samples) // n
    return n, avg, mad, period


def latency_report(s: Step) -> str:
    """``createLatencyReport``: the DOCTOR text for the events recorded so far."""
    state: LatencyState = s.part("latency")
    threshold = s.config["latency-monitor-threshold"]
    if not state.events and threshold == 0:
        return _DISABLED
    now = s.now_ms // 1000
    out: list[str] = []
    advise: set[str] = set()
    advices = 0
    for num, (event, ts) in enumerate(state.events, 1):
        if num == 1:
            out.append("Dave, I have observed latency spikes in this Redis instance. You don't "
                       "mind talking about it, do you Dave?\n\n")
        n, avg, mad, period = _analyze(ts, now)
        out.append(f"{num}. {event}: {n} latency spikes (average {avg}ms, mean deviation "
                   f"{mad}ms, period {period / n:.2f} sec). Worst all time event {ts[1]}ms.")
        low = event.lower()
        if low == "command":
            slower = s.config["slowlog-log-slower-than"]
            if slower < 0:
                advise.add("slowlog_enabled")
                advices += 1
            elif slower // 1000 > threshold:
                advise.add("slowlog_tuning")
                advices += 1
            advise |= {"slowlog_inspect", "large_objects"}
            advices += 2
        elif low == "fast-command":
            advise.add("scheduler")
            advices += 1
        out.append("\n")
    if not state.events and advices == 0:
        out.append(_NONE)
    elif advices == 0:
        out.append(_NO_FIX)
    else:
        out.append("\nI have a few advices for you:\n\n")
        for key in ("slowlog_enabled", "slowlog_tuning", "slowlog_inspect", "scheduler",
                    "large_objects"):
            if key in advise:
                out.append(_ADVICE[key].format(us=threshold * 1000))
    return "".join(out)


# -- GRAPH --------------------------------------------------------------------------------------

_CHARSET_FILL = "_o#"
_GRAPH_COLS = 80


def _elapsed_label(elapsed: int) -> str:
    """How long ago a sample was, as ``latencyCommandGenSparkeline`` labels it."""
    if elapsed < 60:
        return f"{elapsed}s"
    if elapsed < 3600:
        return f"{elapsed // 60}m"
    if elapsed < 86400:
        return f"{elapsed // 3600}h"
    return f"{elapsed // 86400}d"


def _sparkline_range(values: list[float], labels: list[str], lo: float, hi: float,
                     rows: int) -> list[str]:
    """``sparklineRenderRange`` with SPARKLINE_FILL: ``rows`` rows of bars (``_ o #`` and
    ``|`` below the top), a blank row, then the labels written downwards."""
    relmax = hi - lo or 1.0
    steps = len(_CHARSET_FILL) * rows
    out: list[str] = []
    row = 0
    has_labels = any(labels)
    while True:
        chars = [" "] * len(values)
        more = False
        for j, v in enumerate(values):
            step = int(int((v - lo) * steps) / relmax)
            step = min(max(step, 0), steps - 1)
            if row < rows:
                more = True
                idx = step - (rows - row - 1) * len(_CHARSET_FILL)
                if 0 <= idx < len(_CHARSET_FILL):
                    chars[j] = _CHARSET_FILL[idx]
                elif idx >= len(_CHARSET_FILL):
                    chars[j] = "|"
            else:
                if has_labels and row - rows < 1:
                    more = True
                    break
                k = row - rows - 1
                if labels[j] and len(labels[j]) > k:
                    more = True
                    chars[j] = labels[j][k]
        if not more:
            return out
        out.append("".join(chars) + "\n")
        row += 1


def latency_graph(event: str, ts: TimeSeries, now_s: int) -> str:
    """``latencyCommandGenSparkeline``: a title line, 80 dashes, and the sparkline of the
    samples (80 per block, 4 rows, labelled with how long ago each was)."""
    samples = event_samples(ts)
    values = [float(lat) for _, lat in samples]
    labels = [_elapsed_label(now_s - t) for t, _ in samples]
    lo = min((lat for _, lat in samples), default=0)
    hi = max((lat for _, lat in samples), default=0)
    text = [f"{event} - high {hi} ms, low {lo} ms (all time high {ts[1]} ms)\n",
            "-" * _GRAPH_COLS + "\n"]
    smin = min(values, default=0.0)
    smax = max(values, default=0.0)
    for j in range(0, len(values), _GRAPH_COLS):
        if j:
            text.append("\n")
        text += _sparkline_range(values[j:j + _GRAPH_COLS], labels[j:j + _GRAPH_COLS],
                                 smin, smax, 4)
    return "".join(text)

