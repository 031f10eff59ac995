"""``autodiff.warmup`` covers the kernel signatures the ops use: after ``warmup()`` the seed
page (and a few integer and fused-backward ops) compile no new Numba signature.

Runs in a fresh interpreter: in the test process other tests have compiled kernels already,
which would hide a signature the warm-up misses.
"""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

CHILD = r'''
import contextlib, io, json, runpy, sys
from autodiff import warmup as W
from autodiff.kernels import binary, reduce, nn, indexing
from autodiff.ops.elementwise import loaded_kernels


def signatures():
    out = {name: {str(s) for s in k.signatures} for name, k in loaded_kernels().items()}
    for mod in (binary, reduce, nn, indexing):
        for name, f in vars(mod).items():
            if hasattr(f, 'signatures') and getattr(f, 'py_func', None) is not None \
                    and f.py_func.__module__ == mod.__name__:
                out[mod.__name__ + '.' + name] = {str(s) for s in f.signatures}
    return out


count = W.warmup(out=io.StringIO())
before = signatures()
with contextlib.redirect_stdout(io.StringIO()):
    runpy.run_path(sys.argv[1], run_name='__main__')
    from autodiff import np, npx, autograd
    i = np.array([[1, -2], [3, 4]], dtype='int64')
    (i.sum(), i.sum(axis=0), i.sum(axis=1), np.abs(i), i.max(), i * 2, i + i, i < 2,
     (i > 0).sum(), np.clip(i, 0, 2), i.argmax())
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    x.attach_grad()
    with autograd.record():
        y = (np.tanh(x) + npx.sigmoid(x) * x).sum() + np.tanh(x * 2).mean()
    y.backward()
after = signatures()
new = {k: sorted(after[k] - before.get(k, set())) for k in after
       if after[k] - before.get(k, set())}
# every dispatcher of the process (the fused backward kernels included): signatures taking
# a read-only array
import gc
from numba.core.dispatcher import Dispatcher
from numba.core.types import Array
readonly = sorted(f"{d.py_func.__module__}.{d.py_func.__name__}{s}"
                  for d in gc.get_objects() if isinstance(d, Dispatcher)
                  for s in d.signatures
                  if any(isinstance(t, Array) and not t.mutable for t in s))
print(json.dumps({'count': count, 'kernels': len(before), 'new': new, 'readonly': readonly}))
'''


@pytest.fixture(scope='module')
def report():
    """The child's report: warm-up, then the seed page and the ops above, in a fresh process."""
    proc = subprocess.run([sys.executable, '-c', CHILD, str(ROOT / 'benchmarks' / 'seed_page.py')],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__('os').environ, 'PYTHONPATH': str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_warmup_leaves_nothing_to_compile_for_the_seed_page(report):
    assert report['count'] >= report['kernels'] > 10
    assert report['new'] == {}, f"signatures compiled after warmup(): {report['new']}"


def test_kernels_get_writable_arrays_only(report):
    """A read-only array is another Numba type: each kernel reached with one compiles a second
    signature (~0.15 s on an empty cache).  The seed page's cell 19 used to hand the fused
    multiply backward a read-only view (a sum's gradient broadcast back through concatenate)."""
    assert report['readonly'] == []


def test_warmup_list_says_how_each_signature_was_obtained():
    """``--list``: one line per signature; in a process that already has every kernel in
    memory a second pass compiles nothing and loads nothing (each says 'in memory')."""
    import io
    from autodiff import warmup as W
    W.warmup(out=io.StringIO())
    text = io.StringIO()
    count = W.warmup(out=text, listing=True)
    lines = text.getvalue().splitlines()
    assert len(lines) == count + 1 and count == len(W._tasks())
    assert all(line.split()[-3:-2] == ['memory'] for line in lines[:-1]), lines[:3]
    assert lines[0].startswith('sum_flat float32') and 'sum_flat(f4[:], int, int, f8)' in lines[0]
    exp = next(line for line in lines if line.startswith('exp float32'))   # a row's kernel
    assert '(f4[:], f4[:])' in exp
    assert f"(0 compiled, 0 loaded from the cache, {count} already loaded)" in lines[-1]
