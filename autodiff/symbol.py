"""``Symbol``: MXNet's view of a recorded graph (``autograd.get_symbol``), read from the DiGraph.

Laid out as MXNet 1.9.1 lays out ``autograd.get_symbol(y)`` (checked against it):
nodes in depth-first post-order from the heads, inputs in argument order;
variables and unmarked arrays are ``"null"`` nodes (both are MXNet arguments);
a Python scalar operand is not a node but the op's ``scalar`` attribute (and
``scalar_first='True'`` when it is the first operand of an op where order matters,
``2 - x``, so the graph can be run again: ``gluon.SymbolBlock``); attribute values are
strings.  Differences: op names are this library's (``multiply``, not
``_npi_multiply``), nodes are named ``<op><k>`` as MXNet's symbol API names them
(``multiply0``) rather than ``node_<k>``, a custom ``autograd.Function`` is
``_CustomFunction`` with its class name in ``attrs['op_type']``, and a variable
marked on a recorded intermediate is a ``"null"`` node that keeps its producer
as its one input.
"""
import json

from .graph import gc_paused, param_name

# ops whose scalar operand's position does not matter (no ``scalar_first`` attribute)
_COMMUTATIVE = frozenset({'add', 'multiply', 'maximum', 'minimum', 'hypot', 'equal',
                          'not_equal', 'logical_and', 'logical_or', 'logical_xor',
                          'bitwise_and', 'bitwise_or', 'bitwise_xor'})
_VERSION_ATTRS = {"is_np_shape": ["int", 1], "mxnet_version": ["int", 10901]}


class Symbol:
    """A read-only Symbol over ``graph`` (a DiGraph from ``autograd.get_graph``).

    ``list_arguments()``, ``list_inputs()``, ``list_outputs()``, ``tojson()``,
    ``debug_str()``; the DiGraph itself is ``.graph``.
    """

    def __init__(self, graph):
        self.graph = graph
        with gc_paused():
            self._d = dict(graph.nodes(data=True))
            self._in = {nid: _inputs(graph, nid, self._d) for nid in self._d}
            self._heads = _heads(graph)
            self._order = _post_order(self._in, [nid for nid, _ in self._heads])
            self._pos = {nid: i for i, nid in enumerate(self._order)}
            self._names = _names(self._d, self._order)

    # ---- MXNet API ---------------------------------------------------------------------
    @property
    def name(self):
        """The head's name (None for a group of several heads, as in MXNet)."""
        return self._names[self._heads[0][0]] if len(self._heads) == 1 else None

    def list_arguments(self):
        """Names of the argument ('null') nodes in order: variables and unmarked arrays."""
        return [self._names[nid] for nid in self._order if self._is_null(nid)]

    def list_inputs(self):
        """All inputs: the arguments (there are no auxiliary states)."""
        return self.list_arguments()

    def list_auxiliary_states(self):
        """Always empty: a recorded graph has no auxiliary states."""
        return []

    def list_outputs(self):
        """One name per head: ``<name>_output`` (``<name>_output<i>`` for multi-output ops)."""
        out = []
        for nid, i in self._heads:
            d, name = self._d[nid], self._names[nid]
            if d['kind'] != 'op':
                out.append(name)
            elif d.get('nout', 1) > 1:
                out.append(f'{name}_output{i}')
            else:
                out.append(f'{name}_output')
        return out

    def tojson(self):
        """The graph as MXNet's JSON, laid out as MXNet writes it: ``nodes``,
        ``arg_nodes``, ``node_row_ptr``, ``heads``, ``attrs``."""
        with gc_paused():
            nodes, row_ptr, args = [], [0], []
            pos, names = self._pos, self._names
            for k, nid in enumerate(self._order):
                d = self._d[nid]
                if d['kind'] != 'op':
                    args.append(k)
                attrs = self._attrs(nid)
                attrs = f'      "attrs": {json.dumps(attrs)},\n' if attrs else ''
                inputs = ', '.join(f'[{pos[p]}, {o}, 0]' for p, o in self._in[nid])
                nodes.append(f'    {{\n      "op": {json.dumps(self._op(nid))},\n'
                             f'      "name": {json.dumps(names[nid])},\n{attrs}'
                             f'      "inputs": [{inputs}]\n    }}')
                row_ptr.append(row_ptr[-1] + (d.get('nout', 1) if d['kind'] == 'op' else 1))
            heads = [[pos[nid], i, 0] for nid, i in self._heads]
            version = ',\n'.join(f'    {json.dumps(k)}: {json.dumps(v)}'
                                 for k, v in _VERSION_ATTRS.items())
            return ('{\n  "nodes": [\n' + ',\n'.join(nodes) + '\n  ],\n'
                    f'  "arg_nodes": {json.dumps(args)},\n'
                    f'  "node_row_ptr": {json.dumps(row_ptr)},\n'
                    f'  "heads": {json.dumps(heads)},\n'
                    '  "attrs": {\n' + version + '\n  }\n}')

    def debug_str(self):
        """Human-readable dump in MXNet's layout: the outputs, then one block per node."""
        lines = ['Symbol Outputs:']
        for k, (nid, i) in enumerate(self._heads):
            lines.append(f'\toutput[{k}]={self._names[nid]}({i})')
        for nid in self._order:
            inputs = self._in[nid]
            if self._is_null(nid):
                lines.append(f'Variable:{self._names[nid]}')
                if not inputs:
                    continue
            else:
                lines.append('-' * 20)
                lines.append(f'Op:{self._op(nid)}, Name={self._names[nid]}')
            lines.append('Inputs:')
            for k, (p, out) in enumerate(inputs):
                version = ' version=0' if self._is_null(p) else ''
                lines.append(f'\targ[{k}]={self._names[p]}({out}){version}')
            attrs = self._attrs(nid)
            if attrs:
                lines.append('Attrs:')
                lines.extend(f'\t{k}={v}' for k, v in attrs.items())
        return '\n'.join(lines) + '\n'

    def __repr__(self):
        if len(self._heads) == 1:
            return f'<Symbol {self.name}>'
        names = ', '.join(self._names[nid] for nid, _ in self._heads)
        return f'<Symbol group [{names}]>'

    # ---- helpers -----------------------------------------------------------------------
    def _is_null(self, nid):
        return self._d[nid]['kind'] != 'op'

    def _op(self, nid):
        d = self._d[nid]
        if d['kind'] != 'op':
            return 'null'
        return '_CustomFunction' if d.get('custom') else d['op']

    def _attrs(self, nid):
        d = self._d[nid]
        if d['kind'] != 'op':
            return None
        if d.get('custom'):
            return {'op_type': d['op']}
        attrs = {param_name(k): str(d[k]) for k in d.get('params', ())}
        if d['op'] not in _COMMUTATIVE:
            for p, e in self.graph.pred[nid].items():
                if self._d[p].get('is_scalar') and e['index'] == 0:
                    attrs['scalar_first'] = 'True'   # ``s - x`` (MXNet: ``_rminus_scalar``)
        return attrs


def _heads(graph):
    """``(node, output)`` per head: ``head_outputs``, else ``heads`` with output 0."""
    heads = graph.graph.get('head_outputs') or [(h, 0) for h in graph.graph.get('heads', ())]
    if not heads:
        raise ValueError("the graph names no heads (graph.graph['heads'] is missing); "
                         "build it with autograd.get_graph")
    return list(heads)


def _inputs(graph, nid, nodes):
    """``[(producer, output)]`` in argument order, without Python scalar operands."""
    args = []
    for p, e in graph.pred[nid].items():
        if nodes[p].get('is_scalar'):
            continue
        index, output = e['index'], e['output']
        if isinstance(index, tuple):
            args.extend((i, p, o) for i, o in zip(index, output))
        else:
            args.append((index, p, output))
    args.sort(key=lambda a: a[0])
    return [(p, o) for _, p, o in args]


def _post_order(inputs, heads):
    """Depth-first post-order from the heads, inputs in argument order (iterative)."""
    order, seen = [], set()
    for h in heads:
        if h in seen:
            continue
        seen.add(h)
        stack = [(h, iter(inputs[h]))]
        while stack:
            nid, it = stack[-1]
            for p, _ in it:
                if p not in seen:
                    seen.add(p)
                    stack.append((p, iter(inputs[p])))
                    break
            else:
                stack.pop()
                order.append(nid)
    return order


def _names(data, order):
    """Unique names: labels for variables and constants, ``<op><k>`` (or ``name``) for ops."""
    names, used, counts = {}, set(), {}
    for nid in order:
        d = data[nid]
        if d['kind'] != 'op':
            base = str(d['label'])
        elif d.get('name'):
            base = d['name']
        else:
            prefix = d['op'].lower()
            k = counts.get(prefix, 0)
            counts[prefix] = k + 1
            base = f'{prefix}{k}'
        name, k = base, 1
        while name in used:
            name = f'{base}_{k}'
            k += 1
        used.add(name)
        names[nid] = name
    return names
