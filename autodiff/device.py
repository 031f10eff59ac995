"""Devices as objects, as MXNet 1.9.1's ``Context``: ``cpu(0)``, ``gpu(0)``, ``cpu_pinned(0)``.

Everything here runs on the CPU.  A ``Context`` prints, compares and hashes as MXNet's
(``cpu(0)``, ``device_type``, ``device_id``) and is a ``with`` scope that sets the default
device of the creation functions.  Every CPU kind (``cpu``, ``cpu_pinned``,
``cpu_shared``, any device id) is the same host memory; asking for GPU memory (an array
on ``gpu(i)``, ``gpu_memory_info``) raises ``DeviceError`` saying there is no GPU.
"""
import threading

from .errors import DeviceError

_TYPES = {'cpu': 1, 'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}
_NAMES = {v: k for k, v in _TYPES.items()}

NO_GPU = ("there is no GPU here: autodiff runs on the CPU only (MXNet 1.9.1 built "
          "without CUDA says 'GPU is not enabled'); use npx.cpu()")


class Context:
    """A device: ``Context('cpu', 0)``, ``Context('gpu', 1)`` or a copy of another Context.

    ``with ctx:`` makes ``ctx`` the default device of array creation inside the block
    (``current_context()``), and restores the previous default on exit.
    """
    __slots__ = ('device_typeid', 'device_id')

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid, self.device_id = device_type.device_typeid, device_type.device_id
        else:
            if device_type not in _TYPES:
                raise DeviceError(f"device_type must be one of {sorted(_TYPES)}, got "
                                  f"{device_type!r}")
            if isinstance(device_id, bool) or not float(device_id).is_integer() \
                    or device_id < 0:
                raise DeviceError(f"device_id must be a non-negative integer, got "
                                  f"{device_id!r}")
            self.device_typeid, self.device_id = _TYPES[device_type], int(device_id)

    @property
    def device_type(self):
        """'cpu', 'gpu', 'cpu_pinned' or 'cpu_shared'."""
        return _NAMES[self.device_typeid]

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self):
        stack = getattr(_default, 'saved', None)
        if stack is None:
            stack = _default.saved = []
        stack.append(current_context())       # (per thread, so one Context may be entered
        _default.ctx = self                   # by several threads at once)
        return self

    def __exit__(self, *exc):
        prev = _default.saved.pop()
        _default.ctx = None if prev == CPU0 else prev      # (None: place()'s fast path)
        return False

    def empty_cache(self):
        """Release cached device memory: nothing is cached on the CPU (a GPU raises)."""
        if self.device_typeid == _TYPES['gpu']:
            raise DeviceError(f"{self}: {NO_GPU}")


Device = Context          # (MXNet 2.x's name)

_default = threading.local()     # MXNet keeps the default context per thread
CPU0 = Context('cpu', 0)


def cpu(device_id=0):
    """The CPU device ``cpu(device_id)``."""
    return Context('cpu', device_id)


def gpu(device_id=0):
    """The device ``gpu(device_id)``: an object only (arrays cannot live there here)."""
    return Context('gpu', device_id)


def cpu_pinned(device_id=0):
    """Page-locked host memory ``cpu_pinned(device_id)`` (ordinary CPU memory here)."""
    return Context('cpu_pinned', device_id)


def current_context():
    """The default device of array creation: ``cpu(0)`` unless inside ``with ctx:``."""
    return getattr(_default, 'ctx', None) or CPU0


current_device = current_context     # (MXNet 2.x's name)


def num_gpus():
    """The number of GPUs: 0."""
    return 0


def gpu_memory_info(device_id=0):
    """(free, total) bytes of a GPU's memory: there is no GPU, so ``DeviceError``."""
    raise DeviceError(f"gpu_memory_info(gpu({device_id})): {NO_GPU}")


def resolve(where, ctx=None, device=None):
    """The device an array made by ``where`` goes to: ``ctx=`` or ``device=`` (one of them,
    a Context or a string such as ``'cpu(0)'``), else ``current_context()``; a GPU raises."""
    if ctx is not None and device is not None and as_context(where, ctx) != \
            as_context(where, device):
        raise DeviceError(f"{where}: ctx={ctx!r} and device={device!r} disagree (give one)")
    c = ctx if ctx is not None else device
    c = current_context() if c is None else as_context(where, c)
    if c.device_typeid == _TYPES['gpu']:
        raise DeviceError(f"{where}: cannot place an array on {c}: {NO_GPU}")
    return c


def as_context(where, c):
    """``c`` as a Context: a Context, or its text (``'cpu(0)'``, ``'cpu'``)."""
    if isinstance(c, Context):
        return c
    if isinstance(c, str):
        name, _, rest = c.partition('(')
        try:
            return Context(name, int(rest.rstrip(')')) if rest else 0)
        except (ValueError, DeviceError):
            pass
    raise DeviceError(f"{where}: expected a device such as npx.cpu() or 'cpu(0)', got {c!r}")


def place(out, where, ctx=None, device=None):
    """Give the new array ``out`` its device (``resolve``) and return it.  The default
    ``cpu(0)`` is not stored: an array without a device of its own reports ``cpu(0)``."""
    if ctx is None and device is None and getattr(_default, 'ctx', None) is None:
        return out
    c = resolve(where, ctx, device)
    if c != CPU0:
        out._ctx = c
    return out
