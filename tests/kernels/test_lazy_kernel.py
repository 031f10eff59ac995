"""``kernel`` (kernels/_jit.py) is lazy: Numba is imported and the dispatcher built at the
kernel's first call; then the module attribute is the real dispatcher (no forwarding cost),
and kernels that call other kernels (in their module or another) get built callees.

One fresh interpreter (the test process has built every kernel long ago); references are
NumPy and SciPy.
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

CHILD = r'''
import json, sys
import numpy as onp
from autodiff.kernels import binary, special, random as krandom, _jit
out = {'numba_at_import': 'numba' in sys.modules,
       'lazy_before': type(vars(binary)['clip']).__name__,
       'repr_before': repr(binary.clip)}
lazy = binary.clip
x = onp.array([-2.0, 0.5, 3.0, onp.nan])
got = onp.empty_like(x)
binary.clip(x, -1.0, 1.0, got)
out['clip'] = [None if v != v else v for v in got.tolist()]
out['numba_after_call'] = 'numba' in sys.modules
out['module_attr_after'] = type(vars(binary)['clip']).__name__
out['same_dispatcher'] = lazy.dispatcher() is binary.clip
out['signatures_forwarded'] = [str(s) for s in lazy.signatures] == [str(s) for s in binary.clip.signatures]
out['py_func'] = lazy.py_func is binary.clip.py_func
# a kernel calling a kernel of its own module (special -> digamma_scalar)
v = onp.array([0.5, 1.0, 7.25])
d = onp.empty_like(v)
special.special(special.DIGAMMA, v, d)
out['digamma'] = d.tolist()
# ... and of another module (random.gamma_shape_grad -> special.digamma_scalar)
a, z = onp.array([0.7, 2.5]), onp.array([0.4, 3.1])
g = onp.empty_like(a)
krandom.gamma_shape_grad(a, z, g)
out['gamma_grad'] = g.tolist()
print(json.dumps(out))
'''


def test_kernels_build_at_first_call_and_replace_themselves():
    from scipy import special as sp
    import numpy as onp
    proc = subprocess.run([sys.executable, '-c', CHILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out['numba_at_import'] is False and out['lazy_before'] == 'LazyKernel'
    assert 'not built yet' in out['repr_before']
    assert out['clip'][:3] == [-1.0, 0.5, 1.0] and out['clip'][3] is None     # NaN stays NaN
    assert out['numba_after_call'] and out['module_attr_after'] == 'CPUDispatcher'
    assert out['same_dispatcher'] and out['signatures_forwarded'] and out['py_func']
    onp.testing.assert_allclose(out['digamma'], sp.digamma([0.5, 1.0, 7.25]), rtol=1e-12)
    # dz/da of a Gamma(a) draw z by implicit differentiation of P(a, z) = u:
    # dz/da = -(dP/da) / (dP/dz), dP/dz the density; dP/da by central differences
    a, z, h = onp.array([0.7, 2.5]), onp.array([0.4, 3.1]), 1e-6
    dpda = (sp.gammainc(a + h, z) - sp.gammainc(a - h, z)) / (2 * h)
    dens = onp.exp((a - 1) * onp.log(z) - z - sp.gammaln(a))
    onp.testing.assert_allclose(out['gamma_grad'], -dpda / dens, rtol=1e-6)


EXIT_CHILD = r'''
import atexit, gc
atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, flush=True))  # runs last
from autodiff import np


class Finalized:
    def __del__(self):
        print('finalized', flush=True)


gc.disable()
print('value', (np.array([1.5]) * 2).asnumpy()[0], flush=True)
c = Finalized()
c.self = c                      # cyclic garbage that exists at exit
del c
'''


def _exit_lines(**env):
    proc = subprocess.run([sys.executable, '-c', EXIT_CHILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **env))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split('\n')[:-1]


def test_exit_finalizes_garbage_then_freezes_the_rest():
    """Once kernels are loaded, exit collects (the cyclic garbage's __del__ runs) and then
    freezes the survivors, so the shutdown skips its collections over Numba's objects."""
    assert _exit_lines() == ['value 3.0', 'finalized', 'frozen True']


def test_exit_freeze_can_be_turned_off():
    assert _exit_lines(AUTODIFF_GC_AT_EXIT='1')[:2] == ['value 3.0', 'frozen False']
