"""Per-thread recording and training flags (as MXNet keeps them)."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False
        self.anomaly = False
        self.tracer = None        # an autograd.compile recording in this thread (compile.trace)
        # True while the engine runs backward rules: shape ops and basic indexing may then
        # return NumPy views of their input (internal use); user code gets MXNet's copies
        self.views = False


state = _State()


def off_tape(name, operands, out):
    """Tell an active ``autograd.compile`` recording that ``out`` was computed from
    ``operands`` without a tape node (a comparison, ``detach``...), so a replay recomputes
    it instead of reusing this call's data.  Returns ``out``."""
    t = state.tracer
    if t is not None:
        t.off_tape(name, operands, None, out)
    return out


def value_read(name, arrays):
    """Tell an active ``autograd.compile`` recording that array values were read into Python."""
    t = state.tracer
    if t is not None:
        t.value_read(name, arrays)

