"""The recorded tape as a ``networkx.DiGraph``, built on demand from the tape nodes.

Nothing is kept eagerly: ``build_graph(heads)`` walks the same nodes backward walks
(``engine._collect``, iterative, so a 100,000-op chain is fine) and lays them out
as a DiGraph.  The graph is a snapshot: values and gradients are copied.

Node ids (stable strings)
    ``n{id}`` an op application (tape ``Node``), ``v{id}`` a marked array (tape
    ``Variable``), ``c{id}_{pos}`` a constant: the unmarked array or Python scalar
    at argument position ``pos`` of op node ``n{id}`` (also the input of a
    non-differentiable op, e.g. ``h > 0``, whose own graph an earlier backward freed).  Tape ids are unique and grow
    in recording order, and nodes are inserted in that order, so
    ``list(G)`` is already a topological order.

Node attributes (every node)
    ``kind``       'variable' | 'constant' | 'op'
    ``label``      variables: the name given with ``names=``, else ``Variable.name``
                   (Gluon's parameter name), else the parameter name of the
                   ``block_scope`` it was given to, else its name in the caller's
                   code (below), else 'var{k}' (k counts variables in graph order);
                   array constants: the given name, else the caller's name, else
                   'const{k}'; scalar constants: ``str(value)``; ops: the op name

Names from the caller's code: the graph is built in a frame outside ``autodiff`` and
``viz`` (the code that called ``get_graph``, ``viz.draw``, ``viz.to_text``...).  A
variable or array constant of the graph that is bound to a name in that frame -- its
locals first, then its module's globals -- is labelled with that name (``w1``, ``xin``).
Identity counts, not equal values: for a variable, any array whose history is that
variable; for a constant, the very array object the op read.  Ambiguous cases: when
several names in one namespace are bound to the array, the one bound first wins (dict
order: ``w2`` over a later loop variable ``p``); a local name wins over a global one;
names starting with ``_`` (IPython's ``_``, ``_3``) are ignored; arrays named only in
frames further out (the caller's caller), inside containers or as attributes are not
found; ``names=`` (and ``Variable.name``) always win.  ``names=False`` turns the lookup
off.
    ``shape``      tuple (op nodes with ``nout`` > 1: a tuple of shapes, one per output)
    ``dtype``      str (likewise a tuple of str when ``nout`` > 1)
    ``head``       True on the nodes of the heads asked for
    ``detached``   True on a variable/constant whose array came from ``.detach()``, and
                   on a variable made by ``attach_grad()`` on a recorded intermediate
                   (both cut the history there)
    ``nonfinite``  True when the node's value (op outputs, constant or variable data)
                   holds NaN or inf
Ops add ``scope``: the '/'-joined names of the ``block_scope``s active when the op was
recorded, outermost first (``'hybridsequential0/dense0'``), '' outside any; and, inside a
scope, ``scope_key``: the key of that scope call in ``graph['scopes']`` (the path, with
``#2``, ``#3``... on a name when the same path was entered again, e.g. a Block called
twice).  A variable given as a scope's parameter carries that scope's ``scope`` and
``scope_key`` and, without another name, the parameter's name as label.
``graph['scopes']``: ``{key: {'name', 'kind', 'path', 'parent' (key or None), 'depth'
(1 = outermost), 'params': {parameter name: node id, or None when not in this graph}}}``
in the order the scopes were entered.
Variables add ``grad_req``, ``grad`` (NumPy copy of ``.grad`` or None),
``grad_nonfinite``, ``value`` (NumPy copy of the data).  Constants add ``is_scalar``
(True for a Python scalar operand) and ``value`` (the scalar, or a NumPy copy).
Ops add ``value``: a NumPy copy of the output (a tuple of copies when ``nout`` > 1);
``grad``: after a backward with ``retain_graph=True``, the gradient of the heads
of that backward with respect to the op's output (a NumPy copy; a tuple of them, None for
an output nothing flowed into, when ``nout`` > 1), else None; ``grad_nonfinite``; and
``reused``: True on an op a ``create_graph=True`` pass differentiated, whose recorded
gradient graph reuses it (``autograd.grad(..., create_graph=True)``).
Ops add ``op`` (op name, or the class name of a custom ``autograd.Function``),
``custom``, ``nout``, ``params`` (tuple of attribute names) and one attribute per op
parameter (``axis``, ``keepdims``, ``scalar``...).  A parameter whose name clashes
with the attributes above (``shape`` of broadcast_to, ``dtype`` of astype) is stored
as ``param_<name>``.  Index keys become short strings such as ``'[:, 0]'``.  An op
result named with ``names=`` gets a ``name`` attribute.

Edges run from an input to the op that consumed it: ``index`` (argument position)
and ``output`` (the producer's output position).  When one producer fills several
positions of the same op (``x * x``) there is one edge whose ``index`` and
``output`` are tuples.  A variable is always a source: ``attach_grad()`` on a recorded
intermediate cuts its history (MXNet 1.9.1), and that variable is ``detached``.

``G.graph['heads']``: head node ids in the order asked, without repeats (for an
output of a multi-output op, the op node); ``G.graph['head_outputs']``: one
``(node id, output index)`` per head asked.

Errors: a head without recorded history raises ``GraphError`` (as backward does);
a graph freed by an earlier backward without ``retain_graph=True`` raises
``GraphError`` with the same message as a second backward.
"""
import contextlib
import functools
import gc
import math
import sys

import numpy as _onp

from .engine import _collect, no_history
from .errors import GraphError, typename
from .ndarray import ndarray
from .tape import Variable

_isfinite = _onp.isfinite

# Attribute names a node already uses; op parameters with these names get 'param_'.
RESERVED = frozenset({'kind', 'label', 'shape', 'dtype', 'head', 'detached', 'nonfinite',
                      'op', 'custom', 'nout', 'params', 'name', 'value', 'is_scalar',
                      'grad', 'grad_req', 'grad_nonfinite', 'scope', 'scope_key',
                      'reused'})
PARAM_PREFIX = 'param_'
_SMALL_KEY = 8          # index arrays up to this size are written out in full


def node_id(tape_node):
    """The DiGraph id of a tape ``Node`` or ``Variable``."""
    return f'v{tape_node.id}' if type(tape_node) is Variable else f'n{tape_node.id}'


def build_graph(heads, names=None, from_caller=True):
    """The tape behind ``heads`` (one array or a list) as a ``networkx.DiGraph``.

    ``names``: optional ``{name: array}``; a named variable or constant takes the
    name as its label, a named op result gives its op node a ``name`` attribute.
    Other variables and constants are labelled with their names in the calling code
    (see "Names from the caller's code" in the module docstring); ``names=False``
    turns that off, as does ``from_caller=False`` (``get_symbol`` keeps MXNet's
    ``var0`` names).  See the module docstring for the node and edge attributes.
    """
    return _digraph(*_read_tape(heads, names, from_caller, sys._getframe(1)))


def graph_maker(heads, names=None, from_caller=True):
    """``build_graph``'s reading of the tape now, and a function making its DiGraph later.

    Everything the graph shows (values, gradients, labels, scopes) is taken at this call,
    as ``build_graph`` takes it; calling the result (no arguments) makes the
    ``networkx.DiGraph`` — importing networkx then, ~0.1-0.2 s of a fresh process — so a
    caller that may never be asked for the picture (``autograd.compile``) need not pay
    for it.  It keeps no tape node alive.
    """
    return functools.partial(_digraph, *_read_tape(heads, names, from_caller,
                                                  sys._getframe(1)))


def _read_tape(heads, names, from_caller, frame):
    """``_collect_graph``'s parts for the public entry points (``frame``: their caller's,
    whose variable names label the graph unless ``names`` is False or not ``from_caller``)."""
    heads = _as_heads(heads)
    for i, h in enumerate(heads):
        if h._node is None:
            raise GraphError(no_history(i, h))
    frame_names = None
    if names is False:
        names = None
    elif from_caller:
        frame_names = caller_names(frame)
    with gc_paused():
        return _collect_graph(heads, names, frame_names)


LIBRARY_MODULES = ('autodiff', 'viz')   # frames of these packages are not the caller


def _is_library(frame):
    name = frame.f_globals.get('__name__') or ''
    return any(name == m or name.startswith(m + '.') for m in LIBRARY_MODULES)


def caller_names(frame):
    """``(by_variable, by_array_id)``: names of autodiff arrays in the first frame
    outside ``autodiff``/``viz`` from ``frame`` outwards (its locals, then globals; the
    first-bound name wins; names starting with '_' are skipped)."""
    while frame is not None and _is_library(frame):
        frame = frame.f_back
    by_var, by_id = {}, {}
    if frame is None:
        return by_var, by_id
    spaces = [frame.f_locals]
    if frame.f_globals is not frame.f_locals:
        spaces.append(frame.f_globals)
    for space in spaces:
        for name, value in list(space.items()):
            if name.startswith('_') or not isinstance(value, ndarray):
                continue
            by_id.setdefault(id(value), name)
            if type(value._node) is Variable:
                by_var.setdefault(value._node, name)
    return by_var, by_id


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building big graphs.

    Hundreds of thousands of new dicts would otherwise trigger repeated full
    collections over the large, live tape (they double the build time); the
    objects made here form no reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect_graph(heads, names, frame_names):
    """``(nodes, edges, head outputs, scope references)``: what ``_digraph`` makes the
    DiGraph of, read from the tape now (values copied)."""
    found = _collect(heads)                 # raises on a freed graph
    # (a freed node is only kept when nothing but non-differentiable ops consume it:
    # it is drawn as a constant input of those)
    order = sorted((n for n in found if not n.freed), key=lambda n: n.id)
    var_names, array_names, op_names = _resolve_names(names)
    frame_vars, frame_ids = frame_names or ({}, {})
    values = _variable_values(heads, order)

    nodes, edges = [], {}
    counts = {'var': 0, 'const': 0}
    for n in order:
        nid = node_id(n)
        if type(n) is Variable:
            nodes.append((nid, _variable_attrs(n, values.get(n), var_names, array_names,
                                               counts, frame_vars)))
            continue
        sa = n.op.scalar_arg
        if sa is not None:
            cid = f'c{n.id}_{sa}'
            nodes.append((cid, _scalar_attrs(n.attrs[0])))
            _add_edge(edges, cid, nid, sa, 0)
        for i, (x, e) in enumerate(zip(n.inputs, n.edges)):
            pos = i + 1 if sa is not None and i >= sa else i
            if e is None or e[0].freed:            # (behind a non-differentiable op)
                cid = f'c{n.id}_{pos}'
                nodes.append((cid, _constant_attrs(x, array_names, counts, frame_ids)))
                _add_edge(edges, cid, nid, pos, 0)
            else:
                _add_edge(edges, node_id(e[0]), nid, pos, e[1])
        nodes.append((nid, _op_attrs(n, op_names.get(n))))
    head_outputs = [(node_id(h._node), h._idx) for h in heads]
    refs = [(node_id(n), type(n) is Variable, None if type(n) is Variable else n.scope)
            for n in order]
    return nodes, edges, head_outputs, (refs, _scope_params(refs))


def _digraph(nodes, edges, head_outputs, refs):
    """The DiGraph of ``_collect_graph``'s parts."""
    import networkx as nx   # (here, not at the top: it costs ~130 ms of start-up)
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_edges_from((u, v, _edge_attrs(slots)) for (u, v), slots in edges.items())
    for nid, _ in head_outputs:
        G.nodes[nid]['head'] = True
    G.graph['heads'] = list(dict.fromkeys(nid for nid, _ in head_outputs))
    G.graph['head_outputs'] = head_outputs
    _add_scopes(G, refs)
    return G


# ---- block scopes ------------------------------------------------------------------------
def _used_scopes(refs):
    """The scopes of the op nodes and their parents (``{scope: None}``, an ordered set)."""
    used = {}
    for _, is_var, s in refs:
        if not is_var:
            while s is not None and s not in used:
                used[s] = None
                s = s.parent
    return used


def _scope_params(refs):
    """``{scope: [(parameter name, its Variable's node id or None)]}`` read now."""
    out = {}
    for s in _used_scopes(refs):
        out[s] = [(pname, node_id(a._node) if isinstance(a, ndarray)
                   and type(a._node) is Variable else None)
                  for pname, a in s.params.items()]
    return out


def _add_scopes(G, scope_refs):
    """``scope``/``scope_key`` on op nodes and parameters, ``graph['scopes']``;
    ``scope_refs``: ``(node id, is a Variable, scope)`` per tape node, in tape order, and
    ``_scope_params`` of them."""
    refs, params = scope_refs
    used = _used_scopes(refs)
    keys, scopes, taken = {}, {}, set()
    for s in sorted(used, key=lambda s: s.serial):       # parents were entered first
        parent = keys.get(s.parent) if s.parent is not None else None
        base = s.name if parent is None else parent + '/' + s.name
        key, k = base, 1
        while key in taken:
            k += 1
            key = f'{base}#{k}'
        taken.add(key)
        keys[s] = key
        scopes[key] = {'name': s.name, 'kind': s.kind, 'path': s.path, 'parent': parent,
                       'depth': s.path.count('/') + 1, 'params': {}}
    for s, key in keys.items():
        for pname, nid in params[s]:
            nid = nid if nid is not None and nid in G else None
            scopes[key]['params'][pname] = nid
            if nid is not None:
                d = G.nodes[nid]
                if d.get('scope_key') is None or scopes[d['scope_key']]['depth'] < \
                        scopes[key]['depth']:
                    d['scope'], d['scope_key'] = s.path, key
                if d.get('_auto_label'):
                    d['label'] = pname
    for nid, is_var, s in refs:
        if is_var:
            G.nodes[nid].pop('_auto_label', None)
            continue
        d = G.nodes[nid]
        d['scope'] = '' if s is None else s.path
        if s is not None:
            d['scope_key'] = keys[s]
    G.graph['scopes'] = scopes


# ---- inputs ------------------------------------------------------------------------------
def _as_heads(heads):
    if isinstance(heads, ndarray):
        return [heads]
    if not isinstance(heads, (list, tuple)):
        raise TypeError(f"heads must be an array or a list of arrays, got {type(heads).__name__}")
    if not heads:
        raise ValueError("heads is empty: give at least one array")
    for i, h in enumerate(heads):
        if not isinstance(h, ndarray):
            raise TypeError(f"head {i} is a {typename(h)}, not an autodiff array")
    return list(heads)


def _resolve_names(names):
    """Lookups for ``{name: array}``: by Variable, by array identity, by op node."""
    var_names, array_names, op_names = {}, {}, {}
    if names is None:
        return var_names, array_names, op_names
    items = names.items() if hasattr(names, 'items') else names
    for name, a in items:
        if not isinstance(name, str) or not isinstance(a, ndarray):
            raise TypeError(f"names must map str to autodiff arrays, got "
                            f"{type(name).__name__} -> {type(a).__name__}")
        array_names[id(a)] = name      # the named arrays are alive, so ids are unique
        node = a._node
        if type(node) is Variable:
            var_names[node] = name
        elif node is not None:
            op_names.setdefault(node, []).append(name)
    return var_names, array_names, op_names


def _variable_values(heads, order):
    """``{Variable: (data, array or None)}``: a Variable keeps no data, its arrays do."""
    values = {}
    for h in heads:
        if type(h._node) is Variable:
            values.setdefault(h._node, (h._data, h))
    for n in order:
        if type(n) is Variable:
            continue
        for x, e in zip(n.inputs, n.edges):
            if e is not None and type(e[0]) is Variable:
                values.setdefault(e[0], (x._data, x))
    return values


# ---- node attributes ---------------------------------------------------------------------
def _nonfinite(a):
    return a.dtype.kind in 'fc' and a.size > 0 and not _isfinite(a).all()


def _variable_attrs(v, found, var_names, array_names, counts, frame_vars):
    k = counts['var']
    counts['var'] = k + 1
    data, array = found if found is not None else (None, None)
    label = (var_names.get(v) or (array is not None and array_names.get(id(array)))
             or v.name)
    auto = not label                    # a scope's parameter name may still replace it
    if auto:
        label = frame_vars.get(v) or f'var{k}'
    grad = None if v.grad is None else _onp.array(v.grad._data, copy=True)
    value = None if data is None else _onp.array(data, copy=True)
    return dict(kind='variable', label=label, shape=tuple(v.shape), dtype=str(v.dtype),
                head=False, detached=bool(v.detached),
                nonfinite=value is not None and _nonfinite(value),
                grad_req=v.grad_req, grad=grad,
                grad_nonfinite=grad is not None and _nonfinite(grad), value=value,
                _auto_label=auto)


def _constant_attrs(x, array_names, counts, frame_ids):
    k = counts['const']
    counts['const'] = k + 1
    data = x._data
    label = array_names.get(id(x)) or frame_ids.get(id(x)) or f'const{k}'
    return dict(kind='constant', label=label,
                shape=tuple(data.shape), dtype=str(data.dtype), head=False,
                detached=bool(getattr(x, '_detached', False)), nonfinite=_nonfinite(data),
                is_scalar=False, value=_onp.array(data, copy=True))


def _scalar_attrs(s):
    value = _plain(s)
    finite = not isinstance(value, (float, complex)) or math.isfinite(abs(value))
    return dict(kind='constant', label=str(value), shape=(), dtype=type(s).__name__,
                head=False, detached=False, nonfinite=not finite, is_scalar=True, value=value)


def _op_attrs(n, names):
    op = n.op
    outs = n.outputs
    nout = len(outs)
    if nout == 1:
        o = outs[0]
        shape, dtype, nonfinite = o.shape, _dtype_str(o.dtype), _nonfinite(o)
    else:
        shape = tuple(o.shape for o in outs)
        dtype = tuple(_dtype_str(o.dtype) for o in outs)
        nonfinite = any(_nonfinite(o) for o in outs)
    d = {'kind': 'op', 'label': op.name, 'op': op.name, 'custom': bool(op.custom),
         'nout': nout, 'shape': shape, 'dtype': dtype, 'head': False, 'detached': False,
         'nonfinite': nonfinite, 'reused': bool(n.retained)}
    d['value'] = (_onp.array(outs[0], copy=True) if nout == 1
                  else tuple(_onp.array(o, copy=True) for o in outs))
    gs = n.out_grads
    if gs is None:
        d['grad'], d['grad_nonfinite'] = None, False
    else:
        copies = tuple(None if g is None else _onp.array(g._data, copy=True) for g in gs)
        d['grad'] = copies[0] if nout == 1 else copies
        d['grad_nonfinite'] = any(c is not None and _nonfinite(c) for c in copies)
    params = op.params
    if params:
        keys = []
        for pname, value in zip(params, n.attrs):
            key = PARAM_PREFIX + pname if pname in RESERVED else pname
            d[key] = _index_text(value) if pname == 'key' else _plain(value)
            keys.append(key)
        params = tuple(keys)
    d['params'] = params
    if names:
        d['name'] = ', '.join(names)
    return d


_DTYPE_STR = {}


def _dtype_str(dt):
    text = _DTYPE_STR.get(dt)
    if text is None:
        text = _DTYPE_STR[dt] = str(dt)
    return text


def param_name(key):
    """The op's own name of the parameter stored under attribute ``key``."""
    if key.startswith(PARAM_PREFIX) and key[len(PARAM_PREFIX):] in RESERVED:
        return key[len(PARAM_PREFIX):]
    return key


# ---- edges -------------------------------------------------------------------------------
def _add_edge(edges, u, v, index, output):
    slots = edges.get((u, v))
    if slots is None:
        edges[(u, v)] = [(index, output)]
    else:
        slots.append((index, output))


def _edge_attrs(slots):
    if len(slots) == 1:
        return {'index': slots[0][0], 'output': slots[0][1]}
    slots.sort()
    return {'index': tuple(s[0] for s in slots), 'output': tuple(s[1] for s in slots)}


# ---- plain values for attributes ---------------------------------------------------------
def _plain(v):
    """``v`` as plain Python data (numbers, str, None, tuples); anything else as a short str."""
    if v is None or isinstance(v, (bool, int, float, complex, str)):
        return v
    if isinstance(v, _onp.generic):
        return v.item()
    if isinstance(v, (tuple, list)):
        return tuple(_plain(x) for x in v)
    if isinstance(v, (_onp.ndarray, ndarray)):
        return _array_text(v)
    return repr(v)


def _index_text(key):
    """An indexing key in NumPy's bracket notation, e.g. ``'[:, 0]'`` or ``'[1::2, None]'``."""
    items = key if isinstance(key, tuple) else (key,)
    return '[' + ', '.join(_index_item(k) for k in items) + ']'


def _index_item(k):
    if k is Ellipsis:
        return '...'
    if isinstance(k, slice):
        text = ('' if k.start is None else str(k.start)) + ':' + \
               ('' if k.stop is None else str(k.stop))
        return text + (':' + str(k.step) if k.step is not None else '')
    if isinstance(k, (_onp.ndarray, ndarray, list)):
        return _array_text(k)
    return str(_plain(k))


def _array_text(a):
    a = a._data if isinstance(a, ndarray) else _onp.asarray(a)
    if a.size <= _SMALL_KEY:
        return repr(a.tolist())
    return f'<{a.dtype} array {a.shape}>'
