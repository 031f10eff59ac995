"""Kernels generated from source text, kept as real files so Numba's disk cache works.

``load(stem, source)`` writes ``source`` to ``<folder>/<stem>_<hash>.py`` (once: a file
of that name is never rewritten, since Numba's cache index is keyed by the file's
modification time; the write is atomic, so two processes at once are safe), imports it
and returns the module.  The folder is ``$AUTODIFF_KERNEL_DIR`` or
``~/.cache/autodiff/kernels``, outside the package, so a read-only install works.  The
module's functions are plain Python; ``jit(module, name)`` compiles one with
``_jit.build`` (nogil, the safe disk cache, float16 through float32) on first use.

When the folder cannot be created or written, it warns (once per process, with the
kernel cache's other warnings: ``_jit``) and the modules are compiled in memory (same
results; the next process compiles again).
"""
import hashlib
import importlib.util
import linecache
import os
import sys
import tempfile
import types

from ._jit import OPTIONS, build, check_cache, _take_float16, _warn_once as _warn_kernels_once

_modules = {}


def folder():
    """Where generated kernel modules go: ``$AUTODIFF_KERNEL_DIR`` or ``~/.cache/autodiff/kernels``."""
    return os.environ.get('AUTODIFF_KERNEL_DIR') or os.path.join(
        os.path.expanduser('~'), '.cache', 'autodiff', 'kernels')


def load(stem, source):
    """The module of ``source`` (imported from the cache folder, or compiled in memory)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    name = f"autodiff_kernel_{stem}_{digest}"
    mod = _modules.get(name)
    if mod is not None:
        return mod
    where = folder()
    try:
        mod = import_file(name, write_once(where, name, source))
        mod.__in_memory__ = False
    except OSError as err:
        check_cache()       # (an unusable Numba cache is the warning to show, if it is one)
        _warn_once(where, err)
        mod = exec_in_memory(name, source, f"<autodiff kernel {name}>")
        mod.__in_memory__ = True
    _modules[name] = mod
    return mod


def jit(mod, fname):
    """Function ``fname`` of generated module ``mod`` as a Numba dispatcher (built now, as the
    caller is about to call it; compiled or loaded from the disk cache at its first call)."""
    fn = getattr(mod, fname)
    if mod.__in_memory__:
        from numba import njit      # (here: Numba loads at the first kernel, not at import)
        d = njit(**OPTIONS)(fn)
        _take_float16(d)
        return d
    return build(fn)


def write_once(where, name, source):
    """The path of ``<where>/<name>.py`` holding ``source``: written only when it does not
    hold it yet (a file Numba cached from is never rewritten: its index is keyed by the
    file's modification time), atomically, so a concurrent reader sees all or nothing.
    ``OSError`` when the folder cannot be created or written."""
    os.makedirs(where, exist_ok=True)
    path = os.path.join(where, name + '.py')
    if not _same(path, source):
        fd, tmp = tempfile.mkstemp(suffix='.tmp', dir=where)
        with os.fdopen(fd, 'w') as f:
            f.write(source)
        os.replace(tmp, path)
    return path


def import_file(name, path):
    """The module ``name`` imported from ``path`` (registered in ``sys.modules``: Numba's
    cache locates functions by module)."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[name]
        raise
    return mod


def exec_in_memory(name, source, filename):
    """The module of ``source`` executed without a file (tracebacks still show its lines)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    mod = types.ModuleType(name)
    exec(compile(source, filename, 'exec'), mod.__dict__)
    return mod


def _warn_once(where, err):
    # one warning per process for the kernel caches (``_jit``'s): a machine whose Numba
    # cache is unusable usually has no usable kernel folder either
    _warn_kernels_once(f"the kernel folder {where!r} is unusable ({err}); elementwise "
                       "kernels compile in memory this session (set AUTODIFF_KERNEL_DIR to a "
                       "writable folder)")


def _same(path, source):
    try:
        with open(path) as f:
            return f.read() == source
    except OSError:
        return False
