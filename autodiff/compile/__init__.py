"""``autograd.compile``: record a function once, replay it as generated Numba code.

The first call with given input shapes, dtypes and marks records ``fn`` under
``autograd.record()`` and runs its backward eagerly with ``create_graph=True`` (that call's
result), so the ops of the backward rules are recorded too (``trace``).  Forward and backward
tape are lowered together to a small program form (``lower``, ``ir``) by the forward
templates of ``rules`` — the compiler owns no derivative: the marked inputs' gradients are
ordinary values of the program —, cut into
steps — fused elementwise loops with broadcasting and reductions as sinks, BLAS calls for
matmul, views, copies, guards (``schedule``) — written as one generated module (``codegen``,
a real ``.py`` file in a cache folder: ``cache``) and run with a memory plan (``program``).
It is checked once against the eager result, then replayed on later calls.  A branch on
array data becomes a guard; each path is compiled on its own (``compiled``).  What the
compiler does not take (a custom Function, an op outside ``rules`` that ``opaque`` cannot
run as an opaque step — the op's own eager forward and backward —, reading array values
into Python, random draws) runs eagerly on every call, and ``compiled.fallback_reason``
says why.  Inside ``autograd.record()`` a compiled call is one differentiable tape node;
``compile(fn, backward=False)`` compiles the forward only.

The compiler's modules load at the first ``compile(...)`` (or the first use of
``Compiled``), not at ``import autodiff``: its rule table is built from every op row's
template (~5 ms of the import, which the seed page's start-up does not use).
"""


def compile(fn=None, *, backward=True):
    """Compile ``fn(*arrays) -> array`` with its backward; usable as a decorator
    (``@compile`` or ``@compile(backward=False)``).

    Three kinds of call:

    - outside ``autograd.record()`` (``backward=True``, the default):
      ``compiled(*arrays, **keyword_arrays)`` does what ``with autograd.record(): y =
      fn(...)`` then ``y.backward()`` does: it returns ``y``'s value (without recorded
      history) and fills ``.grad`` of the marked inputs (those with ``attach_grad()``,
      including marked arrays ``fn`` closes over) following their ``grad_req``: 'write'
      overwrites, 'add' adds; a marked input the path does not reach keeps its gradient.
      A non-scalar ``y`` gets a head gradient of ones, as ``backward()`` gives it.
    - inside ``autograd.record()``: the call is differentiable.  Its result is one tape
      node (op ``compiled:<fn name>``) over the arguments and the marked arrays ``fn``
      closes over; the call runs the forward half of the program, which keeps this call's
      residuals (what the backward reads, in buffers of its own), and the node's backward
      runs the backward half from them with the incoming head gradients (the forward is
      evaluated once per call) and gives every input its gradient, so ``with record(): loss = g(compiled(x))`` then
      ``loss.backward()`` fills ``.grad`` through it.  Nothing is written into ``.grad``
      by the call itself.  Higher order: a backward with ``create_graph=True`` through
      such a node raises ``GraphError`` (the compiled backward is not recorded); call
      ``fn`` uncompiled there.  The training flag at the call is part of the signature.
    - ``backward=False`` (forward-only): ``compiled(*arrays)`` returns ``fn(*arrays)``'s
      value from a program without backward steps: no input needs a mark and no ``.grad``
      is read or written.  Called inside ``record()`` it runs ``fn`` eagerly (recorded),
      so that gradients through it stay exact.

    Guard: programs are kept per input signature (shapes, dtypes, marks and grad_req of
    the arguments, and the keyword names; a parameter passed by keyword counts as passed
    by position) and per control-flow path: ``if``/``while`` on array data (``bool`` of
    an array) is checked on every replay, and another outcome replays (or records and
    compiles) the matching path, up to 8 per signature.  Every array ``fn`` reads is an
    input: arrays it closes over, marked or not, are read on every call (in-place writes
    are seen; a changed shape or dtype records again; rebinding the name is not seen),
    and what it computes from them is recomputed.  Dropout and ``np.random``'s continuous
    draws (``normal``, ``uniform``, ``gamma``, ``beta``, ``chisquare``..., with number
    parameters or parameters computed from the inputs) are opaque steps that draw afresh
    on every replay, in the recording's order (one draw per call, read by its backward);
    the draws that are no op (``randint``, ``choice``, ``shuffle``...) would be replayed
    as recorded, so a function that makes one runs eagerly.  Python values ``fn``
    reads other than array truth values are fixed at recording, as with ``jax.jit``;
    reading any array's values into Python (``float``, ``int``, ``item``, ``tolist``,
    ``asnumpy``, NumPy reading it) makes the signature run eagerly on every call, as do an
    in-place write inside ``fn`` (a replay would not repeat it) and an argument that is
    not an array; a call ``fn`` does not accept raises ``TypeError``.
    ``fn`` may return a tuple of arrays: each gets a head gradient of ones
    (``autograd.backward`` of all of them).

    Introspection: ``compiled.compiled`` (the last call ran compiled),
    ``compiled.fallback_reason``, ``compiled.compile_seconds``, ``compiled.source_path``
    (the generated file; ``$AUTODIFF_COMPILE_DIR`` or ``~/.cache/autodiff/compiled``; None
    when that folder is unusable and the program was compiled in memory, after one warning),
    ``compiled.kernels`` (the Numba dispatchers of the fused loops), ``compiled.program``
    (steps, memory plan: ``arena_bytes`` against ``naive_bytes``), ``compiled.paths`` and
    ``compiled.graph()`` (the recorded DAG; op nodes carry ``fused_group`` and
    ``compiled_step``, and ``viz.draw`` frames each fused loop as a cluster) and
    ``compiled.program_graph()`` (the compiled program, backward included, as a DiGraph).
    """
    if fn is None:
        return lambda f: compile(f, backward=backward)
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
    if not isinstance(backward, bool):
        raise TypeError(f"compile: backward must be True or False, got {backward!r}")
    from .compiled import Compiled      # (lazy: see the module docstring)
    return Compiled(fn, backward=backward)


def __getattr__(name):
    if name == 'Compiled':
        from .compiled import Compiled  # (lazy: see the module docstring)
        return Compiled
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ['compile', 'Compiled']
