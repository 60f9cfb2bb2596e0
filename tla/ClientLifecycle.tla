--------------------------- MODULE ClientLifecycle ---------------------------
(***************************************************************************)
(* The client/connection lifecycle of redspec (spec/server.py):            *)
(*   Connect      -- client_connect (createClient): a fresh id, db 0       *)
(*   Disconnect   -- client_disconnect (freeClient)                        *)
(*   Select(c, d) -- client_input with SELECT d                            *)
(*   Quit(c)      -- client_input with QUIT: +OK, then the close effect    *)
(*   Kill(c, v)   -- client_input with CLIENT KILL ID v from client c      *)
(* Ids are never reused: nextId only grows (Redis's next_client_id). The   *)
(* GHOST issued records every id ever handed out, so that "no id is given  *)
(* twice" is stated against history, not against nextId.                   *)
(* Once every id is used and every client gone, nothing is enabled: that   *)
(* is the expected end, hence CHECK_DEADLOCK FALSE in MCClientLifecycle.   *)
(* The bounded explorer (properties/explorer_models.py, lifecycle_model)   *)
(* runs the real spec transitions over exactly these variables.            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS MaxId,   \* the last id a connection may get (bounds the model)
          NumDBs   \* the number of databases (the databases config)

VARIABLES nextId,  \* next_client_id
          db,      \* connected client id -> its selected database
          issued   \* GHOST: every id ever given to a connection

vars == <<nextId, db, issued>>

DBs == 0 .. (NumDBs - 1)

Remove(c) == [x \in DOMAIN db \ {c} |-> db[x]]

Init == /\ nextId = 1
        /\ db = [x \in {} |-> 0]
        /\ issued = {}

Connect == /\ nextId <= MaxId
           /\ db' = [x \in DOMAIN db \cup {nextId} |-> IF x = nextId THEN 0 ELSE db[x]]
           /\ nextId' = nextId + 1
           /\ issued' = issued \cup {nextId}

Disconnect(c) == /\ db' = Remove(c)
                 /\ UNCHANGED <<nextId, issued>>

Select(c, d) == /\ db' = [db EXCEPT ![c] = d]
                /\ UNCHANGED <<nextId, issued>>

Quit(c) == Disconnect(c)

Kill(c, v) == /\ v # c
              /\ db' = Remove(v)
              /\ UNCHANGED <<nextId, issued>>

Next == \/ Connect
        \/ \E c \in DOMAIN db :
              \/ Disconnect(c)
              \/ Quit(c)
              \/ \E d \in DBs : Select(c, d)
              \/ \E v \in DOMAIN db : Kill(c, v)

Spec == Init /\ [][Next]_vars

(* Types only; the invariants below say more.                               *)
TypeOK == /\ nextId \in Nat
          /\ issued \subseteq Nat
          /\ DOMAIN db \subseteq Nat
          /\ \A c \in DOMAIN db : db[c] \in Nat

(* Every connected id was handed out, and below nextId.                      *)
IdsBelowNext == \A c \in DOMAIN db : c \in issued /\ c < nextId

(* Every client's database exists.                                           *)
DbInRange == \A c \in DOMAIN db : db[c] \in DBs

(* Action properties (PROPERTIES in MCClientLifecycle.cfg).                  *)
NextIdGrows == [][nextId' >= nextId]_vars

(* A connection that appears has an id never given before.                  *)
NoIdGivenTwice == [][\A x \in DOMAIN db' \ DOMAIN db : x \notin issued]_vars
=============================================================================
