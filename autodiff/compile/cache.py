"""Generated kernels as real ``.py`` files in a cache folder, so Numba's ``cache=True`` works
across processes.

The folder is ``$AUTODIFF_COMPILE_DIR`` or ``~/.cache/autodiff/compiled``; a module's file is
named by a hash of its source and never rewritten (Numba's cache index is keyed by the
file's modification time), so a second process importing the same source loads the
machine code Numba saved beside it instead of compiling again.
"""
import hashlib
import importlib.util
import os
import sys
import tempfile

_modules = {}


def cache_dir():
    """The folder of generated modules (created on first use)."""
    d = os.environ.get('AUTODIFF_COMPILE_DIR') or os.path.join(
        os.path.expanduser('~'), '.cache', 'autodiff', 'compiled')
    os.makedirs(d, exist_ok=True)
    return d


def load(source):
    """Import ``source`` as a module stored in the cache folder; returns (module, path)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    name = f"autodiff_fused_{digest}"
    mod = _modules.get(name)
    if mod is not None:
        return mod, mod.__file__
    path = os.path.join(cache_dir(), name + '.py')
    if not _same(path, source):
        fd, tmp = tempfile.mkstemp(suffix='.tmp', dir=os.path.dirname(path))
        with os.fdopen(fd, 'w') as f:
            f.write(source)
        os.replace(tmp, path)        # atomic: a concurrent reader never sees half a file
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod          # (Numba's cache locates functions by module)
    spec.loader.exec_module(mod)
    _modules[name] = mod
    return mod, path


def _same(path, source):
    try:
        with open(path) as f:
            return f.read() == source
    except OSError:
        return False
