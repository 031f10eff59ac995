"""Tiered execution (``autodiff.compile.tier``): a new path compiles on a background thread
while its calls run eagerly; the next call after the compile finished runs compiled.

The rest of the suite compiles before the first call returns (``tests/conftest.py`` sets
``AUTODIFF_COMPILE_BACKGROUND=0``); here the background tier is on, and the background
job is held at a gate (``tier.check_run`` wrapped) so each test sees the eager tier and
the switch deterministically.  References are NumPy in float64.
"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.compile import tier
from .helpers import marked, assert_close

ROOT = Path(__file__).resolve().parents[2]
XD = onp.linspace(-1.5, 1.2, 6)
WD = onp.linspace(0.8, -0.4, 6)


def body(x, w):
    return np.tanh(x * w).sum()


def reference(xd, wd):
    """(value, grad of x, grad of w) of ``body`` in float64."""
    t = onp.tanh(xd * wd)
    return t.sum(), wd * (1 - t * t), xd * (1 - t * t)


@pytest.fixture
def gate(monkeypatch):
    """Background compiles on, each held until ``gate.set()`` (or the test's end)."""
    monkeypatch.setenv(tier.ENV, '1')
    ev = threading.Event()
    real = tier.check_run

    def held(prog, chk):
        ev.wait(60)
        return real(prog, chk)
    monkeypatch.setattr(tier, 'check_run', held)
    yield ev
    ev.set()


def counted(fn):
    """``fn`` and a list that grows by one per Python call of it (a replay does not call it)."""
    calls = []

    def wrapper(*args):
        calls.append(1)
        return fn(*args)
    return wrapper, calls


def check_call(f, xd, wd):
    x, w = marked(xd, 'float64'), marked(wd, 'float64')
    v = f(x, w)
    want = reference(xd, wd)
    assert_close(v.asnumpy(), want[0], rtol=1e-12, what='value')
    assert_close(x.grad.asnumpy(), want[1], rtol=1e-12, what='x.grad')
    assert_close(w.grad.asnumpy(), want[2], rtol=1e-12, what='w.grad')


def test_calls_run_eagerly_until_the_background_compile_finishes_then_compiled(gate):
    fn, calls = counted(body)
    f = autograd.compile(fn)
    check_call(f, XD, WD)                        # records (fn runs), compile starts
    assert f.tier == 'compiling' and len(calls) == 1
    for k in range(3):                           # the eager tier: fn runs on every call
        check_call(f, XD * (k + 2), WD)
    assert len(calls) == 4 and f.tier == 'compiling'
    gate.set()
    assert f.wait(60) and f.tier == 'compiled'
    assert f.compiled and f.fallback_reason is None and f.compile_seconds > 0
    for k in range(3):                           # replayed: fn is not called any more
        check_call(f, XD - k, WD * 0.5)
    assert len(calls) == 4 and f.signatures == 1 and f.paths == 1


def test_introspection_waits_for_the_verdict(gate):
    f = autograd.compile(body)
    check_call(f, XD, WD)
    assert f.tier == 'compiling'
    threading.Timer(0.05, gate.set).start()
    assert f.compiled                             # (waited for the background compile)
    g = f.graph()
    assert g.graph['fallback_reason'] is None and g.graph['fused_groups']


def test_inputs_written_while_compiling_do_not_disturb_the_check(gate):
    # an optimizer step right after the first call: the check runs on the recording's copies
    f = autograd.compile(body)
    x, w = marked(XD, 'float64'), marked(WD, 'float64')
    f(x, w)
    w[...] = w - 0.1 * w.grad
    x.grad[...] = 7.0
    gate.set()
    assert f.wait(60)
    assert f.fallback_reason is None and f.compiled
    check_call(f, XD, WD - 0.1 * reference(XD, WD)[2])


def test_an_error_in_the_background_compile_makes_the_signature_eager_and_says_why(
        monkeypatch):
    monkeypatch.setenv(tier.ENV, '1')

    def broken(prog, chk):
        raise RuntimeError("LLVM ran out of registers")
    monkeypatch.setattr(tier, 'check_run', broken)
    fn, calls = counted(body)
    f = autograd.compile(fn)
    check_call(f, XD, WD)
    assert f.wait(60) and f.tier == 'eager' and not f.compiled
    assert f.fallback_reason == ("not compiled: the background compile failed "
                                 "(RuntimeError: LLVM ran out of registers)")
    check_call(f, XD * 3, WD)                     # eager, and still right
    assert len(calls) == 2 and f.graph().graph['fallback_reason'] == f.fallback_reason


def test_a_failed_background_check_falls_back(monkeypatch):
    monkeypatch.setenv(tier.ENV, '1')
    monkeypatch.setattr(tier, 'check_run', lambda prog, chk: "not compiled: the compiled "
                        "program disagreed with eager mode")
    f = autograd.compile(body)
    check_call(f, XD, WD)
    assert f.wait(60)
    assert f.fallback_reason == "not compiled: the compiled program disagreed with eager mode"
    check_call(f, XD, WD * 2)


def test_concurrent_calls_across_the_switch_each_get_their_own_results(gate):
    f = autograd.compile(body)
    check_call(f, XD, WD)
    errors, started = [], threading.Barrier(4)

    def worker(seed):
        r = onp.random.default_rng(seed)
        try:
            started.wait(10)
            for _ in range(25):
                check_call(f, r.uniform(-2, 2, 6), r.uniform(-2, 2, 6))
        except Exception as err:              # (reported by the main thread)
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    started.wait(10)
    gate.set()                                # the switch happens while the workers call
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert f.wait(60) and f.compiled


def test_a_program_that_draws_compiles_before_the_first_call_returns(monkeypatch):
    # the check repeats the recording's draws through np.random's global generator
    monkeypatch.setenv(tier.ENV, '1')
    f = autograd.compile(lambda x: (npx.dropout(x, p=0.5) * x).sum())
    f(marked(XD, 'float64'))
    assert f.tier == 'compiled' and f.program.pending is None


def test_the_switch_off_compiles_before_the_first_call_returns(monkeypatch):
    monkeypatch.setenv(tier.ENV, '0')
    fn, calls = counted(body)
    f = autograd.compile(fn)
    check_call(f, XD, WD)
    assert f.tier == 'compiled'
    check_call(f, XD, WD * 2)
    assert len(calls) == 1


_CHILD = r"""
import json, time
import numpy as onp
from autodiff import np, autograd
f = autograd.compile(lambda b: (np.sin(b * 0.25) * b).sum())
b = np.array(onp.linspace(-2, 2, 8))
b.attach_grad()
f(b)
print(json.dumps({"tier": f.tier}))       # exits at once: the compile is still running
"""


def test_a_process_ending_while_compiling_waits_so_the_next_finds_the_cache(tmp_path):
    env = dict(os.environ, AUTODIFF_COMPILE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env[tier.ENV] = '1'
    out = subprocess.run([sys.executable, '-c', _CHILD], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"tier": "compiling"}
    saved = list((tmp_path / '__pycache__').glob('*.nbc'))
    assert saved, "the kernel was not compiled and saved before the process ended"
