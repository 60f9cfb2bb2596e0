--------------------------- MODULE ClientLifecycle ---------------------------
(***************************************************************************)
(* The client/connection lifecycle of redspec (spec/server.py):            *)
(*   Connect      -- client_connect (createClient): a fresh id, db 0       *)
(*   Disconnect   -- client_disconnect (freeClient)                        *)
(*   Select(c, d) -- client_input with SELECT d                            *)
(*   Quit(c)      -- client_input with QUIT: +OK, then the close effect    *)
(*   Kill(c, v)   -- client_input with CLIENT KILL ID v from client c      *)
(* Ids are never reused: nextId only grows (Redis's next_client_id).       *)
(* The bounded explorer (properties/explorer_models.py, lifecycle_model)   *)
(* runs the real spec transitions over exactly these variables.            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS MaxId,   \* the last id a connection may get (bounds the model)
          NumDBs   \* the number of databases (the databases config)

VARIABLES nextId,  \* next_client_id
          db       \* connected client id -> its selected database

vars == <<nextId, db>>

DBs == 0 .. (NumDBs - 1)

Remove(c) == [x \in DOMAIN db \ {c} |-> db[x]]

Init == /\ nextId = 1
        /\ db = [x \in {} |-> 0]

Connect == /\ nextId <= MaxId
           /\ db' = [x \in DOMAIN db \cup {nextId} |-> IF x = nextId THEN 0 ELSE db[x]]
           /\ nextId' = nextId + 1

Disconnect(c) == /\ db' = Remove(c)
                 /\ UNCHANGED nextId

Select(c, d) == /\ db' = [db EXCEPT ![c] = d]
                /\ UNCHANGED nextId

Quit(c) == Disconnect(c)

Kill(c, v) == /\ v # c
              /\ db' = Remove(v)
              /\ UNCHANGED nextId

Next == \/ Connect
        \/ \E c \in DOMAIN db :
              \/ Disconnect(c)
              \/ Quit(c)
              \/ \E d \in DBs : Select(c, d)
              \/ \E v \in DOMAIN db : Kill(c, v)

Spec == Init /\ [][Next]_vars

TypeOK == /\ nextId \in 1 .. (MaxId + 1)
          /\ DOMAIN db \subseteq 1 .. (nextId - 1)
          /\ \A c \in DOMAIN db : db[c] \in DBs

IdsBelowNext == \A c \in DOMAIN db : c < nextId

DbInRange == \A c \in DOMAIN db : db[c] \in DBs
=============================================================================
