"""The run-time ``gc.freeze()`` after the first kernel call (kernels/_jit.py ``freeze_loaded``).

Numba's ~120k permanent objects are moved out of the cyclic GC's reach once, so that full
collections during a long recording walk only the program's own objects.  What must hold:
garbage that exists before the freeze is collected (and finalized) first, not frozen;
objects made after it are collected as before; a dropped graph is freed with and without
``gc.collect()``; ``AUTODIFF_GC_FREEZE=0`` turns it off.  Fresh interpreters (the test
process froze long ago).
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

CHILD = r'''
import gc, json, weakref
import numpy as onp
from autodiff import autograd, np
out = {}


class Cycle:
    def __init__(self, log, name):
        self.log, self.name, self.me = log, name, self

    def __del__(self):
        self.log.append(self.name)


finalized = []
Cycle(finalized, 'before')           # cyclic garbage made before any kernel ran
out['frozen_before'] = gc.get_freeze_count()
x = np.array(onp.array([0.5, 1.5, -2.0]))
x.attach_grad()
with autograd.record():
    y = x * 2.0
out['frozen_after'] = gc.get_freeze_count()
out['finalized_at_freeze'] = list(finalized)   # the freeze's collect ran its __del__

# a graph dropped after the freeze: reference counting frees it, no collect needed
with autograd.record():
    h = x * 3.0
    z = h * 2.0
    s = z.sum()
refs = [weakref.ref(z), weakref.ref(z._node), weakref.ref(h._node), weakref.ref(h._data)]
s.backward()
del s
del h, z
out['graph_freed_by_refcount'] = [r() is None for r in refs]

# ... and a graph caught in a cycle of the program's own objects is freed by gc.collect()
gc.disable()
with autograd.record():
    h = x * 3.0
    z = h * 2.0
box = {'z': z}
box['self'] = box
refs = [weakref.ref(z), weakref.ref(z._node), weakref.ref(h._data)]
Cycle(finalized, 'after')
del h, z, box
out['alive_before_collect'] = [r() is not None for r in refs]
gc.collect()
out['freed_by_collect'] = [r() is None for r in refs]
out['finalized_after_collect'] = list(finalized)
out['grad'] = x.grad.asnumpy().tolist()
print(json.dumps(out))
'''


def _run(**env):
    proc = subprocess.run([sys.executable, '-c', CHILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **env))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_first_kernel_call_collects_then_freezes_and_later_objects_are_collected():
    out = _run()
    assert out['frozen_before'] == 0
    assert out['frozen_after'] > 10_000          # Numba's loaded objects (~120k)
    assert out['finalized_at_freeze'] == ['before']
    assert out['graph_freed_by_refcount'] == [True] * 4
    assert out['alive_before_collect'] == [True] * 3
    assert out['freed_by_collect'] == [True] * 3
    assert out['finalized_after_collect'] == ['before', 'after']
    assert out['grad'] == [6.0, 6.0, 6.0]        # d(sum(2 * 3 x))/dx


def test_freeze_can_be_turned_off():
    out = _run(AUTODIFF_GC_FREEZE='0')
    assert out['frozen_before'] == 0 and out['frozen_after'] == 0
    assert out['freed_by_collect'] == [True] * 3
    assert out['finalized_after_collect'] == ['before', 'after']
