"""Reading the recorded-tape DiGraph: input resolution and small queries.

Everything in ``viz`` reads the graph through these helpers, so the graph
contract (see ``viz.contract``) is interpreted in one place.  Nothing here
recurses: graphs may be tens of thousands of nodes deep.
"""

import heapq

import networkx as nx


def as_graph(obj):
    """Return the ``networkx.DiGraph`` to draw for ``obj``.

    A DiGraph (or MultiDiGraph) is returned as it is.  Anything else (an
    autodiff array, or a list/tuple of arrays used as heads) is handed to
    ``autodiff.autograd.get_graph``, imported only here so that ``viz``
    works without ``autodiff``.
    """
    if isinstance(obj, nx.DiGraph):
        return obj
    try:
        from autodiff import autograd
    except ImportError as exc:  # pragma: no cover - depends on install
        raise TypeError(
            f'viz expects a networkx.DiGraph or autodiff arrays, got '
            f'{type(obj).__name__} (and autodiff could not be imported: {exc})'
        ) from exc
    graph = autograd.get_graph(obj)
    if not isinstance(graph, nx.DiGraph):
        raise TypeError('autodiff.autograd.get_graph did not return a '
                        f'networkx.DiGraph but {type(graph).__name__}')
    return graph


def as_simple(graph):
    """Return ``graph`` as a plain DiGraph: a MultiDiGraph's parallel edges
    (``x * x``) merge into one edge whose ``index``/``output`` are tuples."""
    if not graph.is_multigraph():
        return graph
    simple = nx.DiGraph()
    simple.graph.update(graph.graph)
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        slots = arg_slots(data)
        if simple.has_edge(u, v):
            e = simple.edges[u, v]
            old = arg_slots(e)
            e['index'] = tuple(i for i, _ in old + slots)
            e['output'] = tuple(o for _, o in old + slots)
        else:
            simple.add_edge(u, v, **data)
    return simple


def arg_slots(edge_data):
    """Return ``[(index, output), ...]`` for one edge's attributes.

    ``index`` is normally an int; a tuple/list of ints (one producer feeding
    several argument slots, as in ``x * x``) gives one slot each, with
    ``output`` either one int for all or a parallel tuple.
    """
    index = edge_data.get('index', 0)
    output = edge_data.get('output', 0)
    if isinstance(index, (tuple, list)):
        if not isinstance(output, (tuple, list)):
            output = [output] * len(index)
        return list(zip(index, output))
    return [(index, output)]


def inputs_of(graph, node):
    """Return the argument list of ``node`` as ``[(index, producer, output)]``,
    sorted by argument position (works for DiGraph and MultiDiGraph)."""
    args = []
    for producer, _, data in graph.in_edges(node, data=True):
        for index, output in arg_slots(data):
            args.append((index, producer, output))
    args.sort(key=lambda a: (a[0] if isinstance(a[0], int) else 0))
    return args


def nout(data):
    """Number of outputs of a node (1 unless ``nout`` says more)."""
    n = data.get('nout', 1)
    return n if isinstance(n, int) and n > 1 else 1


def heads(graph):
    """Head node ids in order: ``graph.graph['heads']``, else the nodes
    marked ``head=True`` (in insertion order)."""
    listed = graph.graph.get('heads')
    if listed:
        return [h for h in listed if h in graph]
    return [n for n, d in graph.nodes(data=True) if d.get('head')]


def head_set(graph):
    """Set of head node ids (listed heads and nodes marked ``head``)."""
    result = set(heads(graph))
    result.update(n for n, d in graph.nodes(data=True) if d.get('head'))
    return result


def nonfinite_births(graph):
    """Nodes whose value is non-finite while no input's value is: the places
    where a NaN or inf was born."""
    births = set()
    for node, data in graph.nodes(data=True):
        if data.get('nonfinite') and 'ghost_of' not in data and not any(
                graph.nodes[p].get('nonfinite') for p in graph.predecessors(node)):
            births.add(node)
    return births


def topological_order(graph):
    """Nodes in a deterministic topological order (iterative Kahn).

    Among the nodes that are ready, the one inserted first into the graph
    comes first, so the order follows the order the tape recorded.
    Raises ``ValueError`` if the graph has a cycle.
    """
    position = {node: i for i, node in enumerate(graph.nodes)}
    indegree = {node: 0 for node in graph.nodes}
    for node in graph.nodes:
        # count distinct producers: MultiDiGraph parallel edges count once
        indegree[node] = len(set(graph.predecessors(node)))
    ready = [(position[n], n) for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for succ in set(graph.successors(node)):
            indegree[succ] -= 1
            if indegree[succ] == 0:
                heapq.heappush(ready, (position[succ], succ))
    if len(order) != graph.number_of_nodes():
        raise ValueError('the graph has a cycle; a recorded tape must be acyclic')
    return order
