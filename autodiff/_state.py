"""Per-thread recording and training flags (as MXNet keeps them), and the tracer protocol."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False
        self.anomaly = False
        self.tracer = None        # a Tracer: an autograd.compile recording in this thread
        # True while the engine runs backward rules: shape ops and basic indexing may then
        # return NumPy views of their input (internal use); user code gets MXNet's copies
        self.views = False


state = _State()


class Tracer:
    """What the library tells an ``autograd.compile`` recording (``state.tracer``, per
    thread; ``compile.trace.Trace`` implements it).  The calls come from fixed points:

    - ``on_op(op, inputs, attrs, outs, node)``: every op application while a tracer is
      active, from ``ops.core.record`` (``result``, ``results``, ``Function``, ``setitem``)
      and from ``nondiff``/``off_tape`` (``op`` is then a name).  ``node`` is the tape node
      the outputs got, or None when they were computed off the tape (no input with
      history, a comparison, ``detach()``, under ``pause()``...).
    - ``on_read(name, arrays, value)``: array values read into Python — by ``ndarray``'s
      ``__bool__`` (``value`` is the truth seen), ``__float__``, ``__int__``, ``__index__``,
      ``item``, ``tolist``, ``asnumpy``, ``__array__``, and by library functions
      (``array_equal``...; ``value`` None).
    - ``on_draw(name)``: a draw from ``np.random`` that is no op application (``randint``,
      ``choice``...; the continuous draws are ops and come through ``on_op``).
    """
    __slots__ = ()

    def on_op(self, op, inputs, attrs, outs, node):
        """An op was applied (see the class docstring)."""

    def on_read(self, name, arrays, value=None):
        """Array values were read into Python."""

    def on_draw(self, name):
        """A random draw happened."""


def off_tape(name, operands, out):
    """Tell an active ``autograd.compile`` recording that ``out`` was computed from
    ``operands`` without a tape node (a comparison, ``detach``...), so a replay recomputes
    it instead of reusing this call's data.  Returns ``out``."""
    t = state.tracer
    if t is not None:
        t.on_op(name, operands, None, (out,), None)
    return out


def value_read(name, arrays):
    """Tell an active ``autograd.compile`` recording that array values were read into Python."""
    t = state.tracer
    if t is not None:
        t.on_read(name, arrays)
