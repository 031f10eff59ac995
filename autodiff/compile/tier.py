"""Tiered execution: a new path's Numba compile runs in a background thread while calls run
eagerly.

The recording call of a signature (``Compiled._record``) already computed its results and
gradients eagerly.  What is left before the path can replay — Numba compiling the generated
loops (~0.3 s each with an empty cache) or loading them from its disk cache, then the one
check run against the recording's values — is a ``Pending`` job on a thread of its own.
Until it has finished, calls of that signature run the eager path (record + backward, as a
fallback runs: exact); the first call after it finished adopts the program and runs it
compiled, or, when the compile raised or the check disagreed with eager mode, makes the
signature a fallback whose ``fallback_reason`` says why.  Nothing waits for the thread but
``Compiled.wait()`` and the introspection that needs its verdict (``compiled``,
``fallback_reason``, ``program``...).

The check runs on copies taken at the recording call (``Check``): the program's inputs,
the recording's results and gradients, and zeroed gradient buffers of its own.  So the
caller may update its arrays (an optimizer step) and ``.grad`` while the compile runs, and
the check never touches them; the program's own buffers are not used by any call until it
is adopted.  Programs with opaque steps that draw from ``np.random`` (the check repeats
the recording's draws through the global generator) or write state in place (batch_norm's
running statistics) are compiled before the recording call returns, as is every path
when ``AUTODIFF_COMPILE_BACKGROUND=0`` (the test suite sets it: its tests expect a
compiled second call; ``tests/compile/test_tiers.py`` runs the background tier).

The thread is not a daemon: a process that ends while a compile runs waits for it at exit,
so Numba's cache is written and the next process loads the kernels.
"""
import os
import threading
import time
import warnings

from . import opaque
from .check import check_run

ENV = 'AUTODIFF_COMPILE_BACKGROUND'


def enabled():
    """Whether new paths compile in the background (``AUTODIFF_COMPILE_BACKGROUND``, on
    unless it is '0')."""
    return os.environ.get(ENV, '1') != '0'


def needs_foreground(prog):
    """Whether ``prog``'s check must run on the calling thread: an opaque step that draws
    from ``np.random`` (the check sets the global generator to the recording's state) or
    writes state in place."""
    for v in prog.values:
        if v.kind == 'opaque':
            name = v.attrs[0].name
            if name in opaque.RANDOM or name in opaque.WRITES:
                return True
    return False


_quiet = []


def _quiet_numba():
    """Silence Numba's pedantic SSA warning about the inlined float32 tanh (harmless; the
    foreground check silences it with ``catch_warnings``, which is not thread-safe): one
    filter, for that warning category and for code of this package only."""
    if not _quiet:
        from numba.core.errors import NumbaIRAssumptionWarning
        warnings.filterwarnings('ignore', category=NumbaIRAssumptionWarning,
                                message=r'(?s).*autodiff')
        _quiet.append(True)


class Pending:
    """The background compile and check of one program (see the module docstring).

    ``done`` is set when it has finished; ``reason`` is then None (the program replays) or
    why it does not; ``error`` the exception the compile raised, if any."""

    def __init__(self, prog, chk, started):
        self.prog, self.chk, self.started = prog, chk, started
        self.done = threading.Event()
        self.reason = self.error = None
        _quiet_numba()
        self.thread = threading.Thread(target=self._work, daemon=False,
                                       name=f"autodiff.compile:{id(prog):x}")
        self.thread.start()

    def _work(self):
        try:
            self.reason = check_run(self.prog, self.chk)
        except BaseException as err:          # (surfaced as the signature's fallback reason)
            self.error = err
            self.reason = (f"not compiled: the background compile failed "
                           f"({type(err).__name__}: {err})")
        finally:
            self.chk = None                   # (the copies are not needed any more)
            self.prog.compile_seconds = time.perf_counter() - self.started
            self.done.set()

    def wait(self, timeout=None):
        """Whether the job has finished (waiting up to ``timeout`` seconds; None: until it
        has)."""
        return self.done.wait(timeout)
