"""Block scopes: which part of a network recorded each op.

``with block_scope('dense0', 'Dense', params={'dense0_weight': w}):`` marks every op
recorded inside it (in this thread) as belonging to that scope; scopes nest, and a tape
node keeps the innermost ``Scope`` (``Node.scope``, None outside any scope), whose
``path`` is the '/'-joined names of the enclosing scopes, outermost first
(``'hybridsequential0/dense0'``).  Gluon's ``Block.__call__`` opens one per call; the
graph view (``autodiff.graph``) turns them into ``scope`` attributes and
``graph['scopes']``, which ``viz.draw`` draws as nested clusters.

Cost: a node reads one thread-local attribute when it is created; nothing else is done
while no scope is active.
"""
import contextlib

from .tape import current_scope as current, tick


class Scope:
    """One entered ``block_scope``: ``name``, ``kind`` (the Block's class name), ``params``
    (``{parameter name: array}``), the enclosing ``parent`` Scope (or None), ``path`` and
    ``serial`` (a tape tick: scopes entered later have larger serials)."""
    __slots__ = ('name', 'kind', 'params', 'parent', 'path', 'serial')

    def __init__(self, name, kind, params, parent):
        self.name = name
        self.kind = kind
        self.params = params
        self.parent = parent
        self.path = name if parent is None else parent.path + '/' + name
        self.serial = tick()

    def __repr__(self):
        return f'Scope({self.path!r}, kind={self.kind!r})'


@contextlib.contextmanager
def block_scope(name, kind, params=None):
    """Record the ops run inside the ``with`` block as part of scope ``name``.

    ``name``: the Block's name (``'dense0'``; no '/'), ``kind``: its class name
    (``'Dense'``), ``params``: optional ``{parameter name: array}`` of the Block's own
    parameters (drawn inside its cluster).  Nested scopes join their names with '/'.
    Yields the ``Scope``.  The previous scope is restored on exit, also on an exception.
    """
    if not isinstance(name, str) or not name or '/' in name:
        raise ValueError(f"block_scope: name must be a non-empty str without '/', got {name!r}")
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"block_scope: kind must be a non-empty str (the Block's class name), "
                         f"got {kind!r}")
    if params is None:
        params = {}
    elif not hasattr(params, 'items'):
        raise TypeError(f"block_scope: params must map parameter names to arrays, got "
                        f"{type(params).__name__}")
    else:
        params = dict(params)
    prev = current.scope
    scope = Scope(name, kind, params, prev)
    current.scope = scope
    try:
        yield scope
    finally:
        current.scope = prev


def current_path():
    """The '/'-joined path of this thread's active scopes ('' outside any scope)."""
    s = current.scope
    return '' if s is None else s.path
