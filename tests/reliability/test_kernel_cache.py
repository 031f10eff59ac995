"""The Numba kernel cache cannot break the library: with a corrupted cache or no usable
cache location, results are right and exactly one RuntimeWarning names the cache.

Each case runs a fresh interpreter (the cache is consulted at import and first call).
We run as root, so chmod cannot make a directory unwritable; a path *under a regular
file* can never be created, which is what an unwritable location looks like to Numba."""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        import numpy as onp
        from autodiff import np, autograd
        v = onp.linspace(-1, 1, 7)
        x = np.array(v, dtype='float64')
        x.attach_grad()
        with autograd.record():
            y = (np.exp(x) * x).sum()
        y.backward()
        ok = (abs(y.item() - (onp.exp(v) * v).sum()) < 1e-12 and
              onp.allclose(x.grad.asnumpy(), onp.exp(v) * (1 + v), rtol=1e-12))
    print('RESULT', 'right' if ok else 'WRONG')
    import sys
    kernels = [d for name, m in list(sys.modules.items()) if name.startswith('autodiff.kernels.')
               for d in vars(m).values() if hasattr(d, 'stats') and hasattr(d, 'py_func')]
    misses = sum(sum(d.stats.cache_misses.values()) for d in kernels)
    print('MISSES', misses)
    for w in caught:
        print('WARNING', w.category.__name__, str(w.message).replace('\\n', ' '))
''')


def _run(env_extra, pkg_root=ROOT):
    env = dict(os.environ, PYTHONPATH=str(pkg_root), PYTHONDONTWRITEBYTECODE='1', **env_extra)
    p = subprocess.run([sys.executable, '-c', CHILD], env=env, capture_output=True, text=True,
                       timeout=300, cwd=str(pkg_root))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    result = [ln for ln in lines if ln.startswith('RESULT')]
    warns = [ln for ln in lines if ln.startswith('WARNING')]
    _run.misses = [int(ln.split()[1]) for ln in lines if ln.startswith('MISSES')][0]
    return result, warns


def _cache_warnings(warns):
    return [w for w in warns if w.startswith('WARNING RuntimeWarning') and 'cache' in w]


def _fill(cache):
    result, warns = _run({'NUMBA_CACHE_DIR': str(cache)})
    assert result == ['RESULT right'] and warns == []
    assert _run.misses > 0                       # a fresh cache: everything compiled
    files = [f for f in cache.rglob('*') if f.suffix in ('.nbi', '.nbc')]
    # NUMBA_CACHE_DIR is honoured: the kernels' cache files are written there
    assert any(f.suffix == '.nbi' for f in files) and any(f.suffix == '.nbc' for f in files)
    return files


def _assert_repaired(cache):
    """After the repairing run, a new process loads every kernel from the cache silently."""
    result, warns = _run({'NUMBA_CACHE_DIR': str(cache)})
    assert result == ['RESULT right'] and warns == [], warns
    assert _run.misses == 0


def test_corrupted_cache_files_warn_once_naming_the_cache_and_are_rebuilt(tmp_path):
    cache = tmp_path / 'cache'
    for f in _fill(cache):
        f.write_bytes(b'garbage, not a pickle \x00\xff' * 3)
    result, warns = _run({'NUMBA_CACHE_DIR': str(cache)})
    assert result == ['RESULT right']
    cw = _cache_warnings(warns)
    assert len(cw) == 1 and len(warns) == 1, warns
    assert str(cache) in cw[0]                   # says where the cache is
    assert 'corrupted' in cw[0] and 'rebuilt' in cw[0]
    _assert_repaired(cache)


def test_truncated_cache_index_warns_once_and_is_rebuilt(tmp_path):
    cache = tmp_path / 'cache'
    _fill(cache)
    for f in cache.rglob('*.nbi'):
        f.write_bytes(f.read_bytes()[:10])
    result, warns = _run({'NUMBA_CACHE_DIR': str(cache)})
    assert result == ['RESULT right']
    assert len(_cache_warnings(warns)) == 1 and len(warns) == 1, warns
    _assert_repaired(cache)


def test_corrupted_data_files_alone_are_rebuilt(tmp_path):
    cache = tmp_path / 'cache'
    for f in _fill(cache):
        if f.suffix == '.nbc':
            f.write_bytes(b'\x80\x04not a pickle')
    result, warns = _run({'NUMBA_CACHE_DIR': str(cache)})
    assert result == ['RESULT right']
    assert len(_cache_warnings(warns)) == 1 and len(warns) == 1, warns
    _assert_repaired(cache)


def test_no_writable_cache_location_warns_once(tmp_path):
    """No locator works: NUMBA_CACHE_DIR and the user-wide cache lie under a regular
    file, and the in-tree ``__pycache__`` of a copy of the package is a regular file."""
    blocker = tmp_path / 'a_file'
    blocker.write_text('not a directory')
    pkg = tmp_path / 'pkg'
    shutil.copytree(ROOT / 'autodiff', pkg / 'autodiff',
                    ignore=shutil.ignore_patterns('__pycache__'))
    for d in (pkg / 'autodiff').rglob('*'):
        if d.is_dir():
            (d / '__pycache__').write_text('not a directory')
    (pkg / 'autodiff' / '__pycache__').write_text('not a directory')
    result, warns = _run({'NUMBA_CACHE_DIR': str(blocker / 'sub'),
                          'XDG_CACHE_HOME': str(blocker / 'xdg'),
                          'HOME': str(blocker / 'home')}, pkg_root=pkg)
    assert result == ['RESULT right']
    cw = _cache_warnings(warns)
    assert len(cw) == 1 and len(warns) == 1, warns
    assert 'unusable (locating' in cw[0]
    assert not any(pkg.rglob('*.nbi'))          # nothing was written anywhere in the copy


def test_unwritable_user_cache_dir_falls_back_silently_to_a_working_locator(tmp_path):
    """NUMBA_CACHE_DIR under a regular file while the in-tree cache works: Numba uses the
    in-tree cache, results are right, and there is nothing to warn about."""
    blocker = tmp_path / 'a_file'
    blocker.write_text('x')
    result, warns = _run({'NUMBA_CACHE_DIR': str(blocker / 'sub')})
    assert result == ['RESULT right'] and warns == []
