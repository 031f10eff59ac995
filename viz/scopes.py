"""Block scopes in the picture: nested clusters, and collapsing scopes below a depth.

The graph's ``graph['scopes']`` (see ``autodiff.graph``) describes each scope call:
``name``, ``kind``, ``parent`` key, ``depth`` (1 = outermost) and ``params``; op nodes
and parameter variables carry the ``scope_key`` of the innermost scope they belong to.
``viz.dot`` draws each scope as a cluster labelled ``name : Kind``.

``collapse_scopes(graph, depth)`` replaces every scope deeper than ``depth`` by one node
(``scope_summary``: input and output shapes, parameter count, op count) drawn inside its
parent's cluster; then runs of at least ``FOLD_MIN`` identical collapsed scopes, each
feeding the next (twelve equal layers in a row), fold into one node ``Kind ×12``.
Pure functions: DiGraph in, new DiGraph out.
"""

import collections
import math

from viz.collapse import contract
from viz.graphs import head_set, topological_order

FOLD_MIN = 3


def scopes_of(graph):
    """``graph['scopes']`` (an empty dict when the graph has none)."""
    return graph.graph.get('scopes') or {}


def scope_label(info):
    """``'dense0 : Dense'`` for one entry of ``graph['scopes']``."""
    return f"{info.get('name')} : {info.get('kind')}"


def under(key, root):
    """True when scope ``key`` is ``root`` or nested inside it."""
    return key == root or (key is not None and key.startswith(root + '/'))


def collapse_scopes(graph, depth):
    """Return ``graph`` with every scope deeper than ``depth`` (an int >= 0) made one
    node, and runs of identical collapsed scopes folded (see the module docstring)."""
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise ValueError(f'depth must be an int >= 0 (scope levels drawn as clusters), '
                         f'got {depth!r}')
    scopes = scopes_of(graph)
    roots = [k for k, info in scopes.items() if info.get('depth', 1) == depth + 1]
    if not roots:
        return graph
    nodes = graph.nodes
    groups, infos = [], []
    root_of = {}
    for node, data in nodes(data=True):
        key = data.get('scope_key')
        if key is None:
            continue
        parts = key.split('/')
        if len(parts) > depth:
            root_of[node] = '/'.join(parts[:depth + 1])
    members = collections.defaultdict(list)
    for node in topological_order(graph):
        root = root_of.get(node)
        if root is not None:
            members[root].append(node)
    for root in roots:
        inside = members.get(root)
        if not inside:
            continue
        inside_set = set(inside)
        for node in list(inside):       # scalar constants used only inside join it
            for p in graph.predecessors(node):
                d = nodes[p]
                if (p not in inside_set and d.get('kind') == 'constant' and d.get('is_scalar')
                        and graph.in_degree(p) == 0
                        and all(s in inside_set for s in graph.successors(p))):
                    inside_set.add(p)
                    inside.append(p)
        groups.append(inside)
        infos.append((root, _summary(graph, inside, inside_set, scopes[root])))
    if not groups:
        return graph
    result = contract(graph, groups)
    for (root, summary), inside in zip(infos, groups):
        gid = f'{inside[0]}..{inside[-1]}'
        _dress(result.nodes[gid], scopes, root, summary)
    result.graph['scopes_collapsed'] = depth
    return fold_repeats(result)


def _summary(graph, inside, inside_set, info):
    nodes = graph.nodes
    ins, outs, seen = [], [], set()
    heads = head_set(graph)
    for node in inside:
        for p in graph.predecessors(node):
            if p not in inside_set and p not in seen and not nodes[p].get('is_scalar'):
                seen.add(p)
                ins.append(nodes[p].get('shape'))
        if node in heads or any(s not in inside_set for s in graph.successors(node)):
            if nodes[node].get('kind') == 'op':
                outs.append(nodes[node].get('shape'))
    params = 0
    for node in inside:
        d = nodes[node]
        if d.get('kind') == 'variable' and d.get('scope_key') is not None:
            params += math.prod(d.get('shape') or ())
    ops = sum(1 for n in inside if nodes[n].get('kind') == 'op')
    return {'name': info.get('name'), 'kind': info.get('kind'),
            'inputs': tuple(_dedup(ins)), 'outputs': tuple(_dedup(outs)),
            'params': params, 'ops': ops}


def _dedup(shapes):
    return [s for s in shapes if s is not None]


def _dress(data, scopes, root, summary):
    info = scopes[root]
    data.update(kind='op', op=info.get('kind'), custom=False, scope_summary=summary,
                label=scope_label(info), scope=info.get('path'), collapsed_scope=root)
    parent = info.get('parent')
    data.pop('scope_key', None)
    if parent is not None:
        data['scope_key'] = parent
    if len(summary['outputs']) == 1:
        data['shape'] = summary['outputs'][0]


def _signature(data):
    s = data.get('scope_summary')
    return (s['kind'], s['inputs'], s['outputs'], s['params'], s['ops'],
            data.get('scope_key'), bool(data.get('nonfinite')))


def fold_repeats(graph, fold_min=FOLD_MIN):
    """Fold runs of at least ``fold_min`` identical collapsed scopes in a row (each the
    only computed input of the next, none a head) into one node ``Kind ×n``."""
    nodes = graph.nodes
    heads = head_set(graph)

    def is_scope(n):
        return 'scope_summary' in nodes[n] and 'folded' not in nodes[n]

    def computed(n):
        return nodes[n].get('kind') == 'op' or graph.in_degree(n) > 0

    nxt, has_prev = {}, set()
    for u in graph.nodes:
        if not is_scope(u) or u in heads:
            continue
        succ = set(graph.successors(u))
        if len(succ) != 1:
            continue
        (v,) = succ
        if not is_scope(v) or _signature(nodes[u]) != _signature(nodes[v]):
            continue
        if any(p != u and computed(p) for p in graph.predecessors(v)):
            continue
        nxt[u] = v
        has_prev.add(v)
    runs = []
    for start in nxt:
        if start in has_prev:
            continue
        run = [start]
        while run[-1] in nxt:
            run.append(nxt[run[-1]])
        if len(run) >= fold_min:
            runs.append(run)
    if not runs:
        return graph
    result = contract(graph, runs)
    for run in runs:
        first, last = nodes[run[0]], nodes[run[-1]]
        d = result.nodes[f'{run[0]}..{run[-1]}']
        summary = dict(first['scope_summary'])
        summary['repeats'] = len(run)
        d.update(kind='op', op=first['op'], custom=False, scope_summary=summary,
                 folded=len(run), label=f"{summary['kind']} \u00d7{len(run)}",
                 scope=first.get('scope'), shape=last.get('shape'))
        d.pop('scope_key', None)
        if first.get('scope_key') is not None:
            d['scope_key'] = first['scope_key']
    return result


def summary_lines(summary):
    """Text lines for a collapsed scope: shapes in and out, parameters, ops."""
    from viz.labels import format_shape
    lines = []
    ins = ', '.join(format_shape(s) for s in summary.get('inputs', ()))
    outs = ', '.join(format_shape(s) for s in summary.get('outputs', ()))
    lines.append(f'in {ins or "-"} \u2192 out {outs or "-"}')
    n = summary.get('params', 0)
    reps = summary.get('repeats')
    lines.append(f"{n:,} params, {summary.get('ops', 0)} ops" + (' each' if reps else ''))
    return lines
