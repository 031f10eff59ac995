"""``kernel``: ``numba.njit(nogil=True)`` with an on-disk cache that can never break the library.

Numba's cache fails loudly when its directory is unwritable ("no locator
available") or when a cache file is corrupted (an unpickling error at the first
call).  Here either case warns once and the kernel compiles in memory instead.
"""
import warnings

from numba import njit

_warned = []


def _warn_once(what, err):
    if not _warned:
        _warned.append(what)
        warnings.warn(f"autodiff: the Numba kernel cache is unusable ({what}: {err!r}); "
                      "kernels compile in memory this session, which makes start-up slower",
                      RuntimeWarning, stacklevel=3)


class _SafeCache:
    """Wraps a dispatcher's cache: load and save errors become a warning and a cache miss."""

    def __init__(self, inner):
        self._inner = inner

    def load_overload(self, *args, **kwargs):
        try:
            return self._inner.load_overload(*args, **kwargs)
        except Exception as err:  # corrupted index or data file
            _warn_once('reading', err)
            return None

    def save_overload(self, *args, **kwargs):
        try:
            self._inner.save_overload(*args, **kwargs)
        except Exception as err:  # disk full, read-only, permissions
            _warn_once('writing', err)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def kernel(fn=None, **options):
    """Compile ``fn`` lazily with Numba (``nogil``), cached on disk when the cache works.

    ``@kernel`` or ``@kernel(fastmath={'reassoc'}, ...)``: extra Numba options.
    """
    if fn is None:
        return lambda f: kernel(f, **options)
    # error_model='numpy': x / 0 gives inf or NaN as in NumPy (not ZeroDivisionError), and
    # loops without that check vectorize
    dispatcher = njit(nogil=True, error_model='numpy', **options)(fn)
    try:
        dispatcher.enable_caching()
        dispatcher._cache = _SafeCache(dispatcher._cache)
    except Exception as err:  # no writable cache location
        _warn_once('locating', err)
    return dispatcher
