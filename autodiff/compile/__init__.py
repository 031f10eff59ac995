"""``autograd.compile``: record a function once, replay it as one fused Numba kernel.

The first call with given input shapes, dtypes and marks records ``fn`` under
``autograd.record()`` and runs its backward eagerly (that call's result); if the tape is
a program of elementwise ops (``rules``) optionally ending in a full ``sum``/``mean``, and
no array value was read back into Python while recording (data-dependent control flow),
it is lowered to one Numba kernel doing forward and backward in one loop (``codegen``),
written to a cache folder as a real ``.py`` file (``cache``), checked once against the
eager result, and used on later calls.  Anything else runs eagerly on every call, and
``compiled.fallback_reason`` says why.
"""
from .compiled import Compiled


def compile(fn):
    """Compile ``fn(*arrays) -> array`` with its backward; usable as a decorator.

    ``compiled(*arrays)`` does what ``with autograd.record(): y = fn(*arrays)`` then
    ``y.backward()`` does: it returns ``y``'s value (without recorded history) and fills
    ``.grad`` of the marked inputs (those with ``attach_grad()``, including marked arrays
    ``fn`` closes over) following their ``grad_req``: 'write' overwrites, 'add' adds.
    A non-scalar ``y`` gets a head gradient of ones, as ``backward()`` gives it.

    Guard: programs are kept per input signature (shapes, dtypes, marks and grad_req of
    the arguments); a new signature is recorded again.  Arrays ``fn`` creates or closes
    over without a mark are constants of the recorded program (their current memory is
    read on each call, but an array created inside ``fn`` is the one of the recording
    call; a function that draws from ``np.random`` therefore runs eagerly), and Python values ``fn`` reads other than array values are fixed at
    recording, as with ``jax.jit``.  Reading an array value into Python while recording
    (``bool``, ``float``, ``int``, ``item``, ``tolist``, ``asnumpy``, NumPy reading it:
    an ``if`` or ``while`` on array data) makes the signature run eagerly on every call.

    Introspection: ``compiled.compiled`` (the last call ran fused),
    ``compiled.fallback_reason``, ``compiled.compile_seconds``, ``compiled.source_path``
    (the generated file; ``$AUTODIFF_COMPILE_DIR`` or ``~/.cache/autodiff/compiled``),
    ``compiled.kernel`` (the Numba dispatcher) and ``compiled.graph()`` (the recorded DAG,
    fused op nodes marked with ``fused_group``).
    """
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
    return Compiled(fn)


__all__ = ['compile', 'Compiled']
