"""``kernel``: ``numba.njit(nogil=True)`` with an on-disk cache that can never break the library.

Numba's cache fails loudly when its directory is unwritable ("no locator
available") or when a cache file is corrupted (an unpickling error at the first
call).  Here either case warns once (naming the cache directory) and the kernel
compiles instead.  A corrupted entry is repaired: its index and data files are
removed, so that Numba writes them afresh after compiling -- later processes load
them again instead of warning and recompiling every time.  ``NUMBA_CACHE_DIR`` is
Numba's own setting and is honoured as Numba honours it.

float16: Numba's CPU target has no float16 arithmetic, so a kernel called with
float16 arrays or scalars runs on float32 copies, and the float16 arrays are written
back (storage and results stay float16, the arithmetic is float32).  This sits on
Numba's slow path — the one taken when no compiled signature matches the arguments —
so calls with other dtypes pay nothing for it.

Lazy: ``import autodiff`` does not import Numba (~0.4 s, with llvmlite, scipy and yaml).
``@kernel`` returns a ``LazyKernel``; its first call (or first use of a dispatcher
attribute: ``py_func``, ``signatures``, ``overloads``, ``stats``...) imports Numba and builds
the real dispatcher, then puts that dispatcher in the kernel's module in place of the lazy
object, so later calls through the module (``K.where(...)``) go straight to Numba.  A
kernel that calls another types it from its globals: Numba asks the ``LazyKernel`` for
``_numba_type_``, which (forwarded like any attribute) builds the callee's dispatcher.

Exit: once Numba's compiler is loaded, the interpreter's shutdown spends ~0.3 s of CPU in
its garbage collections over Numba's ~100k objects (a process that only imports NumPy:
~0.02 s).  So the first kernel registers an exit handler that collects once (garbage that
exists at exit is finalized as usual) and then ``gc.freeze()``s what is left: the shutdown
skips the traversals, and the OS takes the memory back.  ``AUTODIFF_GC_AT_EXIT=1`` keeps
Python's own shutdown collections.
"""
import atexit
import gc
import glob
import os
import sys
import threading
import warnings

import numpy as _np

_HALF = _np.dtype(_np.float16)

_warned = []


def _warn_once(message):
    if not _warned:
        _warned.append(message)
        warnings.warn(f"autodiff: {message}", RuntimeWarning, stacklevel=3)


def _where(inner):
    try:
        return inner.cache_path
    except Exception:
        return '(unknown)'


def _remove_entries(inner, args):
    """Remove the unreadable cache entries of one kernel so that Numba rewrites them.

    A corrupted index takes the index and every data file of the kernel with it (the data
    files cannot be found without it); a corrupted data file goes alone.  Best effort:
    what cannot be removed stays (the next save overwrites it)."""
    cf = inner._cache_file
    try:
        overloads = cf._load_index()
    except Exception:                          # the index itself is unreadable
        base = cf._data_name_pattern.split('{')[0]          # '<kernel file base>.'
        paths = [cf._index_path] + glob.glob(
            os.path.join(glob.escape(cf._cache_path), glob.escape(base) + '*.nbc'))
    else:
        try:
            sig, target_context = args[0], args[1]
            name = overloads.get(inner._index_key(sig, target_context.codegen()))
        except Exception:
            name = None
        paths = [cf._data_path(name)] if name else []
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass


class _SafeCache:
    """Wraps a dispatcher's cache: a corrupted entry is removed, warned about once and
    recompiled (then saved again); a save error becomes a warning."""

    def __init__(self, inner):
        self._inner = inner

    def load_overload(self, *args, **kwargs):
        try:
            return self._inner.load_overload(*args, **kwargs)
        except Exception as err:  # corrupted index or data file
            _remove_entries(self._inner, args)
            _warn_once(f"the Numba kernel cache in {_where(self._inner)} was corrupted "
                       f"({err!r}); its entries were removed and are being rebuilt: this "
                       "process compiles the kernels it needs (a slower start-up), later "
                       "processes load them from the cache again")
            return None

    def save_overload(self, *args, **kwargs):
        try:
            self._inner.save_overload(*args, **kwargs)
        except Exception as err:  # disk full, read-only, permissions
            _warn_once(f"the Numba kernel cache in {_where(self._inner)} is unusable "
                       f"(writing: {err!r}); kernels compile in memory this session, which "
                       "makes start-up slower (set NUMBA_CACHE_DIR to a writable directory)")

    def __getattr__(self, name):
        return getattr(self._inner, name)


def kernel(fn=None, **options):
    """Compile ``fn`` lazily with Numba (``nogil``), cached on disk when the cache works.

    ``@kernel`` or ``@kernel(fastmath={'reassoc'}, ...)``: extra Numba options.  Returns a
    ``LazyKernel``: Numba is imported and the dispatcher built at its first call.
    """
    if fn is None:
        return lambda f: kernel(f, **options)
    return LazyKernel(fn, options)


# error_model='numpy': x / 0 gives inf or NaN as in NumPy (not ZeroDivisionError), and loops
# without that check vectorize.  no_cfunc_wrapper: kernels are called from Python (the
# CPython wrapper) and from other kernels (directly), never as C function pointers, so the
# C-callable wrapper Numba would also build is left out (~10% of a small kernel's compile).
OPTIONS = dict(nogil=True, error_model='numpy', no_cfunc_wrapper=True)


def _collect_and_freeze():
    """At exit: finalize the garbage there is, then leave the survivors to the OS."""
    gc.collect()
    gc.freeze()


_exit_handler = []


def _on_numba_loaded():
    if not _exit_handler and os.environ.get('AUTODIFF_GC_AT_EXIT') != '1':
        _exit_handler.append(_collect_and_freeze)
        atexit.register(_collect_and_freeze)


def build(fn, **options):
    """The Numba dispatcher of ``fn`` now (``kernel``'s options, cache and float16 path)."""
    from numba import njit      # (here: importing Numba is most of the library's start-up)
    _on_numba_loaded()
    dispatcher = njit(**OPTIONS, **options)(fn)
    try:
        dispatcher.enable_caching()
        dispatcher._cache = _SafeCache(dispatcher._cache)
    except Exception as err:  # no writable cache location
        _warn_once(f"the Numba kernel cache is unusable (locating: {err!r}; "
                   f"NUMBA_CACHE_DIR={os.environ.get('NUMBA_CACHE_DIR')!r}); kernels compile "
                   "in memory this session, which makes start-up slower (set "
                   "NUMBA_CACHE_DIR to a writable directory)")
    _take_float16(dispatcher)
    return dispatcher


_build_lock = threading.RLock()     # (re-entrant: building a kernel may build its callees)


class LazyKernel:
    """A kernel whose Numba dispatcher is built at first use (see the module docstring).

    Calling it, or reading any dispatcher attribute, builds the dispatcher once (under a
    lock: the ops call kernels from several threads) and forwards to it.
    """

    def __init__(self, fn, options):
        self._fn, self._options, self._real = fn, options, None
        self.__name__ = fn.__name__
        self.__qualname__ = getattr(fn, '__qualname__', fn.__name__)
        self.__module__ = fn.__module__
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        real = self._real
        if real is None:
            real = self.dispatcher()
        return real(*args, **kwargs)

    def __getattr__(self, name):
        if name.startswith('__') or name in ('_fn', '_options', '_real'):
            raise AttributeError(name)
        return getattr(self.dispatcher(), name)

    def __repr__(self):
        state = 'built' if self._real is not None else 'not built yet'
        return f"<autodiff kernel {self.__module__}.{self.__qualname__} ({state})>"

    def dispatcher(self):
        """The real Numba dispatcher (built now if it is not yet)."""
        if self._real is not None:
            return self._real
        with _build_lock:
            if self._real is None:
                fn = self._fn
                real = build(fn, **self._options)
                home = sys.modules.get(fn.__module__)
                if home is not None and vars(home).get(fn.__name__) is self:
                    setattr(home, fn.__name__, real)
                self._real = real
        return self._real


def check_cache():
    """Locate Numba's disk cache now (builds one small dispatcher): when it is unusable,
    its warning is the one this process shows.  The kernel folder's fallback calls this
    first, so that the more general problem is the one named."""
    _PROBE.dispatcher()


def _probe():
    return 0


_PROBE = LazyKernel(_probe, {})


def _is_half(a):
    return isinstance(a, (_np.ndarray, _np.float16)) and a.dtype == _HALF


def _take_float16(dispatcher):
    """Make ``dispatcher`` accept float16 arguments by running it on float32 copies.

    Numba's C dispatcher calls ``_compile_for_args`` when no compiled signature matches;
    when that returns a plain Python callable, the dispatcher calls it with the original
    arguments.  Arguments without float16 go on to Numba's own compilation.
    """
    compile_for_args = dispatcher._compile_for_args

    def via_float32(*args):
        twins = {}                  # one float32 copy per float16 buffer (aliasing kept)
        conv = []
        for a in args:
            if isinstance(a, _np.ndarray) and a.dtype == _HALF:
                key = (a.__array_interface__['data'][0], a.shape, a.strides)
                t = twins.get(key)
                if t is None:
                    t = twins[key] = (a, a.astype(_np.float32))
                conv.append(t[1])
            elif isinstance(a, _np.float16):
                conv.append(_np.float32(a))
            else:
                conv.append(a)
        out = dispatcher(*conv)
        for a, t in twins.values():
            if a.flags.writeable:       # (outputs; inputs round-trip unchanged)
                _np.copyto(a, t, casting='unsafe')
        return out

    def _compile_for_args(*args, **kws):
        if not kws and any(_is_half(a) for a in args):
            return via_float32
        return compile_for_args(*args, **kws)
    dispatcher._compile_for_args = _compile_for_args
