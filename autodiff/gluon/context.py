"""``mx.cpu()`` / ``mx.gpu()`` / ``mx.context``: device handles (there is one CPU device)."""

__all__ = ['Context', 'cpu', 'gpu', 'current_context', 'num_gpus']


class Context:
    """A device: ``cpu(0)`` is the only one computations run on."""

    def __init__(self, device_type='cpu', device_id=0):
        self.device_type = device_type
        self.device_id = device_id

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Context) and (self.device_type, self.device_id) == (
            other.device_type, other.device_id)

    def __hash__(self):
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def cpu(device_id=0):
    """The CPU device."""
    return Context('cpu', device_id)


def gpu(device_id=0):
    """No GPU here: a clear error."""
    raise RuntimeError("autodiff runs on the CPU only: mx.gpu() is not available "
                       "(use mx.cpu(), or leave ctx out)")


def current_context():
    """``cpu(0)``."""
    return cpu()


def num_gpus():
    """0."""
    return 0
