----------------------------- MODULE Transactions -----------------------------
(***************************************************************************)
(* MULTI / EXEC / DISCARD / WATCH / UNWATCH of redspec (spec/multi.py,     *)
(* spec/commands/transactions.py, the queueing gate in spec/dispatch.py),   *)
(* following Redis 7.0's multi.c:                                           *)
(*   Multi(c)      -- MULTI: start queueing                                 *)
(*   Write(c, op)  -- SET k / DEL k: queued inside MULTI (not kept once the *)
(*                    transaction is dirty), else run at once, touching     *)
(*                    the key (signalModifiedKey: SET always, DEL only an   *)
(*                    existing key)                                         *)
(*   ExecOk(c)     -- EXEC of a clean transaction: the whole queue runs in  *)
(*                    ONE step (nothing interleaves), touching its keys     *)
(*   ExecNull(c)   -- EXEC of a dirty transaction: null array, no effect    *)
(*   Discard(c)    -- DISCARD                                               *)
(*   Watch(c, k)   -- WATCH k (a dirty client watches nothing more)         *)
(*   Unwatch(c)    -- UNWATCH                                               *)
(* A touch marks every watcher of the key dirty (CLIENT_DIRTY_CAS) and      *)
(* unwatches it (touchWatchedKey in 7.0). EXEC, DISCARD and UNWATCH clear   *)
(* the client's watches and dirty flag. touched is a ghost: "a key this     *)
(* client watched was touched since it watched it", kept apart from dirty   *)
(* so that the safety property states the intent, not the mechanism.       *)
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
          touched    \* client -> ghost: a watched key was touched since WATCH

vars == <<present, multi, queue, watched, dirty, touched>>

Ops == {<<"set", k>> : k \in Keys} \cup {<<"del", k>> : k \in Keys}

(* Does key k exist just before the n-th op of q, starting from keyspace p?  *)
Before(q, k, n) == {j \in 1 .. (n - 1) : q[j][2] = k}
PresentBefore(q, p, k, n) ==
    IF Before(q, k, n) = {} THEN p[k]
    ELSE q[CHOOSE j \in Before(q, k, n) : \A i \in Before(q, k, n) : i <= j][1] = "set"

(* The keyspace after running q, and the keys q touches on the way.         *)
After(q, p) == [k \in Keys |-> PresentBefore(q, p, k, Len(q) + 1)]
Touches(q, p) == {k \in Keys : \E n \in 1 .. Len(q) :
                     /\ q[n][2] = k
                     /\ \/ q[n][1] = "set"
                        \/ PresentBefore(q, p, k, n)}

Hit(d, T) == watched[d] \cap T # {}

Init == /\ present = [k \in Keys |-> FALSE]
        /\ multi = [c \in Clients |-> FALSE]
        /\ queue = [c \in Clients |-> <<>>]
        /\ watched = [c \in Clients |-> {}]
        /\ dirty = [c \in Clients |-> FALSE]
        /\ touched = [c \in Clients |-> FALSE]

(* The client leaves its transaction (discardTransaction).                   *)
Clear(c) == /\ multi' = [multi EXCEPT ![c] = FALSE]
            /\ queue' = [queue EXCEPT ![c] = <<>>]

Multi(c) == /\ ~multi[c]
            /\ multi' = [multi EXCEPT ![c] = TRUE]
            /\ UNCHANGED <<present, queue, watched, dirty, touched>>

Write(c, op) ==
    IF multi[c]
    THEN /\ Len(queue[c]) < MaxQueue
         /\ queue' = IF dirty[c] THEN queue ELSE [queue EXCEPT ![c] = Append(@, op)]
         /\ UNCHANGED <<present, multi, watched, dirty, touched>>
    ELSE LET T == Touches(<<op>>, present)
         IN /\ present' = After(<<op>>, present)
            /\ dirty' = [d \in Clients |-> dirty[d] \/ Hit(d, T)]
            /\ touched' = [d \in Clients |-> touched[d] \/ Hit(d, T)]
            /\ watched' = [d \in Clients |-> IF Hit(d, T) THEN {} ELSE watched[d]]
            /\ UNCHANGED <<multi, queue>>

ExecOk(c) ==
    /\ multi[c]
    /\ ~dirty[c]
    /\ LET T == Touches(queue[c], present)
       IN /\ present' = After(queue[c], present)
          /\ dirty' = [d \in Clients |-> IF d = c THEN FALSE ELSE dirty[d] \/ Hit(d, T)]
          /\ touched' = [d \in Clients |-> IF d = c THEN FALSE ELSE touched[d] \/ Hit(d, T)]
          /\ watched' = [d \in Clients |-> IF d = c \/ Hit(d, T) THEN {} ELSE watched[d]]
          /\ Clear(c)

ExecNull(c) == /\ multi[c]
               /\ dirty[c]
               /\ Clear(c)
               /\ watched' = [watched EXCEPT ![c] = {}]
               /\ dirty' = [dirty EXCEPT ![c] = FALSE]
               /\ touched' = [touched EXCEPT ![c] = FALSE]
               /\ UNCHANGED present

Discard(c) == /\ multi[c]
              /\ Clear(c)
              /\ watched' = [watched EXCEPT ![c] = {}]
              /\ dirty' = [dirty EXCEPT ![c] = FALSE]
              /\ touched' = [touched EXCEPT ![c] = FALSE]
              /\ UNCHANGED present

Watch(c, k) == /\ ~multi[c]
               /\ ~dirty[c]
               /\ watched' = [watched EXCEPT ![c] = @ \cup {k}]
               /\ UNCHANGED <<present, multi, queue, dirty, touched>>

Unwatch(c) == /\ ~multi[c]
              /\ watched' = [watched EXCEPT ![c] = {}]
              /\ dirty' = [dirty EXCEPT ![c] = FALSE]
              /\ touched' = [touched EXCEPT ![c] = FALSE]
              /\ UNCHANGED <<present, multi, queue>>

Next == \E c \in Clients :
          \/ Multi(c)
          \/ ExecOk(c)
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
          /\ touched \in [Clients -> BOOLEAN]

(* Only a transaction has a queue.                                           *)
QueueOnlyInMulti == \A c \in Clients : ~multi[c] => queue[c] = <<>>

(* 7.0 unwatches a client as soon as it is dirty.                            *)
DirtyWatchesNothing == \A c \in Clients : dirty[c] => watched[c] = {}

(* EXEC fails exactly when a watched key was touched since WATCH.            *)
DirtyIffTouched == \A c \in Clients : dirty[c] <=> touched[c]

(* Action properties (PROPERTIES in MCTransactions.cfg): a successful EXEC  *)
(* saw no touch of a watched key, and it applies its whole queue at once.   *)
ExecSafe == [][\A c \in Clients : ExecOk(c) => ~touched[c]]_vars
ExecAtomic == [][\A c \in Clients : ExecOk(c) => present' = After(queue[c], present)]_vars
=============================================================================
