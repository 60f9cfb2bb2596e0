------------------------------ MODULE AofRewrite ------------------------------
(***************************************************************************)
(* The append-only file of redspec (spec/aof.py, spec/aoffeed.py,          *)
(* spec/aofmanifest.py), following Redis 7.0's aof.c with its multi-part    *)
(* AOF: a directory of a BASE file and INCR files listed by a manifest.     *)
(*   Write      -- a command runs: the dataset changes and the command is   *)
(*                 appended to aof_buf (feedAppendOnlyFile)                 *)
(*   TurnEnd    -- beforeSleep: flushAppendOnlyFile writes aof_buf to the   *)
(*                 open INCR file and fsyncs per policy, THEN the replies   *)
(*                 go out (the client sees its writes acknowledged)         *)
(*   Rewrite    -- BGREWRITEAOF: flush the buffer to the old INCR file,     *)
(*                 open a new INCR file (the manifest lists it at once),    *)
(*                 fork a child whose base is the dataset at the fork       *)
(*   ChildDone  -- the child wrote its base (fsynced): the manifest switch, *)
(*                 one atomic step (base := new base, incr files := the new *)
(*                 one; the old base and INCR files become history and are *)
(*                 deleted: aof-disable-auto-gc no)                         *)
(*   ChildFail  -- the child failed: the old set stays                      *)
(*   FsyncDone  -- the background fsyncs the world started finish          *)
(*   Tick       -- (everysec) a second passes                               *)
(* appendfsync: always = fdatasync in flushAppendOnlyFile, before the       *)
(* replies; everysec = a background fsync at most once a second, and while *)
(* one runs the write itself is postponed (up to 2 s) -- the replies go out *)
(* anyway. The n-th write is RPUSH k1 n: not idempotent (a write replayed   *)
(* twice shows) and each record names its write, so a file's content is    *)
(* the sequence of writes it holds and the dataset after n writes is 1..n.  *)
(*                                                                          *)
(* A crash may happen in any state. What a reload would give after it is a  *)
(* function of the state: the manifest's files replayed base first, as      *)
(* written (a crash of the process: aof_buf is lost, the page cache is not) *)
(* or only their durable part (a crash of the machine). So the crash        *)
(* invariants are checked in every state and no Crash action is needed.     *)
(*                                                                          *)
(* GHOST variables, kept apart from the mechanism: hist (writes run so far; *)
(* the history is 1..hist), acked (writes whose reply the client got) and   *)
(* fsynced (the largest n such that writes 1..n have all been in the        *)
(* durable part of some file: what a correct AOF may never lose again).     *)
(* The bounded explorer (properties/explorer_aof.py) runs the real spec     *)
(* transitions and a world carrying out their file operations over exactly  *)
(* these variables.                                                         *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS MaxWrites,    \* writes explored
          MaxRewrites,  \* BGREWRITEAOFs explored
          Policies      \* appendfsync values explored: {"always", "everysec"}

VARIABLES policy,     \* appendfsync
          db,         \* the live list at k1 (a sequence of write numbers)
          buf,        \* aof_buf: the writes fed and not yet written to a file
          manifest,   \* the manifest on disk: [base |-> file, incrs |-> <<file, ...>>]
          dir,        \* the directory: file -> [data |-> writes in it, dur |-> how many durable]
          cur,        \* the INCR file open for appending
          pend,       \* background fsyncs running: <<file, length, counted job?>>
          issued,     \* every byte written has an fsync started (aof_fsync_offset = current size)
          due,        \* a second passed since the last fsync started (unixtime > aof_last_fsync)
          post,       \* -1, or seconds (up to 2) since a write was postponed
          running,    \* a rewrite child runs
          childBase,  \* the dataset the child writes as the new base
          rewrites,   \* rewrites started (aof_rewrites)
          hist,       \* GHOST: writes run
          acked,      \* GHOST: writes acknowledged to the client
          fsynced     \* GHOST: writes 1..fsynced were all durable at some point

vars == <<policy, db, buf, manifest, dir, cur, pend, issued, due, post, running, childBase,
          rewrites, hist, acked, fsynced>>

Max(S) == CHOOSE x \in S : \A y \in S : y <= x
Range(s) == {s[k] : k \in DOMAIN s}
Run(n) == [i \in 1 .. n |-> i]          \* the dataset after the first n writes

B(n) == <<"b", n>>                       \* appendonly.aof.<n>.base.rdb
I(n) == <<"i", n>>                       \* appendonly.aof.<n>.incr.aof
NextSeq(d, k) == 1 + Max({f[2] : f \in {g \in DOMAIN d : g[1] = k}} \cup {0})
Size(d, f) == IF f \in DOMAIN d THEN Len(d[f].data) ELSE 0

(* Reloading: the files the manifest lists, base first, then the INCR files  *)
(* in order; durable = only what is fsynced (the machine crashed).          *)
Listed(m) == <<m.base>> \o m.incrs
Part(d, f, durable) == IF f \notin DOMAIN d THEN <<>>
                       ELSE IF durable THEN SubSeq(d[f].data, 1, d[f].dur) ELSE d[f].data
ReplayOf(m, d, durable) ==
    LET fs == Listed(m)
        cat[k \in 0 .. Len(fs)] == IF k = 0 THEN <<>> ELSE cat[k - 1] \o Part(d, fs[k], durable)
    IN cat[Len(fs)]

(* Is r the dataset after the first m writes, for some m in lo .. hi?       *)
IsRun(r, lo, hi) == \E m \in lo .. hi : r = Run(m)

(* The ghost's own reading of the directory: the largest n such that every  *)
(* write 1..n is in the durable part of some file (any file, listed or not). *)
DurableSet(d) == UNION {{d[f].data[j] : j \in 1 .. d[f].dur} : f \in DOMAIN d}
DurablePrefix(d) == Max({n \in 0 .. MaxWrites : \A j \in 1 .. n : j \in DurableSet(d)})

(* The part of the state flushAppendOnlyFile works on, as a record, and what *)
(* it makes of it (force: the flush BGREWRITEAOF does, never postponed).    *)
Aof == [buf |-> buf, dir |-> dir, pend |-> pend, issued |-> issued, due |-> due, post |-> post]

FlushOf(r, force) ==
    LET job == \E e \in r.pend : e[3]
    IN IF r.buf = <<>>
       THEN IF policy = "everysec" /\ ~r.issued /\ r.due /\ ~job
            THEN [r EXCEPT !.pend = @ \cup {<<cur, Size(r.dir, cur), TRUE>>},
                           !.issued = TRUE, !.due = FALSE]
            ELSE r
       ELSE IF policy = "everysec" /\ ~force /\ job /\ r.post < 2
       THEN [r EXCEPT !.post = IF @ = -1 THEN 0 ELSE @]
       ELSE LET d1 == IF cur \in DOMAIN r.dir
                      THEN [r.dir EXCEPT ![cur].data = @ \o r.buf] ELSE r.dir
                n == Size(d1, cur)
                w == [r EXCEPT !.dir = d1, !.buf = <<>>, !.post = -1]
            IN IF policy = "always"
               THEN [w EXCEPT !.dir = IF cur \in DOMAIN d1 THEN [d1 EXCEPT ![cur].dur = n] ELSE d1,
                              !.issued = TRUE]
               ELSE IF r.due
               THEN IF ~job
                    THEN [w EXCEPT !.pend = @ \cup {<<cur, n, TRUE>>}, !.issued = TRUE,
                                   !.due = FALSE]
                    ELSE [w EXCEPT !.issued = FALSE, !.due = FALSE]
               ELSE [w EXCEPT !.issued = FALSE]

SetAof(r) == /\ buf' = r.buf
             /\ dir' = r.dir
             /\ pend' = r.pend
             /\ issued' = r.issued
             /\ due' = r.due
             /\ post' = r.post

Init == /\ policy \in Policies
        /\ db = <<>>
        /\ buf = <<>>
        /\ manifest = [base |-> B(1), incrs |-> <<I(1)>>]
        /\ dir = [f \in {B(1), I(1)} |-> [data |-> <<>>, dur |-> 0]]
        /\ cur = I(1)
        /\ pend = {}
        /\ issued = TRUE
        /\ due = FALSE
        /\ post = -1
        /\ running = FALSE
        /\ childBase = <<>>
        /\ rewrites = 0
        /\ hist = 0
        /\ acked = 0
        /\ fsynced = 0

Write == /\ hist < MaxWrites
         /\ db' = Append(db, hist + 1)
         /\ buf' = Append(buf, hist + 1)
         /\ hist' = hist + 1
         /\ UNCHANGED <<policy, manifest, dir, cur, pend, issued, due, post, running, childBase,
                        rewrites, acked>>

TurnEnd == /\ SetAof(FlushOf(Aof, FALSE))
           /\ acked' = hist
           /\ UNCHANGED <<policy, db, manifest, cur, running, childBase, rewrites, hist>>

Rewrite ==
    /\ ~running
    /\ rewrites < MaxRewrites
    /\ LET r == FlushOf(Aof, TRUE)
           new == I(NextSeq(r.dir, "i"))
       IN /\ dir' = [f \in DOMAIN r.dir \cup {new} |->
                       IF f = new THEN [data |-> <<>>, dur |-> 0] ELSE r.dir[f]]
          /\ pend' = IF cur \in DOMAIN r.dir /\ r.dir[cur].dur < Len(r.dir[cur].data)
                     THEN r.pend \cup {<<cur, Len(r.dir[cur].data), FALSE>>}
                     ELSE r.pend
          /\ cur' = new
          /\ manifest' = [manifest EXCEPT !.incrs = Append(@, new)]
          /\ buf' = r.buf
          /\ post' = r.post
    /\ issued' = TRUE
    /\ due' = FALSE
    /\ running' = TRUE
    /\ childBase' = db
    /\ rewrites' = rewrites + 1
    /\ UNCHANGED <<policy, db, hist, acked>>

ChildDone ==
    /\ running
    /\ LET nb == B(NextSeq(dir, "b"))
           n == Len(manifest.incrs)
           keep == SubSeq(manifest.incrs, n, n)
           gone == {manifest.base} \cup (Range(manifest.incrs) \ Range(keep))
       IN /\ dir' = [f \in (DOMAIN dir \cup {nb}) \ gone |->
                       IF f = nb THEN [data |-> childBase, dur |-> Len(childBase)] ELSE dir[f]]
          /\ manifest' = [base |-> nb, incrs |-> keep]
    /\ issued' = TRUE
    /\ due' = FALSE
    /\ running' = FALSE
    /\ childBase' = <<>>
    /\ UNCHANGED <<policy, db, buf, cur, pend, post, rewrites, hist, acked>>

ChildFail == /\ running
             /\ running' = FALSE
             /\ childBase' = <<>>
             /\ UNCHANGED <<policy, db, buf, manifest, dir, cur, pend, issued, due, post,
                            rewrites, hist, acked>>

FsyncDone ==
    /\ pend # {}
    /\ dir' = [f \in DOMAIN dir |->
                 [dir[f] EXCEPT !.dur = Max({@} \cup {e[2] : e \in {x \in pend : x[1] = f}})]]
    /\ pend' = {}
    /\ UNCHANGED <<policy, db, buf, manifest, cur, issued, due, post, running, childBase,
                   rewrites, hist, acked>>

Tick == /\ policy = "everysec"
        /\ due' = TRUE
        /\ post' = IF post \in {0, 1} THEN post + 1 ELSE post
        /\ UNCHANGED <<policy, db, buf, manifest, dir, cur, pend, issued, running, childBase,
                       rewrites, hist, acked>>

(* The ghost records what became durable, whatever the step.               *)
Record == fsynced' = Max({fsynced, DurablePrefix(dir')})

Next == /\ \/ Write
           \/ TurnEnd
           \/ Rewrite
           \/ ChildDone
           \/ ChildFail
           \/ FsyncDone
           \/ Tick
        /\ Record

Spec == Init /\ [][Next]_vars

TypeOK == /\ policy \in Policies
          /\ hist \in 0 .. MaxWrites
          /\ acked \in 0 .. hist
          /\ fsynced \in 0 .. hist
          /\ rewrites \in 0 .. MaxRewrites
          /\ post \in -1 .. 2
          /\ issued \in BOOLEAN
          /\ due \in BOOLEAN
          /\ running \in BOOLEAN
          /\ Range(Listed(manifest)) \subseteq DOMAIN dir
          /\ \A f \in DOMAIN dir : dir[f].dur \in 0 .. Len(dir[f].data)

(* The lowest write count a reload may give: under always every             *)
(* acknowledged write, and under any policy every write once fsynced.       *)
Lo == IF policy = "always" THEN Max({acked, fsynced}) ELSE fsynced

(* The live dataset is the history (the spec's RPUSH, against the ghost).   *)
LiveIsHistory == db = Run(hist)

(* Nothing lost or duplicated: the set, replayed, then the buffer, is the   *)
(* live dataset -- before, during and after a rewrite.                      *)
ReplayIsLive == ReplayOf(manifest, dir, FALSE) \o buf = db

(* After a crash and a reload the dataset is the value after a prefix of    *)
(* the history containing every write fsynced (and, under always, every    *)
(* write acknowledged).                                                      *)
ProcessCrashSafe == IsRun(ReplayOf(manifest, dir, FALSE), Lo, hist)
MachineCrashSafe == IsRun(ReplayOf(manifest, dir, TRUE), Lo, hist)

(* Action property: the manifest only changes atomically -- the new one     *)
(* lists only files that exist, and the set plus the buffer replay the same *)
(* before and after the change.                                              *)
ManifestAtomic ==
    [][manifest' # manifest =>
         /\ Range(Listed(manifest')) \subseteq DOMAIN dir'
         /\ ReplayOf(manifest', dir', FALSE) \o buf' = ReplayOf(manifest, dir, FALSE) \o buf]_vars
=============================================================================
