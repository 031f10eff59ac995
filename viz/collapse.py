"""Collapse a large tape graph into a small one that Graphviz can lay out.

Pure functions: DiGraph in, new DiGraph out; the input is never modified.
A collapsed node stands for a group of original nodes and carries
``members`` (original node ids, the mark of a collapsed node), ``collapsed``
(number of ops in it), ``ops`` (op name -> count) and a ``label`` such as
``multiply ×100`` (``250 ops``; ``40 inputs`` for a bundle of inputs).

Levels, each applied only while the graph is still larger than ``max_nodes``
(level 1 is applied whenever ``min_chain`` is set):

1. maximal linear chains of the *same* op, at least ``min_chain`` long,
   become one node ``multiply ×100``;
2. maximal linear chains of *any* ops (at least 2 long) become one node
   ``250 ops`` (the label lists the most frequent ops);
3. the remaining ops are cut, in recording (topological) order, into
   consecutive runs, each run one node, so that about ``max_nodes`` remain.
   Heads and the nodes where a NaN/inf was born stay visible, then custom
   Functions and detached cut points, then variables, as far as half of the
   budget allows; inputs not kept join the run of their first consumer.

A *linear chain* link ``u -> v`` needs: ``u``'s only consumer is ``v``, ``v``
has no other input that is itself computed (leaf inputs such as scalar
constants or weights are fine), both are single-output built-in ops, ``u``
is not a head, and neither is the birth of a NaN/inf.  Constants used only
inside a group are absorbed into it.  Contraction keeps the graph acyclic.
"""

import collections
import math

import networkx as nx

from viz.graphs import head_set, heads, nonfinite_births, nout, topological_order

DEFAULT_MIN_CHAIN = 8
DEFAULT_MAX_NODES = 300


def collapse_graph(graph, *, min_chain=DEFAULT_MIN_CHAIN, max_nodes=DEFAULT_MAX_NODES):
    """Return a smaller graph for drawing (see the module docstring).

    ``min_chain``: shortest same-op chain that level 1 collapses (``None`` or
    0 turns level 1 off).  ``max_nodes``: node budget for levels 2 and 3
    (``None`` turns them off).  When nothing needs collapsing the input graph
    itself is returned.  The result's ``graph['collapse_level']`` says which
    level was reached (0 = untouched) and ``graph['collapsed_from']`` the
    original node count.
    """
    original = graph.number_of_nodes()
    level = 0
    if min_chain:
        groups = chain_groups(graph, min_chain=min_chain, same_op=True)
        if groups:
            graph, level = contract(graph, groups), 1
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        groups = chain_groups(graph, min_chain=2, same_op=False)
        if groups:
            graph, level = contract(graph, groups), 2
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        graph, level = contract(graph, order_groups(graph, max_nodes)), 3
    if level:
        graph.graph['collapse_level'] = level
        graph.graph['collapsed_from'] = original
    return graph


def chain_groups(graph, *, min_chain, same_op):
    """Return the maximal linear chains (lists of node ids, in order) that
    are at least ``min_chain`` ops long, each with the constants used only
    inside it appended."""
    births = nonfinite_births(graph)
    is_head = head_set(graph)
    nodes = graph.nodes

    def collapsible(n):
        d = nodes[n]
        return (d.get('kind') == 'op' and not d.get('custom') and nout(d) == 1
                and n not in births)

    def computed(n):
        return graph.in_degree(n) > 0 or nodes[n].get('kind') == 'op'

    nxt, has_prev = {}, set()
    for u in graph.nodes:
        if u in is_head or not collapsible(u):
            continue
        succ = set(graph.successors(u))
        if len(succ) != 1:
            continue
        (v,) = succ
        if not collapsible(v):
            continue
        if any(p != u and computed(p) for p in graph.predecessors(v)):
            continue
        du, dv = nodes[u], nodes[v]
        if bool(du.get('nonfinite')) != bool(dv.get('nonfinite')):
            continue
        if same_op and _op_name(du) != _op_name(dv):
            continue
        if du.get('scope_key') != dv.get('scope_key'):     # never across a Block's frame
            continue
        nxt[u] = v
        has_prev.add(v)

    groups = []
    for start in nxt:
        if start in has_prev:
            continue
        chain = [start]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        if _op_count(graph, chain) >= min_chain:
            groups.append(chain + _private_constants(graph, chain))
    return groups


def order_groups(graph, max_nodes):
    """Level 3: cut the graph, in topological order, into consecutive runs
    so that at most about ``max_nodes`` nodes remain (see module docstring)."""
    order = topological_order(graph)
    nodes = graph.nodes
    tiers = (
        set(heads(graph)) | head_set(graph) | nonfinite_births(graph),
        {n for n in order if nodes[n].get('custom') or nodes[n].get('detached')},
        {n for n in order if nodes[n].get('kind') == 'variable'},
    )
    keep = set()
    for tier in tiers:
        tier = tier - keep
        if len(keep) + len(tier) > max(1, max_nodes // 2):
            break
        keep |= tier

    def is_input(n):
        return graph.in_degree(n) == 0 and nodes[n].get('kind') != 'op'

    rest = [n for n in order if n not in keep and not is_input(n)]
    size = max(1, math.ceil(len(rest) / max(1, max_nodes - len(keep))))
    while True:
        groups = _cut_runs(graph, order, keep, is_input, size)
        grouped = sum(len(g) for g in groups)
        if graph.number_of_nodes() - grouped + len(groups) <= max_nodes or size >= len(rest):
            return groups
        size *= 2


def _cut_runs(graph, order, keep, is_input, size):
    groups, run, group_of = [], [], {}

    def close():
        if run:
            groups.append(list(run))
            for m in run:
                group_of[m] = len(groups) - 1
            run.clear()

    for n in order:
        if n in keep:
            close()
        elif not is_input(n):
            run.append(n)
            if len(run) >= size:
                close()
    close()

    # Absorb each input not kept into the group of its earliest consumer
    # (earliest keeps the contraction acyclic); inputs whose earliest
    # consumer stayed visible are bundled per consumer.
    position = {n: i for i, n in enumerate(order)}
    bundles = collections.defaultdict(list)
    for n in order:
        if n in keep or not is_input(n) or graph.out_degree(n) == 0:
            continue
        first = min(graph.successors(n), key=position.__getitem__)
        if first in group_of:
            groups[group_of[first]].append(n)
        else:
            bundles[first].append(n)
    groups.extend(bundles.values())
    return [g for g in groups if len(g) > 1]


def contract(graph, groups):
    """Return the quotient graph with each group (a list of node ids) made
    one node; parallel edges between groups merge into one edge with
    ``count``.  Nodes keep their order of first appearance."""
    group_id, group_attrs = {}, {}
    is_head = head_set(graph)
    for members in groups:
        gid = f'{members[0]}..{members[-1]}'
        group_attrs[gid] = _merged_attrs(graph, members, is_head)
        for m in members:
            group_id[m] = gid

    result = nx.DiGraph()
    result.graph.update(graph.graph)
    for n, d in graph.nodes(data=True):
        gid = group_id.get(n)
        if gid is None:
            result.add_node(n, **d)
        elif gid not in result:
            result.add_node(gid, **group_attrs[gid])
    for u, v, d in graph.edges(data=True):
        a, b = group_id.get(u, u), group_id.get(v, v)
        if a == b:
            continue
        if result.has_edge(a, b):
            e = result.edges[a, b]
            e['count'] = e.get('count', 1) + d.get('count', 1)
            e.pop('index', None)
            e.pop('output', None)
        else:
            result.add_edge(a, b, **d)
    result.graph['heads'] = list(dict.fromkeys(group_id.get(h, h) for h in heads(graph)))
    return result


# --- helpers ----------------------------------------------------------------

def _op_name(data):
    return data.get('op', '?')


def _op_count(graph, members):
    total = 0
    for m in members:
        d = graph.nodes[m]
        if 'members' in d:
            total += d['collapsed']
        elif d.get('kind') == 'op':
            total += 1
    return total


def _private_constants(graph, chain):
    """Constant leaves consumed only by members of ``chain``."""
    inside = set(chain)
    found = []
    for m in chain:
        for p in graph.predecessors(m):
            d = graph.nodes[p]
            if (p not in inside and graph.in_degree(p) == 0
                    and d.get('kind') == 'constant' and not d.get('detached')
                    and not d.get('nonfinite') and not d.get('head')
                    and all(s in inside for s in graph.successors(p))):
                inside.add(p)
                found.append(p)
    return found


def _merged_attrs(graph, members, heads_):
    ops = collections.Counter()
    flat, count, last_op = [], 0, None
    nonfinite = is_head = False
    for m in members:
        d = graph.nodes[m]
        nonfinite = nonfinite or bool(d.get('nonfinite'))
        is_head = is_head or m in heads_
        if 'members' in d:
            ops.update(d['ops'])
            count += d['collapsed']
            flat.extend(d['members'])
            last_op = m
        elif d.get('kind') == 'op':
            ops[_op_name(d)] += 1
            count += 1
            flat.append(m)
            last_op = m
        else:
            flat.append(m)
    ops = dict(ops.most_common())
    scope_keys = {graph.nodes[m].get('scope_key') for m in members}
    single = len(ops) == 1
    name = next(iter(ops)) if single else 'ops'
    if single:
        label = f'{name} \u00d7{count}'
    else:
        label = f'{count} ops' if count else f'{len(flat)} inputs'
    attrs = {
        'kind': 'op' if count else 'constant',
        'op': name if single else 'collapsed', 'custom': False,
        'collapsed': count, 'ops': ops, 'members': tuple(flat), 'label': label,
        'nonfinite': nonfinite, 'head': is_head, 'params': (),
    }
    if len(scope_keys) == 1 and None not in scope_keys:
        attrs['scope_key'] = scope_keys.pop()
        attrs['scope'] = graph.nodes[members[0]].get('scope')
    if last_op is not None and _is_chain(graph, members):
        last = graph.nodes[last_op]
        for key in ('shape', 'dtype'):
            if key in last:
                attrs[key] = last[key]
    return attrs


def _is_chain(graph, members):
    ops = [m for m in members if graph.nodes[m].get('kind') == 'op']
    return all(graph.has_edge(a, b) for a, b in zip(ops, ops[1:]))
