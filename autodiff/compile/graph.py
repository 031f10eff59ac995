"""The compiled program as graphs in viz's contract.

``mark_recorded_graph`` marks the recorded tape's graph (``Compiled.graph()``, forward ops
only) with the step computing each op.  ``program_graph`` is what runs on a replay: every value of the program, forward and backward, as the compiler made
them.  Op nodes carry ``fused_group`` (the loop computing them: ``viz.draw`` frames each
loop) and ``compiled_step``; the heads are the function's results and the gradients the
program writes (named ``argK.grad``); a branch on data is a ``guard`` node.
"""

from ..graph import node_id

_STEP = {'group': 'loop', 'matmul': 'blas', 'scatter': 'scatter', 'concat': 'copy',
         'reshape': 'view', 'transpose': 'view', 'getitem': 'view', 'opaque': 'opaque',
         'opaque_grad': 'opaque'}


def _steps(prog):
    """({value id: the step computing it}, {loop step index: loop number})."""
    step_of, loop_no = {}, {}
    for st in prog.steps:
        if st.kind == 'group':
            loop_no[st.index] = len(loop_no)
            for v in st.members + st.sinks:
                step_of[v.id] = st
        elif st.kind != 'guard':
            step_of[st.value.id] = st
    return step_of, loop_no


class RecordedGraph:
    """The recorded tape's graph of one path (``Compiled.graph()``): read at the recording
    call (``autodiff.graph.graph_maker``), made into a DiGraph and marked
    (``mark_recorded_graph``) when first asked for, so a compiled function whose graph is
    never drawn does not import networkx."""
    __slots__ = ('_make', '_graph', '_marks')

    def __init__(self, make):
        self._make, self._graph, self._marks = make, None, (None, None)

    def mark(self, prog, reason):
        """Mark it with the steps of ``prog`` (None: a fallback, for ``reason``)."""
        self._marks = (prog, reason)
        if self._graph is not None:
            mark_recorded_graph(self._graph, prog, reason)

    def get(self):
        """The DiGraph (made at the first call)."""
        if self._graph is None:
            g = self._make()
            mark_recorded_graph(g, *self._marks)
            self._graph, self._make = g, None
        return self._graph


def mark_recorded_graph(graph, prog, reason):
    """Mark each op node of the recorded ``graph`` with the step computing its first value
    (``compiled_step``, and ``fused_group`` numbered as the drawing meets the loops)."""
    groups = []
    if prog is not None:
        step_of, _ = _steps(prog)
        first = {}
        for v in prog.values:             # creation order: a node's forward values first
            if v.origin is not None and v.id in step_of:
                first.setdefault(node_id(v.origin), step_of[v.id])
        shown = {}
        for nid, data in graph.nodes(data=True):
            st = first.get(nid)
            if st is None:
                continue
            data['compiled_step'] = _STEP[st.kind]
            if st.kind == 'group':
                k = data['fused_group'] = shown.setdefault(st.index, len(shown))
                if k == len(groups):
                    groups.append([])
                groups[k].append(nid)
    graph.graph['fused_groups'] = groups
    graph.graph['fallback_reason'] = reason


def _name(v):
    """A short name: the recorded op a value comes from, its primitive otherwise."""
    if v.origin is not None:
        base = v.origin.op.name
        part = v.label or (v.kind if v.kind != 'ew' else None)
        if part and part != base:
            base = f"{base}: {part}"         # one primitive of a decomposed op
    elif v.kind != 'ew':
        base = v.kind
    elif not v.args:
        base = 'ones' if v.backward else 'constant'
    elif v.nograd:
        base = 'detach'
    else:
        base = 'compare' if v.dtype.kind == 'b' else 'elementwise'
    return f"bwd {base}" if v.backward else base


def program_graph(prog):
    """``prog`` (a ``program.Program``) as a DiGraph; see the module docstring."""
    import networkx as nx   # (here, not at the top: it costs ~130 ms of start-up)
    G = nx.DiGraph()
    step_of, loop_no = _steps(prog)
    for v in prog.values:
        nid = f'v{v.id}'
        attrs = {'shape': v.shape, 'dtype': str(v.dtype)}
        if v.kind == 'input':
            lf = prog.leaves[v.attrs]
            where = f'arg {lf.pos}' if lf.pos is not None else 'closed over'
            if lf.var is None:
                G.add_node(nid, kind='constant', label=f'{where} (constant)', **attrs)
            else:
                G.add_node(nid, kind='variable', label=where,
                           grad_req=lf.req if lf.grad else 'null', **attrs)
            continue
        st = step_of[v.id]
        attrs.update(kind='op', op=_name(v), custom=False, compiled_step=_STEP[st.kind])
        if st.kind == 'group':
            attrs['fused_group'] = loop_no[st.index]
        if v.kind == 'ew' and v.nograd:
            attrs['detached'] = True
        G.add_node(nid, **attrs)
        for k, a in enumerate(v.args):
            G.add_edge(f'v{a.id}', nid, index=k, output=0)
    heads = [f'v{h.id}' for h in prog.heads]
    for lf, g in zip(prog.grad_leaves, prog.grads):
        if g is not None and G.nodes[f'v{g.id}']['kind'] == 'op':
            where = f'arg{lf.pos}' if lf.pos is not None else 'closed-over'
            G.nodes[f'v{g.id}']['name'] = f'{where}.grad'
            heads.append(f'v{g.id}')
    for k, (v, expect) in enumerate(prog.guards):
        gid = f'guard{k}'
        G.add_node(gid, kind='op', op='guard', label=f'guard: {expect}', custom=False,
                   shape=(), dtype='bool', compiled_step='guard')
        G.add_edge(f'v{v.id}', gid, index=0, output=0)
    for nid in dict.fromkeys(heads):
        G.nodes[nid]['head'] = True
    G.graph['heads'] = list(dict.fromkeys(heads))
    groups = {}
    for nid, d in G.nodes(data=True):
        if 'fused_group' in d:
            groups.setdefault(d['fused_group'], []).append(nid)
    G.graph['fused_groups'] = [groups[k] for k in sorted(groups)]
    return G
