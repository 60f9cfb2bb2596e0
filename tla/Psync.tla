-------------------------------- MODULE Psync --------------------------------
(***************************************************************************)
(* Replication with PSYNC2 (spec/replication.py, spec/replica.py, driven   *)
(* by the multi-node model spec/replnet.py), following Redis 7.0's         *)
(* replication.c, at the level of histories and offsets: a master m, a    *)
(* replica r2 synced at the start, and r1, a master just told REPLICAOF m  *)
(* whose first connection broke (it names its own history "C"); then       *)
(*   Write        -- the current master runs the next write (RPUSH k n):   *)
(*                   its offset grows, its stream carries the write        *)
(*   Apply(r)     -- a connected replica applies the next write of its     *)
(*                   master's stream (and proxies it into its own backlog) *)
(*   Drop(r)      -- r's link breaks: a connected replica caches its       *)
(*                   master (its replid and offset) for the next PSYNC;    *)
(*                   a sync in progress is abandoned                       *)
(*   Reconnect(r) -- replicationCron connects again and sends PSYNC: the   *)
(*                   master answers +CONTINUE when the replica's history   *)
(*                   is its replid (or its replid2 up to                   *)
(*                   second_replid_offset) and the offset is inside its    *)
(*                   backlog, else +FULLRESYNC and forks the snapshot      *)
(*   FullSyncDone(r) -- the snapshot (the master's dataset at the fork)    *)
(*                   is loaded: r takes the master's replid, drops its     *)
(*                   second id, starts a backlog at the snapshot offset;   *)
(*                   the writes made since the fork follow in the stream   *)
(*   Promote      -- once, after r1 synced: r1 runs REPLICAOF NO ONE       *)
(*                   (shiftReplicationId: its replid becomes replid2,      *)
(*                   valid up to its offset, and a new history "B"         *)
(*                   begins) and takes the writes                          *)
(*   Follow(n)    -- r2, then m, run REPLICAOF r1 and PSYNC with it (a     *)
(*                   replica that was connected caches its master first;   *)
(*                   a master PSYNCs with its own replid and offset)       *)
(* Offsets count writes (the explorer maps the byte offsets of the real   *)
(* streams to them). The backlog is not trimmed within the bounds: its     *)
(* window [first[n], off[n]] starts where it was created (the node's last  *)
(* full sync, or the first replica of the master), so a PSYNC may name an  *)
(* offset before it (r2 behind the snapshot r1 was synced from).           *)
(*                                                                          *)
(* Not explored, on purpose: two full syncs from one master at once (a     *)
(* replica reconnects or follows only while no other replica of its master *)
(* is syncing); chained replicas (m follows r1 only once r2 left it);       *)
(* trimming of the backlog (its block arithmetic is the Z3 obligation's    *)
(* and the backlog properties'); writes on m after the promotion; a       *)
(* promotion of r1 before it ever synced (without a backlog, its first     *)
(* replica would make it start yet another history).                      *)
(*                                                                          *)
(* GHOST variables, kept apart from the mechanism: writes (how many writes  *)
(* ran) and log, the set of <<replid, position, write>> of every write     *)
(* made under a replid (and, at the promotion, the dataset the new history *)
(* starts with): what a PSYNC naming <<replid, offset>> may assume.         *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS MaxWrites     \* writes explored

VARIABLES master,   \* the node n replicates from ("none": n is a master)
          link,     \* "none" (a master), "down", "sync" (a full sync runs), "up"
          id,       \* master_replid: "A" (m's), "B" (r1's once promoted), "C" (r1's own at the start)
          id2,      \* master_replid2 ("0": none)
          sro,      \* second_replid_offset as a write count (-1: none)
          off,      \* master_repl_offset as a write count (applied, for a replica)
          first,    \* the backlog's first offset a PSYNC may name (-1: no backlog)
          data,     \* the dataset: the list at k (RPUSH k n appends n)
          cached,   \* a down replica has a cached master (its replid and offset)
          snap,     \* the offset of the snapshot a syncing replica waits for (-1: none)
          writes,   \* GHOST: writes run
          log       \* GHOST: <<replid, position, write>> of every write under a replid

vars == <<master, link, id, id2, sro, off, first, data, cached, snap, writes, log>>

Nodes == {"m", "r1", "r2"}
Ids == {"A", "B", "C", "0"}

(* The node the clients write to: r1 once promoted, else m.                 *)
Leader == IF master["r1"] = "none" THEN "r1" ELSE "m"

(* Some replica of x is in a full sync.                                     *)
Syncing(x) == \E y \in Nodes : master[y] = x /\ link[y] = "sync"

(* masterTryPartialResynchronization, as the master x applies it to a      *)
(* replica naming history i at offset o.                                    *)
Accepts(x, i, o) == /\ \/ i = id[x]
                       \/ i = id2[x] /\ o <= sro[x]
                    /\ first[x] # -1
                    /\ first[x] <= o
                    /\ o <= off[x]

(* Replica r sends PSYNC to x (c: it names its cached history, else "? -1"). *)
(* +CONTINUE <replid>: a new replid becomes r's, its own the second one, up  *)
(* to its offset. +FULLRESYNC: the snapshot is the dataset at x's offset;    *)
(* 7.0 keeps the cached master until the snapshot is loaded                  *)
(* (replicationAttachToNewMaster), so a transfer that breaks PSYNCs with it. *)
Psync(r, x, c) ==
    /\ cached' = [cached EXCEPT ![r] = c /\ ~Accepts(x, id[r], off[r])]
    /\ IF c /\ Accepts(x, id[r], off[r])
       THEN /\ link' = [link EXCEPT ![r] = "up"]
            /\ id' = [id EXCEPT ![r] = id[x]]
            /\ id2' = IF id[x] # id[r] THEN [id2 EXCEPT ![r] = id[r]] ELSE id2
            /\ sro' = IF id[x] # id[r] THEN [sro EXCEPT ![r] = off[r]] ELSE sro
            /\ snap' = snap
       ELSE /\ link' = [link EXCEPT ![r] = "sync"]
            /\ snap' = [snap EXCEPT ![r] = off[x]]
            /\ UNCHANGED <<id, id2, sro>>

Init == /\ master = [n \in Nodes |-> IF n = "m" THEN "none" ELSE "m"]
        /\ link = [n \in Nodes |-> CASE n = "m" -> "none" [] n = "r1" -> "down" [] OTHER -> "up"]
        /\ id = [n \in Nodes |-> IF n = "r1" THEN "C" ELSE "A"]
        /\ id2 = [n \in Nodes |-> "0"]
        /\ sro = [n \in Nodes |-> -1]
        /\ off = [n \in Nodes |-> 0]
        /\ first = [n \in Nodes |-> IF n = "r1" THEN -1 ELSE 0]
        /\ data = [n \in Nodes |-> <<>>]
        /\ cached = [n \in Nodes |-> n = "r1"]
        /\ snap = [n \in Nodes |-> -1]
        /\ writes = 0
        /\ log = {}

Write == LET x == Leader IN
         /\ writes < MaxWrites
         /\ off' = [off EXCEPT ![x] = @ + 1]
         /\ data' = [data EXCEPT ![x] = Append(@, writes + 1)]
         /\ writes' = writes + 1
         /\ log' = log \cup {<<id[x], off[x] + 1, writes + 1>>}
         /\ UNCHANGED <<master, link, id, id2, sro, first, cached, snap>>

Apply(r) == LET x == master[r] IN
            /\ link[r] = "up"
            /\ off[r] < off[x]
            /\ off' = [off EXCEPT ![r] = @ + 1]
            /\ data' = [data EXCEPT ![r] = Append(@, data[x][off[r] + 1])]
            /\ UNCHANGED <<master, link, id, id2, sro, first, cached, snap, writes, log>>

Drop(r) == /\ link[r] \in {"up", "sync"}
           /\ link' = [link EXCEPT ![r] = "down"]
           /\ cached' = [cached EXCEPT ![r] = (link[r] = "up" \/ cached[r])]
           /\ snap' = [snap EXCEPT ![r] = -1]
           /\ UNCHANGED <<master, id, id2, sro, off, first, data, writes, log>>

Reconnect(r) == /\ link[r] = "down"
                /\ ~Syncing(master[r])
                /\ Psync(r, master[r], cached[r])
                /\ UNCHANGED <<master, off, first, data, writes, log>>

FullSyncDone(r) == LET x == master[r] IN
                   /\ link[r] = "sync"
                   /\ link' = [link EXCEPT ![r] = "up"]
                   /\ data' = [data EXCEPT ![r] = SubSeq(data[x], 1, snap[r])]
                   /\ off' = [off EXCEPT ![r] = snap[r]]
                   /\ first' = [first EXCEPT ![r] = snap[r]]
                   /\ id' = [id EXCEPT ![r] = id[x]]
                   /\ id2' = [id2 EXCEPT ![r] = "0"]
                   /\ sro' = [sro EXCEPT ![r] = -1]
                   /\ snap' = [snap EXCEPT ![r] = -1]
                   /\ cached' = [cached EXCEPT ![r] = FALSE]
                   /\ UNCHANGED <<master, writes, log>>

Promote == /\ master["r1"] = "m"
           /\ first["r1"] # -1
           /\ master' = [master EXCEPT !["r1"] = "none"]
           /\ link' = [link EXCEPT !["r1"] = "none"]
           /\ id' = [id EXCEPT !["r1"] = "B"]
           /\ id2' = [id2 EXCEPT !["r1"] = id["r1"]]
           /\ sro' = [sro EXCEPT !["r1"] = off["r1"]]
           /\ cached' = [cached EXCEPT !["r1"] = FALSE]
           /\ snap' = [snap EXCEPT !["r1"] = -1]
           /\ log' = log \cup {<<"B", p, data["r1"][p]>> : p \in 1 .. Len(data["r1"])}
           /\ UNCHANGED <<off, first, data, writes>>

(* REPLICAOF r1 on n: a connected replica caches its master, a master       *)
(* synthesizes one from its own replid and offset; then PSYNC.              *)
Follow(n) == /\ master["r1"] = "none"
             /\ master[n] # "r1"
             /\ n = "m" => master["r2"] = "r1"
             /\ ~Syncing("r1")
             /\ master' = [master EXCEPT ![n] = "r1"]
             /\ Psync(n, "r1", master[n] = "none" \/ link[n] = "up" \/ cached[n])
             /\ UNCHANGED <<off, first, data, writes, log>>

Next == \/ Write
        \/ Promote
        \/ \E r \in Nodes : \/ Apply(r)
                            \/ Drop(r)
                            \/ Reconnect(r)
                            \/ FullSyncDone(r)
        \/ \E n \in {"r2", "m"} : Follow(n)

Spec == Init /\ [][Next]_vars

TypeOK == /\ \A n \in Nodes : /\ master[n] \in Nodes \cup {"none"}
                              /\ link[n] \in {"none", "down", "sync", "up"}
                              /\ (link[n] = "none") = (master[n] = "none")
                              /\ id[n] \in Ids /\ id2[n] \in Ids
                              /\ off[n] \in 0 .. MaxWrites
                              /\ sro[n] \in -1 .. MaxWrites
                              /\ first[n] \in -1 .. off[n]
                              /\ snap[n] \in -1 .. MaxWrites
                              /\ cached[n] \in BOOLEAN
          /\ writes \in 0 .. MaxWrites

(* A node's dataset is the prefix of length off of the history its replid   *)
(* names: every write it holds was made at that position under that id.    *)
PrefixConsistency ==
    \A n \in Nodes : /\ Len(data[n]) = off[n]
                     /\ \A p \in 1 .. off[n] : <<id[n], p, data[n][p]>> \in log

(* A replid and an offset name one write: no history forks under one id.   *)
OneWritePerOffset ==
    \A e \in log : \A f \in log : (e[1] = f[1] /\ e[2] = f[2]) => e[3] = f[3]

(* The second id is truthful: up to second_replid_offset the dataset is     *)
(* that history (what lets a master accept a PSYNC naming it).              *)
SecondIdTruthful ==
    \A n \in Nodes : id2[n] # "0" =>
        /\ sro[n] <= off[n]
        /\ \A p \in 1 .. sro[n] : <<id2[n], p, data[n][p]>> \in log

(* Action properties.                                                       *)
(* Within one history (the same replid, or the old one kept as replid2) a   *)
(* node's offset never goes back.                                           *)
OffsetsGrow ==
    [][\A n \in Nodes : (id'[n] = id[n] \/ id2'[n] = id[n]) => off'[n] >= off[n]]_vars

(* r sent PSYNC in this step (to a master it reconnects to or newly follows). *)
Psynced(r) == /\ link'[r] \in {"up", "sync"}
              /\ \/ link[r] \in {"down", "none"}
                 \/ master'[r] # master[r]

(* What r names in its PSYNC: its own replid and offset when it has a        *)
(* cached master (or is a master turning replica), else "? -1".              *)
Names(r) == master[r] = "none" \/ link[r] = "up" \/ (link[r] = "down" /\ cached[r])

(* The rule as Redis 7.0 states it, on the master before the step.          *)
Rule(x, i, o) == /\ i = id[x] \/ (i = id2[x] /\ o <= sro[x])
                 /\ first[x] # -1 /\ first[x] <= o /\ o <= off[x]

(* A partial resync happens exactly when the rule holds, and keeps the       *)
(* replica's dataset and offset (nothing is reloaded).                      *)
PsyncIffRule ==
    [][\A r \in Nodes : Psynced(r) =>
         /\ (link'[r] = "up") <=> (Names(r) /\ Rule(master'[r], id[r], off[r]))
         /\ link'[r] = "up" => (data'[r] = data[r] /\ off'[r] = off[r])]_vars
=============================================================================
