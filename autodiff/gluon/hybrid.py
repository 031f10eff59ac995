"""``HybridBlock``: Blocks that ``hybridize()`` into compiled code.

Two styles, as MXNet 1.9.1: override ``hybrid_forward(self, F, x, *args, **params)``
(``F`` is the ``np``/``npx`` facade, ``params`` this block's Parameters' arrays by
attribute name), or override ``forward(self, x, *args)`` and read ``self.weight.data()``.

Deferred initialisation: a parameter whose shape holds 0 is created at the first call;
the layer's ``infer_shape(x, *args)`` fills in the sizes from the inputs.

``hybridize()`` runs the block through ``autograd.compile``, the block's parameters
going in as arguments:

- prediction-mode calls outside ``record()`` (inference) replay a forward-only program
  (``autograd.compile(..., backward=False)``): no backward steps, no gradient buffer read
  or written;
- calls inside ``autograd.record()`` (either training flag) run the forward half of the
  program (keeping the residuals its backward reads) and leave one tape node
  (``compiled:<block>``) whose backward runs the backward half from them with the
  incoming head gradients, so ``loss.backward()`` fills the parameters' gradients
  through it (one forward evaluation per call; Dropout draws a fresh mask per call;
  BatchNorm's training-mode backward updates the running statistics).  A block whose
  recording cannot be replayed (an op outside the compiler's table, ``np.random`` draws,
  reads of values into Python) runs eagerly, recorded as usual, and
  ``block.compiled_fallback_reason`` says why;
- training-mode calls outside ``record()`` run eagerly.
"""
import threading

from .. import autograd, np
from .._state import state
from ..compile import compile as _compile
from ._io import save_arrays
from ..ndarray import ndarray
from .block import Block
from .parameter import DeferredInitializationError, Structure
from . import F as _F

__all__ = ['HybridBlock']

_tracing = threading.local()


def _in_trace():
    return getattr(_tracing, 'depth', 0) > 0


def _flatten(out):
    """``(flat results, tree)``: a forward's results nested in tuples and lists (as MXNet's
    hybridized blocks may return them) as one flat tuple for the compiler, and the tree to
    rebuild them (None when ``out`` is an array or a flat tuple/list of arrays)."""
    if not isinstance(out, (tuple, list)) or not any(isinstance(o, (tuple, list))
                                                     for o in out):
        return out, None
    flat = []

    def walk(o):
        if isinstance(o, (tuple, list)):
            return (type(o), [walk(x) for x in o])
        flat.append(o)
        return len(flat) - 1
    tree = walk(out)
    return tuple(flat), tree


def _unflatten(tree, flat):
    if isinstance(tree, int):
        return flat[tree]
    kind, items = tree
    return kind(_unflatten(t, flat) for t in items)


class HybridBlock(Block):
    """A Block that can be hybridized (compiled); see the module docstring."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags = {}
        self._compiled = None          # the autograd.compile object the last call used
        self._compiled_by_mode = {}    # 'predict' / 'record' -> autograd.compile object
        self._compiled_params = None
        self._param_cache = None       # (Structure.version, collect_params() as a list)
        self._last_inputs = None

    def hybridize(self, active=True, static_alloc=False, static_shape=False, backend=None,
                  **kwargs):
        """Compile this block (and its HybridBlock children) through ``autograd.compile``.

        ``static_alloc`` / ``static_shape`` are accepted (the compiler always plans memory
        per input signature); ``active=False`` returns to eager calls.
        """
        if backend is not None:
            raise NotImplementedError("hybridize(backend=...): no subgraph backends here")
        self._active = bool(active)
        self._flags = dict(static_alloc=static_alloc, static_shape=static_shape, **kwargs)
        self._compiled = None
        self._compiled_by_mode = {}
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          **kwargs)

    @property
    def compiled_fallback_reason(self):
        """Why the last compiled call ran eagerly (None if it replayed compiled code)."""
        return None if self._compiled is None else self._compiled.fallback_reason

    @property
    def compiled_program(self):
        """The ``autograd.compile`` object the last compiled call used (forward-only for
        prediction calls, differentiable for calls inside ``record()``; None before one)."""
        return self._compiled

    # ---- calling ------------------------------------------------------------------------
    def __call__(self, *args):
        arrays = bool(args)
        for a in args:
            if not isinstance(a, ndarray):
                arrays = False
                break
        if arrays:
            # (internal state is written into __dict__: Block.__setattr__'s child and
            # Parameter registration checks are for user attributes, not per-call state)
            self.__dict__['_last_inputs'] = [(a._data.shape, a._data.dtype) for a in args]
            if (self._active and (state.recording or not state.training)
                    and not _in_trace()):
                return self._call_compiled(args)
        return super().__call__(*args)

    def _params_list(self):
        """``collect_params()``'s Parameters as a list, kept while no Block or ParameterDict
        changed its make-up (``parameter.Structure``): a call does not walk the tree."""
        cache = self._param_cache
        if cache is None or cache[0] != Structure.version:
            cache = self.__dict__['_param_cache'] = (Structure.version,
                                                     list(self.collect_params().values()))
        return cache[1]

    def _call_compiled(self, args):
        params = self._params_list()
        for p in params:
            if p._data is None:
                return super().__call__(*args)  # the first call initialises deferred shapes
        recording = state.recording
        d = self.__dict__
        if d['_compiled_params'] is not params:
            d['_compiled_by_mode'] = {}
            d['_compiled_params'] = params
        compiled = d['_compiled_by_mode'].get(recording)
        if compiled is None:
            compiled = d['_compiled_by_mode'][recording] = _compile(self._traced,
                                                                    backward=recording)
        d['_compiled'] = compiled
        d['_n_standins'] = len(params)
        if recording:
            # the parameters' own arrays: the compiled call's tape node reaches them
            # (what ``Parameter.data()`` gives, and a recorded use: fresh gradients)
            values = []
            for p in params:
                p._fresh_grad = True
                values.append(p._data)
            return self._regroup(compiled(*args, *values))
        fresh = [p._fresh_grad for p in params]
        try:
            return self._regroup(compiled(*args, *[p._data for p in params]))
        finally:
            for p, f in zip(params, fresh):      # an inference call is no training use
                p._fresh_grad = f

    def _regroup(self, out):
        """The compiled call's flat results in the nesting the block's forward returned
        (``(output, [h, c])`` of an RNN encoder: ``_flatten``)."""
        tree = self.__dict__.get('_out_tree')
        if tree is None:
            return out
        return _unflatten(tree, list(out))

    def _traced(self, *all_args):
        """What the compiler records: this block's call with its parameters as inputs."""
        n = self._n_standins
        args, values = all_args[:-n] if n else all_args, all_args[-n:] if n else ()
        params = list(self.collect_params().values())
        saved = [p._data for p in params]
        _tracing.depth = getattr(_tracing, 'depth', 0) + 1
        try:
            for p, v in zip(params, values):
                p._data = v
            out, self.__dict__['_out_tree'] = _flatten(Block.__call__(self, *args))
            return out
        finally:
            _tracing.depth -= 1
            for p, v in zip(params, saved):
                p._data = v

    def forward(self, x, *args):
        """Call ``hybrid_forward(F, x, *args, **params)``, inferring deferred shapes first."""
        try:
            params = {k: v.data() for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            self.infer_shape(x, *args)
            for p in self._reg_params.values():
                p._finish_deferred_init()
            params = {k: v.data() for k, v in self._reg_params.items()}
        return self.hybrid_forward(_F, x, *args, **params)

    def infer_shape(self, *args):
        """Fill in the unknown sizes of this block's parameters from the inputs.

        Layers with deferred parameters override it; the default cannot guess.
        """
        unknown = [p.name for p in self._reg_params.values() if p._data is None]
        raise ValueError(f"{self.name}: cannot infer the shapes of {unknown} from inputs of "
                         f"shapes {[getattr(a, 'shape', None) for a in args]}; give the "
                         f"parameters full shapes or define infer_shape(self, *args)")

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override this (or ``forward``): the computation, written with ``F.np``/``F.npx``."""
        raise NotImplementedError(f"{type(self).__name__} must define hybrid_forward(self, F, "
                                  "x, ...) or forward(self, x, ...)")

    # ---- export -------------------------------------------------------------------------
    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write ``path-symbol.json`` (the graph of one recorded call, ``autograd.get_symbol
        (...).tojson()``) and ``path-%04d.params`` (``arg:``/``aux:`` names, ``.npz``).

        The block must have been called once (its input shapes are replayed on zeros).
        Returns the two file names.
        """
        if self._last_inputs is None:
            raise RuntimeError(f"Please first call block.hybridize() and then run forward "
                               f"with this block at least once before calling export "
                               f"({self.name})")
        inputs = [np.zeros(shape, dtype=dt) for shape, dt in self._last_inputs]
        params = self.collect_params()
        fresh = [p._fresh_grad for p in params.values()]
        _tracing.depth = getattr(_tracing, 'depth', 0) + 1     # (children run eagerly:
        try:                                                   # their ops are the graph)
            with autograd.record(train_mode=False):
                out = Block.__call__(self, *inputs)
        finally:
            _tracing.depth -= 1
        for p, f in zip(params.values(), fresh):
            p._fresh_grad = f
        names = {p.name: p._data for p in params.values()}
        names.update({('data' if i == 0 else f'data{i}'): a for i, a in enumerate(inputs)})
        heads = list(out) if isinstance(out, (tuple, list)) else out
        sym = autograd.get_symbol(heads, names=names)
        sym_file = f'{path}-symbol.json'
        with open(sym_file, 'w') as f:
            f.write(sym.tojson())
        arrays = {(('aux:' if p.grad_req == 'null' else 'arg:') + p.name): p._data._data
                  for p in params.values()}
        param_file = f'{path}-{epoch:04d}.params'
        save_arrays(param_file, arrays)
        return sym_file, param_file
