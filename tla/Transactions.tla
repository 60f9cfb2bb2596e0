----------------------------- MODULE Transactions -----------------------------
(***************************************************************************)
(* MULTI / EXEC / DISCARD / WATCH / UNWATCH of redspec (spec/multi.py,     *)
(* spec/commands/transactions.py, the queueing gate in spec/dispatch.py),   *)
(* following Redis 7.0's multi.c:                                           *)
(*   Multi(c)      -- MULTI: start queueing                                 *)
(*   Write(c, op)  -- SET k / DEL k: queued inside MULTI (not kept once the *)
(*                    transaction is dirty), else run at once, signalling   *)
(*                    the key (signalModifiedKey: SET always, DEL only an   *)
(*                    existing key)                                         *)
(*   ExecBegin(c)  -- EXEC of a clean transaction starts: unwatch, run...   *)
(*   ExecOp(c)     -- ...the next queued op (its own signals included)...   *)
(*   ExecEnd(c)    -- ...and leave MULTI once the queue is empty            *)
(*   ExecNull(c)   -- EXEC of a dirty transaction: null array, no effect    *)
(*   Discard(c)    -- DISCARD                                               *)
(*   Watch(c, k)   -- WATCH k (a dirty client watches nothing more)         *)
(*   Unwatch(c)    -- UNWATCH                                               *)
(* A signal marks every watcher of the key dirty (CLIENT_DIRTY_CAS) and     *)
(* unwatches it (touchWatchedKey in 7.0). The server runs one command at a  *)
(* time: while an EXEC runs (running # {}) no other action is enabled --    *)
(* that guard is what makes a transaction atomic, and Atomicity checks it.  *)
(*                                                                          *)
(* Two GHOST variables record what happened, independently of the          *)
(* mechanism (they never read watched or dirty):                            *)
(*   wset[c]  -- the keys c asked to WATCH since its last EXEC, DISCARD or  *)
(*               UNWATCH (kept even after the server unwatched them);       *)
(*   wrote[c] -- those of them written by anyone since (Writes: a SET, or a *)
(*               DEL of an existing key, run at once or inside an EXEC).    *)
(* ExecSafe and ExecNullOnlyAfterWrite state the WATCH contract against     *)
(* them; DirtyIffWritten says the mechanism implements it at every state.   *)
(* The bounded explorer (properties/explorer_transactions.py) runs the real *)
(* spec transitions over exactly these variables.                           *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS Clients,   \* the connections
          Keys,      \* the keys (one database)
          MaxQueue   \* the longest queue explored (bounds the model)

VARIABLES present,   \* key -> does it exist
          multi,     \* client -> in MULTI (CLIENT_MULTI)
          queue,     \* client -> queued ops (c->mstate)
          watched,   \* client -> watched keys (c->watched_keys)
          dirty,     \* client -> CLIENT_DIRTY_CAS
          running,   \* the client whose EXEC is running: {} or {c}
          wset,      \* GHOST: client -> keys it asked to WATCH
          wrote      \* GHOST: client -> keys of wset written since

vars == <<present, multi, queue, watched, dirty, running, wset, wrote>>

Ops == {<<"set", k>> : k \in Keys} \cup {<<"del", k>> : k \in Keys}

(* Does key k exist just before the n-th op of q, starting from keyspace p?  *)
Before(q, k, n) == {j \in 1 .. (n - 1) : q[j][2] = k}
PresentBefore(q, p, k, n) ==
    IF Before(q, k, n) = {} THEN p[k]
    ELSE q[CHOOSE j \in Before(q, k, n) : \A i \in Before(q, k, n) : i <= j][1] = "set"

(* The keyspace after running q.                                            *)
After(q, p) == [k \in Keys |-> PresentBefore(q, p, k, Len(q) + 1)]

(* The MECHANISM: the keys op signals (signalModifiedKey).                   *)
Touches(op, p) == IF op[1] = "set" \/ p[op[2]] THEN {op[2]} ELSE {}

(* The GHOST's own definition of a write (kept apart from Touches on        *)
(* purpose: a planted bug in one must not silently move the other).         *)
Writes(op, p) == {k \in Keys : op[2] = k /\ (op[1] = "set" \/ p[k])}

Hit(d, T) == watched[d] \cap T # {}

(* touchWatchedKey for every key in T: watchers become dirty, unwatched.     *)
Signal(T) == /\ dirty' = [d \in Clients |-> dirty[d] \/ Hit(d, T)]
             /\ watched' = [d \in Clients |-> IF Hit(d, T) THEN {} ELSE watched[d]]

(* The ghost records a write of the keys in W for everyone who asked.        *)
Record(W) == wrote' = [d \in Clients |-> wrote[d] \cup (wset[d] \cap W)]

(* op runs: the keyspace changes, the mechanism signals, the ghost records. *)
Run(op) == /\ present' = After(<<op>>, present)
           /\ Signal(Touches(op, present))
           /\ Record(Writes(op, present))

Idle == running = {}

(* The client forgets its watches, dirty flag and the ghost's record of them *)
(* (unwatchAllKeys + the flags discardTransaction/UNWATCH clear).           *)
Forget(c) == /\ watched' = [watched EXCEPT ![c] = {}]
             /\ dirty' = [dirty EXCEPT ![c] = FALSE]
             /\ wset' = [wset EXCEPT ![c] = {}]
             /\ wrote' = [wrote EXCEPT ![c] = {}]

Init == /\ present = [k \in Keys |-> FALSE]
        /\ multi = [c \in Clients |-> FALSE]
        /\ queue = [c \in Clients |-> <<>>]
        /\ watched = [c \in Clients |-> {}]
        /\ dirty = [c \in Clients |-> FALSE]
        /\ running = {}
        /\ wset = [c \in Clients |-> {}]
        /\ wrote = [c \in Clients |-> {}]

Multi(c) == /\ Idle
            /\ ~multi[c]
            /\ multi' = [multi EXCEPT ![c] = TRUE]
            /\ UNCHANGED <<present, queue, watched, dirty, running, wset, wrote>>

Write(c, op) ==
    /\ Idle
    /\ IF multi[c]
       THEN /\ Len(queue[c]) < MaxQueue
            /\ queue' = IF dirty[c] THEN queue ELSE [queue EXCEPT ![c] = Append(@, op)]
            /\ UNCHANGED <<present, multi, watched, dirty, running, wset, wrote>>
       ELSE /\ Run(op)
            /\ UNCHANGED <<multi, queue, running, wset>>

ExecBegin(c) == /\ Idle
                /\ multi[c]
                /\ ~dirty[c]
                /\ running' = {c}
                /\ Forget(c)
                /\ UNCHANGED <<present, multi, queue>>

ExecOp(c) == /\ c \in running
             /\ queue[c] # <<>>
             /\ Run(Head(queue[c]))
             /\ queue' = [queue EXCEPT ![c] = Tail(@)]
             /\ UNCHANGED <<multi, running, wset>>

ExecEnd(c) == /\ c \in running
              /\ queue[c] = <<>>
              /\ running' = {}
              /\ multi' = [multi EXCEPT ![c] = FALSE]
              /\ UNCHANGED <<present, queue, watched, dirty, wset, wrote>>

ExecNull(c) == /\ Idle
               /\ multi[c]
               /\ dirty[c]
               /\ multi' = [multi EXCEPT ![c] = FALSE]
               /\ queue' = [queue EXCEPT ![c] = <<>>]
               /\ Forget(c)
               /\ UNCHANGED <<present, running>>

Discard(c) == /\ Idle
              /\ multi[c]
              /\ multi' = [multi EXCEPT ![c] = FALSE]
              /\ queue' = [queue EXCEPT ![c] = <<>>]
              /\ Forget(c)
              /\ UNCHANGED <<present, running>>

Watch(c, k) == /\ Idle
               /\ ~multi[c]
               /\ ~dirty[c]
               /\ watched' = [watched EXCEPT ![c] = @ \cup {k}]
               /\ wset' = [wset EXCEPT ![c] = @ \cup {k}]
               /\ UNCHANGED <<present, multi, queue, dirty, running, wrote>>

Unwatch(c) == /\ Idle
              /\ ~multi[c]
              /\ Forget(c)
              /\ UNCHANGED <<present, multi, queue, running>>

Next == \E c \in Clients :
          \/ Multi(c)
          \/ ExecBegin(c)
          \/ ExecOp(c)
          \/ ExecEnd(c)
          \/ ExecNull(c)
          \/ Discard(c)
          \/ Unwatch(c)
          \/ \E k \in Keys : Watch(c, k)
          \/ \E op \in Ops : Write(c, op)

Spec == Init /\ [][Next]_vars

TypeOK == /\ present \in [Keys -> BOOLEAN]
          /\ multi \in [Clients -> BOOLEAN]
          /\ \A c \in Clients : Len(queue[c]) <= MaxQueue
          /\ \A c \in Clients : \A n \in 1 .. Len(queue[c]) : queue[c][n] \in Ops
          /\ watched \in [Clients -> SUBSET Keys]
          /\ dirty \in [Clients -> BOOLEAN]
          /\ running \subseteq Clients
          /\ wset \in [Clients -> SUBSET Keys]
          /\ wrote \in [Clients -> SUBSET Keys]

(* One command at a time: at most one EXEC runs, and only inside MULTI.      *)
OneExecAtATime == /\ Cardinality(running) <= 1
                  /\ \A c \in running : multi[c]

(* Only a transaction has a queue.                                           *)
QueueOnlyInMulti == \A c \in Clients : ~multi[c] => queue[c] = <<>>

(* 7.0 unwatches a client as soon as it is dirty.                            *)
DirtyWatchesNothing == \A c \in Clients : dirty[c] => watched[c] = {}

(* A clean client still watches every key it asked for.                      *)
CleanWatchesWhatItAsked == \A c \in Clients : ~dirty[c] => watched[c] = wset[c]

(* The mechanism against the ghost: a client is dirty exactly when a key it  *)
(* asked to watch was written since.                                         *)
DirtyIffWritten == \A c \in Clients : dirty[c] <=> wrote[c] # {}

(* Action properties (PROPERTIES in MCTransactions.cfg), stated against the  *)
(* ghost. A transaction starts only if nothing it watched was written; an    *)
(* EXEC fails only if something was (both directions of WATCH).              *)
ExecSafe == [][\A c \in Clients : ExecBegin(c) => wrote[c] = {}]_vars
ExecNullOnlyAfterWrite == [][\A c \in Clients : ExecNull(c) => wrote[c] # {}]_vars

(* Atomicity as a property of interleavings: between a transaction's first  *)
(* and last effect, every step is one of its own.                            *)
Atomicity == [][\A c \in running : ExecOp(c) \/ ExecEnd(c)]_vars
=============================================================================
