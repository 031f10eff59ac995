"""The ``F`` handed to ``hybrid_forward(F, x, ...)``: the ``np`` / ``npx`` facade.

MXNet passes its ndarray or symbol module; in numpy mode code writes ``F.np.dot(...)``
and ``F.npx.relu(...)``.  Here both are the eager namespaces (a hybridized block is
compiled by recording them, see ``gluon.hybrid``).  ``F.<name>`` alone looks the name up
in ``npx`` and then ``np``, so ``F.relu`` and ``F.tanh`` work too.
"""
from .. import np, npx  # noqa: F401


def __getattr__(name):
    for ns in (npx, np):
        if hasattr(ns, name):
            return getattr(ns, name)
    raise AttributeError(f"F has no operator {name!r} (look in F.np and F.npx)")
