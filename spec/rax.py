"""The node count of Redis's radix tree (``rax.c``), for the rules that read it.

Redis reads ``rax->numnodes`` in two places this spec models: XINFO STREAM's
``radix-tree-nodes`` and the lazy-free effort of a stream (the rax of its macro nodes, keyed by
16-byte IDs), and the choice to free the client-tracking table in the background
(``freeTrackingRadixTreeAsync``, keyed by the tracked key names).

``raxInsert`` splits a compressed node where a new key parts from it and ``raxRemove``
recompresses the chain it leaves, so a rax holds its keys in the maximally compressed trie:
the root; where the keys below a node all go on with the same characters, one compressed node
holding the run; where they part, one branching node with a child per next character; a key
that ends at a node marks that node (a compressed node can be a key: the key ends before its
characters); a single key with characters left takes a compressed node of those characters and
its own empty key node. The count is therefore a function of the key set: no history needed.
"""

from __future__ import annotations

__all__ = ["rax_node_count"]


def rax_node_count(keys: list[bytes]) -> int:
    """``rax->numnodes`` of a rax holding ``keys`` (sorted and distinct, as a rax holds them
    by byte order). An empty rax is its root alone; one key is a compressed root and the
    key's node."""
    if not keys:
        return 1
    return _rax_nodes(keys, 0)


def _rax_nodes(keys: list[bytes], depth: int) -> int:
    """Nodes of the sub-trie of ``keys`` (sorted, sharing their first ``depth`` bytes) from
    the node at ``depth``, that node included. Cost: O(total key length)."""
    if len(keys[0]) == depth:  # a key ends here: this node is its key node
        keys = keys[1:]
        if not keys:
            return 1
    if len(keys) == 1:  # a compressed node with the rest of the key, then the key node
        return 2
    first, last = keys[0], keys[-1]
    d = depth
    while d < len(first) and first[d] == last[d]:  # sorted: first and last bound the run
        d += 1
    if d > depth:  # one compressed node for the shared run
        return 1 + _rax_nodes(keys, d)
    total = 1  # a branching node: one child per next character
    j = 0
    while j < len(keys):
        c = keys[j][depth]
        k = j + 1
        while k < len(keys) and keys[k][depth] == c:
            k += 1
        total += _rax_nodes(keys[j:k], depth + 1)
        j = k
    return total
