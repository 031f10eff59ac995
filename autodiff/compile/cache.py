"""Generated kernels as real ``.py`` files in a cache folder, so Numba's ``cache=True`` works
across processes.

The folder is ``$AUTODIFF_COMPILE_DIR`` or ``~/.cache/autodiff/compiled``; a module's file is
named by a hash of its source and never rewritten (Numba's cache index is keyed by the
file's modification time), so a second process importing the same source loads the
machine code Numba saved beside it instead of compiling again.

When the folder cannot be created or written (``HOME`` unusable, the variable naming a
file, a read-only disk), the first such failure warns once and modules are compiled in
memory instead (``load`` returns no path): slower start-up, same results — as the kernel
cache does (``kernels._jit``), whose guard also wraps the generated kernels' Numba cache.
"""
import hashlib
import os
import warnings

from ..kernels._jit import _SafeCache
from ..kernels.generated import exec_in_memory, import_file, write_once
from . import codegen

_modules = {}
_warned = []


def folder():
    """Where generated modules go: ``$AUTODIFF_COMPILE_DIR`` or ``~/.cache/autodiff/compiled``."""
    return os.environ.get('AUTODIFF_COMPILE_DIR') or os.path.join(
        os.path.expanduser('~'), '.cache', 'autodiff', 'compiled')


def load(source):
    """Import ``source`` as a module stored in the cache folder; returns (module, path).

    The path is None when the module was compiled in memory (no usable cache folder).
    """
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    name = f"autodiff_fused_{digest}"
    mod = _modules.get(name)
    if mod is not None:
        return mod, getattr(mod, '__file__', None)
    where = folder()
    try:
        path = write_once(where, name, source)
        mod = _from_file(name, path)
    except (OSError, RuntimeError) as err:
        # RuntimeError: Numba found no writable place for its cache beside the file
        _warn_once(where, err)
        mod, path = _in_memory(name, source), None
    _modules[name] = mod
    return mod, path


def _from_file(name, path):
    mod = import_file(name, path)
    for obj in vars(mod).values():   # a corrupted cache file: a warning and a recompile
        if (hasattr(obj, 'enable_caching') and getattr(obj, '_cache', None) is not None
                and getattr(obj.py_func, '__module__', None) == name):
            obj._cache = _SafeCache(obj._cache)
    return mod


def _in_memory(name, source):
    """The module compiled without a file (Numba's on-disk cache off)."""
    source = source.replace(codegen.DECORATOR, codegen.IN_MEMORY)
    return exec_in_memory(name, source, f"<autodiff.compile {name}>")


def _warn_once(where, err):
    if not _warned:
        _warned.append(where)
        warnings.warn(f"autodiff: the compile cache folder {where!r} is unusable ({err}); "
                      "autograd.compile compiles in memory this session (nothing is reused "
                      "by the next process; set AUTODIFF_COMPILE_DIR to a writable folder)",
                      RuntimeWarning, stacklevel=4)
