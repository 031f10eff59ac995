"""``SymbolBlock``: a Block that runs a symbol graph (MXNet's JSON) with autodiff's ops.

``SymbolBlock(outputs, inputs, params=None)`` takes the graph as an ``autodiff.symbol.Symbol``
(``autograd.get_symbol(y, names=...)``), a list of them, or the parsed JSON of a symbol file;
``inputs`` names the graph's input variables (strings, in call order).  Every other variable
becomes a ``Parameter`` named exactly as the node (no prefix, as MXNet 1.9.1), shared with
``params`` (a ``ParameterDict``) where it holds that name; the auxiliary inputs of
``BatchNorm`` (running statistics) get ``grad_req='null'``.

``SymbolBlock.imports(symbol_file, input_names, param_file=None)`` reads what
``HybridBlock.export`` writes (``-symbol.json`` and a ``.params`` archive with ``arg:`` /
``aux:`` names), and MXNet 1.9.1's own symbol files for graphs of the ops
``_symbol_ops`` maps (the parameters as this library's ``.npz`` archive).

A call evaluates the nodes in the file's order, each by autodiff's ops
(``_symbol_ops.runner``), so it records on the tape: a SymbolBlock trains, and hybridizes
like any HybridBlock.  A node whose op does not map raises ``NotImplementedError`` naming
the op and the node, when the block is built.
"""
import json

from .hybrid import HybridBlock
from .parameter_dict import ParameterDict
from . import _symbol_ops

__all__ = ['SymbolBlock']


def _as_graph(obj):
    """The JSON dict of a symbol graph given as a Symbol, a JSON dict or a JSON string."""
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, str):
        return json.loads(obj)
    if hasattr(obj, 'tojson'):
        return json.loads(obj.tojson())
    raise TypeError(f"SymbolBlock: outputs must be a Symbol (autograd.get_symbol), a list of "
                    f"them or a symbol file's JSON, got {type(obj).__name__}")


def _names(inputs):
    if inputs is None:
        raise TypeError("SymbolBlock: inputs (the names of the graph's input variables) are "
                        "required")
    items = [inputs] if isinstance(inputs, str) or hasattr(inputs, 'tojson') else list(inputs)
    names = []
    for i in items:
        if isinstance(i, str):
            names.append(i)
        elif hasattr(i, 'list_arguments') and len(i.list_arguments()) == 1:
            names.append(i.list_arguments()[0])
        else:
            raise TypeError(f"SymbolBlock: each input must be a variable's name, got {i!r}")
    return names


class _Graph:
    """One symbol graph, ready to run: per node its runner (None for a variable) and inputs."""

    def __init__(self, doc):
        try:
            self.nodes = doc['nodes']
            self.heads = [tuple(h[:2]) for h in doc['heads']]
        except (KeyError, TypeError, IndexError):
            raise ValueError("SymbolBlock: not a symbol graph (a JSON object with 'nodes' and "
                             "'heads' is expected)") from None
        self.runs = []
        self.aux = set()
        for k, n in enumerate(self.nodes):
            op = n['op']
            if op == 'null':
                self.runs.append(None)
                continue
            try:
                self.runs.append(_symbol_ops.runner(op, n.get('attrs') or n.get('param')))
            except NotImplementedError as err:
                raise NotImplementedError(f"SymbolBlock: cannot run node {n['name']!r} (op "
                                          f"{op!r}): {err}") from None
            for i in _symbol_ops.AUX_INPUTS.get(op, ()):
                if i < len(n['inputs']):
                    self.aux.add(n['inputs'][i][0])
        self.needed = self._needed()

    def variables(self):
        """``(node index, name)`` of the variables, in file order."""
        return [(k, n['name']) for k, n in enumerate(self.nodes) if n['op'] == 'null']

    def run(self, values):
        """The heads, given ``values``: {variable node index: array}."""
        outs = {k: [v] for k, v in values.items()}
        needed = self.needed
        for k, (n, fn) in enumerate(zip(self.nodes, self.runs)):
            if fn is None or k not in needed:
                continue
            ins = [outs[i][j] for i, j, *_ in n['inputs']]
            try:
                y = fn(ins)
            except (NotImplementedError, TypeError) as err:
                # (e.g. a node whose inputs do not fit the op it names)
                raise NotImplementedError(f"SymbolBlock: cannot run node {n['name']!r} (op "
                                          f"{n['op']!r}) on its {len(ins)} input(s): {err}"
                                          ) from None
            outs[k] = list(y) if isinstance(y, (list, tuple)) else [y]
        return [outs[k][j] for k, j in self.heads]

    def _needed(self):
        seen, stack = set(), [k for k, _ in self.heads]
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            stack.extend(i for i, *_ in self.nodes[k]['inputs'])
        return seen


class SymbolBlock(HybridBlock):
    """A Block running a symbol graph (see the module docstring)."""

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)     # (its name: symbolblock0, ...)
        self._params = ParameterDict('', params)        # parameters named as the nodes
        if isinstance(outputs, (list, tuple)):
            docs = [_as_graph(o) for o in outputs]
        else:
            docs = [_as_graph(outputs)]
        self._graphs = [_Graph(d) for d in docs]
        self._input_names = _names(inputs)
        found = {name for g in self._graphs for _, name in g.variables()}
        missing = [n for n in self._input_names if n not in found]
        if missing:
            raise ValueError(f"SymbolBlock: input {missing[0]!r} is not a variable of the graph "
                             f"(its variables: {sorted(found)})")
        self._sym_params = {}
        for g in self._graphs:
            for k, name in g.variables():
                if name in self._input_names or name in self._sym_params:
                    continue
                shape = g.nodes[k].get('attrs', {}).get('__shape__')
                kw = {'allow_deferred_init': True}
                if shape is not None:
                    kw['shape'] = tuple(_symbol_ops.parse(shape))
                if k in g.aux:
                    kw.update(grad_req='null', differentiable=False)
                self._sym_params[name] = self.params.get(name, **kw)
        self._many = len(self._graphs) > 1 or len(self._graphs[0].heads) > 1

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False,
                ignore_extra=False):
        """A SymbolBlock from ``symbol_file`` (``HybridBlock.export``'s ``-symbol.json``, or
        MXNet 1.9.1's) with inputs ``input_names``, its parameters read from ``param_file``
        (names with or without ``arg:``/``aux:``; dtypes as saved)."""
        with open(symbol_file) as f:
            doc = json.load(f)
        if isinstance(input_names, str):
            input_names = [input_names]
        block = SymbolBlock(doc, input_names)
        if param_file is not None:
            block.collect_params().load(param_file, ctx, allow_missing, ignore_extra,
                                        cast_dtype=True, dtype_source='saved')
        return block

    def forward(self, x, *args):
        """Run the graph on the inputs (in ``inputs`` order); one array, or a tuple for
        several outputs."""
        arrays = (x,) + args
        if len(arrays) != len(self._input_names):
            raise TypeError(f"SymbolBlock: expected {len(self._input_names)} inputs "
                            f"({', '.join(self._input_names)}), got {len(arrays)}")
        given = dict(zip(self._input_names, arrays))
        outs = []
        for g in self._graphs:
            values = {}
            for k, name in g.variables():
                if name in given:
                    values[k] = given[name]
                else:
                    values[k] = self._param_data(name)
            outs.extend(g.run(values))
        return tuple(outs) if self._many else outs[0]

    def _param_data(self, name):
        p = self._sym_params[name]
        try:
            return p.data()
        except Exception as err:
            raise RuntimeError(f"SymbolBlock: parameter {name!r} has no value ({err}); pass "
                               "param_file to imports, load_parameters, or give the graph "
                               "full shapes and call initialize()") from None

    def infer_shape(self, *args):
        """A symbol graph's parameters cannot be shaped from the inputs here: they come from
        the parameter file (or the graph's ``__shape__`` attributes)."""
        unknown = [n for n, p in self._sym_params.items() if p._data is None]
        raise RuntimeError(f"SymbolBlock: parameters {unknown} have no shape; load them "
                           "(imports(..., param_file) or load_parameters)")

    def __repr__(self):
        heads = sum(len(g.heads) for g in self._graphs)
        nodes = sum(len(g.nodes) for g in self._graphs)
        return (f"{self.__class__.__name__}({', '.join(self._input_names)} -> {heads} "
                f"output{'s' if heads != 1 else ''}, {nodes} nodes)")
