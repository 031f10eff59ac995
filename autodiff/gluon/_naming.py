"""Block name prefixes: MXNet 1.9.1's per-process counters (``dense0_``) and name scopes.

Outside any ``name_scope()`` a new Block takes the next process-wide count of its hint
(the lower-cased class name): ``dense0_``, ``dense1_``...  Inside a Block's
``name_scope()`` the count is kept per parent and the parent's prefix comes first
(``sequential0_dense0_``).  Counters are per thread, as in MXNet.
"""
import threading

_local = threading.local()


def _counters():
    c = getattr(_local, 'counters', None)
    if c is None:
        c = _local.counters = {}
    return c


def current_scope():
    """The innermost active ``BlockScope`` of this thread, or None."""
    return getattr(_local, 'scope', None)


def reset_counters():
    """Forget the process-wide counts (test helper: names start again at 0)."""
    _local.counters = {}


def new_prefix(prefix, hint):
    """The prefix of a Block created now: ``prefix`` if given, else one from the counters.

    Returns ``(full_prefix, parent_block_or_None)``.
    """
    scope = current_scope()
    if scope is None:
        if prefix is None:
            counts = _counters()
            n = counts.get(hint, 0)
            counts[hint] = n + 1
            prefix = f'{hint}{n}_'
        return prefix, None
    if prefix is None:
        n = scope.counter.get(hint, 0)
        scope.counter[hint] = n + 1
        prefix = f'{hint}{n}_'
    return scope.block.prefix + prefix, scope.block


class BlockScope:
    """``with block.name_scope():`` — children created inside are named under the block."""

    def __init__(self, block):
        self.block = block
        self.counter = {}
        self._old = None

    def __enter__(self):
        if self.block._empty_prefix:
            return self
        self._old = current_scope()
        _local.scope = self
        return self

    def __exit__(self, *exc):
        if self.block._empty_prefix:
            return False
        _local.scope = self._old
        return False
