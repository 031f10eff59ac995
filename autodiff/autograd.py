"""``autodiff.autograd``: MXNet's autograd API (record/pause scopes, backward, grad, Function)."""
from ._state import state as _state
from . import engine as _engine
from .anomaly import detect_anomaly, set_detect_anomaly
from .function import Function
from .graph import build_graph as _build_graph
from .symbol import Symbol as _Symbol
from .compile import compile  # (issue 8: fused replay; see autodiff/compile)
from .errors import ShapeError as _ShapeError, typename as _typename
from .ndarray import ndarray as _ndarray

__all__ = ['record', 'pause', 'train_mode', 'predict_mode', 'is_recording', 'is_training',
           'set_recording', 'set_training', 'mark_variables', 'backward', 'grad', 'Function',
           'detect_anomaly', 'set_detect_anomaly', 'get_graph', 'get_symbol', 'compile']


class _Scope:
    """Sets recording and/or training on entry and restores both on exit."""
    __slots__ = ('_recording', '_training', '_prev')

    def __init__(self, recording, training):
        self._recording = recording
        self._training = training

    def __enter__(self):
        self._prev = _state.recording, _state.training
        if self._recording is not None:
            _state.recording = self._recording
        if self._training is not None:
            _state.training = self._training
        return self

    def __exit__(self, *exc):
        _state.recording, _state.training = self._prev
        return False


def record(train_mode=True):
    """Scope in which ops on arrays with history are recorded (training mode by default)."""
    return _Scope(True, train_mode)


def pause(train_mode=False):
    """Scope in which nothing is recorded (prediction mode by default)."""
    return _Scope(False, train_mode)


def train_mode():
    """Scope with training mode on (recording unchanged)."""
    return _Scope(None, True)


def predict_mode():
    """Scope with training mode off (recording unchanged)."""
    return _Scope(None, False)


def is_recording():
    """Whether ops are being recorded in this thread."""
    return _state.recording


def is_training():
    """Whether training mode is on in this thread."""
    return _state.training


def set_recording(is_recording):
    """Turn recording on or off; returns the previous value."""
    prev, _state.recording = _state.recording, bool(is_recording)
    return prev


def set_training(train_mode):
    """Turn training mode on or off; returns the previous value."""
    prev, _state.training = _state.training, bool(train_mode)
    return prev


def _as_list(x, what):
    if isinstance(x, _ndarray):
        return [x], True
    if isinstance(x, (list, tuple)):
        return list(x), False
    raise TypeError(f"{what} must be an array or a list of arrays, got {type(x).__name__}")


def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark arrays as variables whose gradients go into the given buffers.

    ``variables`` and ``gradients``: an array or a list of arrays each; ``grad_reqs``:
    one of 'write', 'add', 'null' for all, or a list with one per variable.
    """
    variables, _ = _as_list(variables, 'variables')
    gradients, _ = _as_list(gradients, 'gradients')
    if len(variables) != len(gradients):
        raise ValueError(f"got {len(variables)} variables but {len(gradients)} gradient buffers")
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    if len(reqs) != len(variables):
        raise ValueError(f"got {len(variables)} variables but {len(reqs)} grad_reqs")
    for i, (v, g) in enumerate(zip(variables, gradients)):
        if not isinstance(v, _ndarray) or not isinstance(g, _ndarray):
            bad = v if not isinstance(v, _ndarray) else g
            raise TypeError(f"mark_variables: entry {i} is a {_typename(bad)}, "
                            "not an autodiff array")
        if g.shape != v.shape:
            raise _ShapeError(f"gradient buffer {i} has shape {g.shape}, variable {i} has {v.shape}")
    for v, g, r in zip(variables, gradients, reqs):
        v.attach_grad(r)
        v._node.grad = g


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute the gradients of ``heads`` (one array or a list) into the variables' ``.grad``.

    ``head_grads``: one array (or None, meaning ones) per head.
    """
    heads, _ = _as_list(heads, 'heads')
    if head_grads is not None:
        head_grads, _ = _as_list(head_grads, 'head_grads')
    _engine.backward(heads, head_grads, retain_graph=retain_graph, train_mode=train_mode)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Gradients of ``heads`` with respect to ``variables``, returned as a list (one per
    variable; ``.grad`` is left untouched).

    ``heads``, ``variables``, ``head_grads``: an array or a list of arrays (a None
    head gradient means ones).  A variable the heads do not depend on gets zeros.
    ``create_graph=True`` records the backward pass, so the results can be
    differentiated again, by ``grad`` or by ``.backward()``, to any order;
    ``retain_graph`` defaults to ``create_graph``.  As in MXNet 1.9.1, the result is a
    list even for a single variable.
    """
    heads, _ = _as_list(heads, 'heads')
    variables, _ = _as_list(variables, 'variables')
    if not variables:
        raise ValueError("variables cannot be an empty list: give at least one array to "
                         "differentiate with respect to")
    if head_grads is not None:
        head_grads, _ = _as_list(head_grads, 'head_grads')
    if retain_graph is None:
        retain_graph = create_graph
    return _engine.backward(heads, head_grads, retain_graph=retain_graph,
                            train_mode=train_mode, create_graph=create_graph,
                            variables=variables)


def get_graph(heads, names=None):
    """The recorded tape behind ``heads`` as a ``networkx.DiGraph`` (see ``autodiff.graph``).

    ``names``: optional ``{name: array}`` labelling variables and constants (and
    naming op results) in the graph, e.g. ``get_graph(loss, names={'w': w})``.
    Without it, variables and constants bound to a name in the calling code are
    labelled with that name (rules for ambiguous cases: ``autodiff.graph``);
    ``names=False`` turns that off.
    Raises ``GraphError`` for a head without history or a graph freed by backward.
    """
    return _build_graph(heads, names)


def get_symbol(x, names=None):
    """A Symbol-style view of the graph behind ``x`` (``list_arguments``, ``tojson``, ...)."""
    # MXNet's own argument names (var0, ...), not the names in the caller's code
    return _Symbol(_build_graph(x, names, from_caller=False))



def __dir__():
    return __all__
