"""Replace edges that span many ranks by *ghost* copies of their producer.

Graphviz's ``dot`` lays an edge that spans k ranks out as a chain of k
virtual nodes; a weight used by each of 300 steps (or any early result used
much later) makes tens of thousands of them, and the layout then takes
minutes.  ``split_long_edges`` estimates each edge's span and, longest
first, redirects edges to a dashed copy of the producer drawn beside the
consumer, until the total is within budget.  A pure function: DiGraph in,
new DiGraph out (or the input itself when nothing needs changing).
"""

from viz.graphs import topological_order

DEFAULT_MAX_VIRTUAL = 500


def split_long_edges(graph, max_virtual=DEFAULT_MAX_VIRTUAL):
    """Return a graph whose estimated number of virtual nodes (sum over
    edges of rank span - 1) is at most ``max_virtual``.

    Each replaced edge ``u -> v`` becomes ``ghost -> v`` where the ghost
    node (id ``'u@v'``) copies ``u``'s attributes without ``head`` and adds
    ``ghost_of=u``.  Ranks are estimated as in ``dot``: longest path from the
    inputs, inputs placed just above their first consumer.
    """
    if graph.is_multigraph():
        raise TypeError('split_long_edges expects a DiGraph (see viz.graphs.as_simple)')
    rank = estimate_ranks(graph)
    spans = sorted(((rank[v] - rank[u], u, v) for u, v in graph.edges), reverse=True)
    total = sum(max(0, span - 1) for span, _, _ in spans)
    if total <= max_virtual:
        return graph
    result = graph.copy()
    for span, u, v in spans:
        if total <= max_virtual or span < 2:
            break
        data = result.edges[u, v]
        result.remove_edge(u, v)
        ghost = f'{u}@{v}'
        attrs = {k: val for k, val in graph.nodes[u].items()
                 if k not in ('head', 'scope_key')}
        if graph.nodes[v].get('scope_key') is not None:     # drawn beside its consumer
            attrs['scope_key'] = graph.nodes[v]['scope_key']
        result.add_node(ghost, **attrs, ghost_of=u)
        result.add_edge(ghost, v, **data)
        total -= span - 1
    return result


def estimate_ranks(graph):
    """Rank of each node as ``dot`` would roughly place it (no recursion)."""
    order = topological_order(graph)
    rank = {}
    for node in order:
        rank[node] = max((rank[p] + 1 for p in graph.predecessors(node)), default=0)
    for node in order:
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 0:
            rank[node] = min(rank[s] for s in graph.successors(node)) - 1
    return rank
