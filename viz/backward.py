"""The backward pass as a graph, beside the forward graph it reverses.

``backward_view(graph)`` reads the ``grad`` that each op node carries after a backward
with ``retain_graph=True`` (see ``autodiff.graph``) and returns a new DiGraph: the
forward graph unchanged, plus one node per backward rule applied (``∂ multiply``: an op
whose ``grad`` is set) and one per variable that received a gradient (``∂ x``, op
``gradient``), all of kind 'op', each
with ``backward_of`` = the forward node it reverses and ``grad`` = the gradient of the
heads with respect to that node's output.  Edges:

- ``gradient=True``: from the backward node of a consumer to the backward node of each
  input it differentiates -- gradients flow from output gradients to input gradients
  (the reverse of the forward edge); ``index`` numbers a node's incoming edges;
- ``reverses=True``: from a forward node to its backward node (drawn as a dotted line
  without arrow, keeping the two side by side).

``viz.draw(y, backward=True)`` draws it: each gradient edge is laid out like the forward
edge it mirrors with its arrow turned round, so the backward column reads bottom-up
beside the forward one.  Pure function; ``ValueError`` when no op carries a gradient.
"""

import networkx as nx

from viz.graphs import topological_order

BACKWARD_PREFIX = 'grad:'


def backward_id(node):
    """The id of the backward node of forward node ``node``."""
    return f'{BACKWARD_PREFIX}{node}'


def has_backward(graph):
    """True when some op node carries a kept gradient (``grad`` not None)."""
    return any(d.get('kind') == 'op' and d.get('grad') is not None
               for _, d in graph.nodes(data=True))


def backward_view(graph):
    """The forward graph plus its backward pass (see the module docstring)."""
    if not has_backward(graph):
        raise ValueError(
            'no op of this graph carries a gradient: call y.backward(retain_graph=True) '
            '(or autograd.grad(..., retain_graph=True)) before drawing with backward=True; '
            'without retain_graph the graph is freed and no gradients are kept')
    nodes = graph.nodes
    order = topological_order(graph)
    ran = {n for n in order if nodes[n].get('kind') == 'op' and nodes[n].get('grad') is not None}
    result = nx.DiGraph()
    result.graph.update(graph.graph)
    result.add_nodes_from(graph.nodes(data=True))
    result.add_edges_from(graph.edges(data=True))

    def reached(n):
        d = nodes[n]
        return d.get('kind') == 'variable' and d.get('grad_req', 'write') != 'null' and any(
            s in ran for s in graph.successors(n))

    back = [n for n in order if n in ran or reached(n)]
    inbound = {}
    for n in back:
        d = nodes[n]
        bid = backward_id(n)
        attrs = {'kind': 'op', 'label': '\u2202 ' + str(d.get('label') or d.get('op')),
                 'shape': d.get('shape'), 'dtype': d.get('dtype'), 'nout': d.get('nout', 1),
                 'head': False, 'detached': False, 'nonfinite': bool(d.get('grad_nonfinite')),
                 'grad': d.get('grad'), 'grad_nonfinite': bool(d.get('grad_nonfinite')),
                 'backward_of': n, 'params': ()}
        if d.get('kind') == 'op':
            attrs.update(op=f"{d.get('op')}_backward", custom=bool(d.get('custom')))
        else:                           # where the gradient is delivered (.grad)
            attrs.update(op='gradient', custom=False, grad_req=d.get('grad_req', 'write'))
        if d.get('scope_key') is not None:
            attrs.update(scope=d.get('scope'), scope_key=d['scope_key'])
        result.add_node(bid, **attrs)
        result.add_edge(n, bid, reverses=True, index=0, output=0)
        inbound[bid] = 1
    in_back = set(back)
    for c in reversed(back):            # the order a backward pass runs
        if c not in ran:
            continue
        for p in graph.predecessors(c):
            if p in in_back:
                bp = backward_id(p)
                result.add_edge(backward_id(c), bp, gradient=True, index=inbound[bp],
                                output=0)
                inbound[bp] += 1
    result.graph['backward_steps'] = [backward_id(n) for n in reversed(back)]
    return result
