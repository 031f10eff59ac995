"""The DiGraph contract between ``autodiff.autograd.get_graph`` and ``viz``,
as a checker that producers' tests can call: ``viz.check_graph(get_graph(y))``.

Nodes: ``kind`` in {'variable', 'constant', 'op'}; ops have ``op`` (str) and
``custom`` (bool), optionally ``name`` (the user's name for the result);
``label``; ``shape`` (tuple) and ``dtype`` (str), or for ``nout`` > 1 one of
each per output; variables have ``grad_req`` in {'write', 'add', 'null'} and
may have ``grad``; constants may have ``is_scalar``; optional ``detached``,
``head``, ``nonfinite``, ``grad_nonfinite``, ``value``; op parameters as
attributes named in ``params`` (never one of the names above, see
``RESERVED``: such a parameter is stored as ``param_<name>``).  Edges run
producer -> consumer with ``index`` (argument position; a tuple when one
producer fills several positions, with ``output`` a tuple too) and
``output``.  Constants have no inputs; a variable has at most one (the op
whose result it was attached to).  Acyclic.  ``graph['heads']`` lists head
node ids; optional ``graph['head_outputs']`` one ``(node id, output)`` per
head asked for.

Optional, for Block scopes and the backward pass: ``scope`` (str, '/'-joined scope
names) and ``scope_key`` (a key of ``graph['scopes']``, whose entries hold ``name``,
``kind``, ``path``, ``parent``, ``depth`` and ``params``); on ops ``grad`` (the kept
gradient of the heads for the op's output, a tuple when ``nout`` > 1) and ``reused``
(a forward op a ``create_graph`` gradient graph reuses).
"""

import networkx as nx

from viz.graphs import arg_slots, nout

KINDS = ('variable', 'constant', 'op')
RESERVED = ('kind', 'op', 'custom', 'label', 'shape', 'dtype', 'nout', 'grad_req',
            'detached', 'head', 'nonfinite', 'grad', 'grad_nonfinite', 'value',
            'params', 'name', 'is_scalar', 'members', 'collapsed', 'ops',
            'ghost_of', 'scope', 'scope_key', 'reused')
GRAD_REQS = ('write', 'add', 'null')


def graph_problems(graph):
    """Return a list of human-readable contract violations (empty if none)."""
    if not isinstance(graph, nx.DiGraph):
        return [f'not a networkx.DiGraph: {type(graph).__name__}']
    problems = []
    for node, d in graph.nodes(data=True):
        where = f'node {node!r}'
        kind = d.get('kind')
        if kind not in KINDS:
            problems.append(f'{where}: kind {kind!r} is not one of {KINDS}')
        if not isinstance(node, str):
            problems.append(f'{where}: node id is not a str')
        if kind == 'op' and not isinstance(d.get('op'), str):
            problems.append(f'{where}: op node without an op name')
        if kind == 'variable' and d.get('grad_req', 'write') not in GRAD_REQS:
            problems.append(f"{where}: grad_req {d.get('grad_req')!r}")
        n = nout(d)
        for key in ('shape', 'dtype'):
            value = d.get(key)
            if n > 1 and not (isinstance(value, (tuple, list)) and len(value) == n):
                problems.append(f'{where}: nout={n} but {key} is not a {n}-tuple')
        if n == 1 and 'shape' in d and not isinstance(d['shape'], tuple):
            problems.append(f"{where}: shape {d['shape']!r} is not a tuple")
        for name in d.get('params') or ():
            if name not in d:
                problems.append(f'{where}: parameter {name!r} listed but missing')
            if name in RESERVED:
                problems.append(f'{where}: parameter {name!r} clashes with a node '
                                f'attribute (store it as param_{name})')
        inputs = list(graph.predecessors(node))
        if kind == 'constant' and inputs:
            problems.append(f'{where}: a constant with inputs')
        if kind == 'variable' and len(inputs) > 1:
            problems.append(f'{where}: a variable with {len(inputs)} inputs')
        positions = []
        for producer, _, e in graph.in_edges(node, data=True):
            for index, output in arg_slots(e):
                positions.append(index)
                if not isinstance(index, int):
                    problems.append(f'{where}: edge from {producer!r} has index {index!r}')
                if not isinstance(output, int) or not 0 <= output < nout(graph.nodes[producer]):
                    problems.append(f'{where}: edge from {producer!r} has output {output!r}')
        if len(positions) != len(set(positions)):
            problems.append(f'{where}: argument positions repeat: {sorted(positions)}')
    if not nx.is_directed_acyclic_graph(graph):
        problems.append('the graph has a cycle')
    for head in graph.graph.get('heads', ()):
        if head not in graph:
            problems.append(f'head {head!r} is not a node')
    for entry in graph.graph.get('head_outputs', ()):
        head, output = entry
        if head not in graph or not 0 <= output < nout(graph.nodes[head]):
            problems.append(f'head output {entry!r} is not an output of a node')
    return problems


def check_graph(graph):
    """Raise ``ValueError`` listing every contract violation of ``graph``."""
    problems = graph_problems(graph)
    if problems:
        raise ValueError('graph breaks the viz contract:\n  ' + '\n  '.join(problems))
