"""In-place safety: which buffers were changed in place, and when.

An in-place write (``x += 1``, ``x[:] = v``) stamps the written buffer's root with
the current tape tick (``tape.tick()``: the id the next node would get).  A node
saved its inputs' and outputs' buffers when it was recorded; if one of them carries
a stamp newer than the node, the node's backward would read changed data and
raises instead.  The engine checks a node only when it is older than the newest
in-place write (``last_write``), so programs that never write in place, or write
only before recording (an SGD step), pay one comparison per node.
"""
import weakref

from .errors import GraphError

_stamps = {}      # id(root buffer) -> (weakref to root, tick of the last in-place write)
last_write = -1   # tick of the newest in-place write; nodes recorded after it need no check


def _root(data):
    while data.base is not None and hasattr(data.base, 'base'):
        data = data.base
    return data


def stamp(data, tick):
    """Record that ``data`` (any view of a buffer) was written in place at ``tick``."""
    global last_write
    root = _root(data)
    key = id(root)
    last_write = tick
    entry = _stamps.get(key)
    if entry is not None and entry[0]() is root:
        # the buffer's weakref from its first stamp still holds (an optimizer writes the
        # same weights every step): only the tick changes, no new weakref and callback
        _stamps[key] = (entry[0], tick)
        return
    _stamps[key] = (weakref.ref(root, lambda _r, key=key: _stamps.pop(key, None)), tick)


def written_since(data, tick):
    """True if ``data``'s buffer was written in place after ``tick``."""
    root = _root(data)
    entry = _stamps.get(id(root))
    return entry is not None and entry[0]() is root and entry[1] > tick


def check_node(node):
    """Raise GraphError if a buffer ``node`` saved was changed in place after it was recorded."""
    for i, x in enumerate(node.inputs or ()):
        if written_since(x._data, node.id):
            raise GraphError(
                f"one of the arrays needed for gradient computation has been modified by an "
                f"in-place operation: input {i} (shape {x.shape}, {x.dtype}) of op "
                f"{node.op.name!r} (node n{node.id}) was changed after the op was recorded. "
                "Compute a new array instead of writing in place (e.g. y = x + 1), or copy "
                "it before the op.")
    for i, d in enumerate(node.outputs or ()):
        if written_since(d, node.id):
            raise GraphError(
                f"one of the arrays needed for gradient computation has been modified by an "
                f"in-place operation: output {i} (shape {d.shape}, {d.dtype}) of op "
                f"{node.op.name!r} (node n{node.id}) was changed after the op was recorded. "
                "Compute a new array instead of writing in place, or copy it first.")
