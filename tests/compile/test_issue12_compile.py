"""Issue 12, ``autograd.compile`` items: closed-over arrays (5), unreached gradients (6), an
unusable cache folder (12), keyword arguments (15).

Expected values come from NumPy in float64 (values, analytic gradients) or from the same calls
run eagerly with ``record()`` + ``backward()``.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as onp
import pytest

from autodiff import np, autograd
from .helpers import marked, assert_close

ROOT = Path(__file__).resolve().parents[2]


# ---- 5: every array the function reads is an input of the replay ---------------------------
def _run_twice(cf, *args):
    """The recording call, then a replay; both results."""
    return cf(*args), cf(*args)


def test_value_computed_from_a_closed_over_array_sees_in_place_writes():
    k = np.array(onp.array([0.5, -1.0, 2.0], onp.float32))
    cf = autograd.compile(lambda w: (w * np.exp(k)).sum())
    w = marked([1.0, 2.0, 3.0])
    _run_twice(cf, w)
    assert cf.compiled, cf.fallback_reason
    for new in ([1.0, 0.0, -2.0], [3.0, 3.0, 0.25]):
        k[...] = np.array(new)
        v = cf(w)
        assert cf.compiled, cf.fallback_reason
        e = onp.exp(onp.array(new))
        assert_close(v.asnumpy(), (onp.array([1.0, 2.0, 3.0]) * e).sum(), rtol=1e-5)
        assert_close(w.grad.asnumpy(), e, rtol=1e-5)


def test_augmented_assignment_to_a_closed_over_array_is_seen():
    k = np.array(onp.array([0.5, -1.0], onp.float32))
    cf = autograd.compile(lambda w: (w * np.exp(k)).sum())
    w = marked([1.0, 2.0])
    _run_twice(cf, w)
    k += 1
    v = cf(w)
    e = onp.exp(onp.array([1.5, 0.0]))
    assert_close(v.asnumpy(), (onp.array([1.0, 2.0]) * e).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), e, rtol=1e-5)


def test_mask_of_a_closed_over_array_is_recomputed():
    k = np.array(onp.array([1.0, 3.0, 5.0], onp.float32))
    cf = autograd.compile(lambda w: np.where(k > 2, w, -w * w).sum())
    wd = onp.array([1.0, 2.0, 3.0])
    w = marked(wd)
    _run_twice(cf, w)
    assert cf.compiled, cf.fallback_reason
    k[...] = np.array([3.0, 1.0, 1.0])
    v = cf(w)
    mask = onp.array([True, False, False])
    assert_close(v.asnumpy(), onp.where(mask, wd, -wd * wd).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), onp.where(mask, 1.0, -2 * wd), rtol=1e-5)


def test_reduction_of_a_closed_over_array_is_recomputed():
    k = np.array(onp.array([1.0, 2.0], onp.float32))
    cf = autograd.compile(lambda w: (w * k.sum() + w * w).sum())
    wd = onp.array([0.5, -1.5, 2.0])
    w = marked(wd)
    _run_twice(cf, w)
    assert cf.compiled, cf.fallback_reason
    k[...] = np.array([-4.0, 0.5])
    v = cf(w)
    assert_close(v.asnumpy(), (wd * -3.5 + wd * wd).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), -3.5 + 2 * wd, rtol=1e-5)


@pytest.mark.parametrize('view', ['copy', 'cast', 'reshape'])
def test_copy_or_same_shape_reshape_of_a_closed_over_array_is_recomputed(view):
    k = np.array(onp.array([1.0, 2.0], onp.float32))
    get = {'copy': lambda: np.array(k), 'cast': lambda: np.array(k, dtype='float64'),
           'reshape': lambda: k.reshape(2)}[view]
    cf = autograd.compile(lambda w: (w * np.exp(get())).sum())
    wd = onp.array([0.5, -1.5])
    w = marked(wd)
    _run_twice(cf, w)
    assert cf.compiled, cf.fallback_reason
    k[...] = np.array([-1.0, 0.5])
    v = cf(w)
    assert cf.compiled
    e = onp.exp([-1.0, 0.5])
    assert_close(v.asnumpy(), (wd * e).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), e, rtol=1e-5)


def test_branch_on_a_closed_over_array_is_a_guard():
    k = np.array(onp.array([1.0, 2.0], onp.float32))

    def f(w):
        if bool(k.sum() > 0):
            return (w * 3).sum()
        return (w * w).sum()
    cf = autograd.compile(f)
    wd = onp.array([0.5, -1.5])
    w = marked(wd)
    _run_twice(cf, w)
    assert cf.compiled, cf.fallback_reason
    k[...] = np.array([-1.0, -2.0])
    for _ in range(2):               # the other path: recorded, then replayed
        v = cf(w)
        assert_close(v.asnumpy(), (wd * wd).sum(), rtol=1e-5)
        assert_close(w.grad.asnumpy(), 2 * wd, rtol=1e-5)
    assert cf.compiled and cf.paths == 2, cf.fallback_reason
    k[...] = np.array([1.0, 1.0])
    v = cf(w)
    assert cf.compiled
    assert_close(v.asnumpy(), (wd * 3).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), onp.full(2, 3.0), rtol=1e-5)


def test_branch_on_a_closed_over_array_itself_is_a_guard():
    k = np.array(onp.array([1.0], onp.float32))
    cf = autograd.compile(lambda w: (w * 3).sum() if bool(k) else (w * w).sum())
    wd = onp.array([0.5, -1.5])
    w = marked(wd)
    _run_twice(cf, w)
    k[...] = 0
    v = cf(w)
    assert_close(v.asnumpy(), (wd * wd).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), 2 * wd, rtol=1e-5)


def test_reading_a_closed_over_array_into_python_runs_eagerly_and_says_why():
    k = np.array(onp.array([1.0, 2.0], onp.float32))
    cf = autograd.compile(lambda w: (w * float(k.sum())).sum())
    wd = onp.array([0.5, -1.5])
    w = marked(wd)
    _run_twice(cf, w)
    assert not cf.compiled and 'read array values into Python' in cf.fallback_reason
    k[...] = np.array([5.0, 5.0])
    v = cf(w)
    assert_close(v.asnumpy(), (wd * 10).sum(), rtol=1e-5)
    assert_close(w.grad.asnumpy(), onp.full(2, 10.0), rtol=1e-5)


def test_full_of_a_closed_over_value_runs_eagerly():
    k = np.array(onp.float32(2.0))
    cf = autograd.compile(lambda w: (w * np.full((2,), k)).sum())
    w = marked([0.5, -1.5])
    _run_twice(cf, w)
    assert not cf.compiled and 'full' in cf.fallback_reason
    k[...] = 3
    v = cf(w)
    assert_close(v.asnumpy(), 3 * (0.5 - 1.5), rtol=1e-6)
    assert_close(w.grad.asnumpy(), [3.0, 3.0], rtol=1e-6)


def test_closed_over_array_of_another_shape_is_recorded_again():
    # (the library never changes an array's shape in place; simulate a buffer swap)
    k = np.array(onp.array([1.0, 2.0], onp.float32))
    cf = autograd.compile(lambda w: (w * k).sum())
    w = marked([0.5, -1.5])
    _run_twice(cf, w)
    assert cf.compiled
    k._data = onp.array([[3.0]], onp.float32)       # broadcasts against w: (1, 2)
    v = cf(w)
    assert_close(v.asnumpy(), 3.0 * (0.5 - 1.5), rtol=1e-5)
    assert_close(w.grad.asnumpy(), onp.full(2, 3.0), rtol=1e-5)


def test_value_computed_under_pause_is_recomputed_without_a_gradient():
    def f(x):
        with autograd.pause():
            m = x * 2                        # off the tape: a constant for the backward
        return (x * m).sum()
    cf = autograd.compile(f)
    for d in ([1.0, 2.0], [1.0, 2.0], [3.0, 5.0]):
        x = marked(d)
        v = cf(x)
        xd = onp.array(d)
        assert_close(v.asnumpy(), (2 * xd * xd).sum(), rtol=1e-6)
        assert_close(x.grad.asnumpy(), 2 * xd, rtol=1e-6)     # d/dx (x * m), m fixed
    assert cf.compiled, cf.fallback_reason


def test_in_place_write_inside_the_function_runs_eagerly_and_says_why():
    # eager mode increments k on every call; a replay of the recorded loop would not
    k = np.array(onp.zeros(2, onp.float32))

    def f(w):
        k[...] = k + 1
        return (w * k).sum()
    cf = autograd.compile(f)
    wd = onp.array([0.5, -1.5])
    w = marked(wd)
    for n in range(1, 4):
        v = cf(w)
        assert_close(v.asnumpy(), n * wd.sum(), rtol=1e-6)
        assert_close(w.grad.asnumpy(), onp.full(2, float(n)), rtol=1e-6)
    assert not cf.compiled and 'in-place write' in cf.fallback_reason


# ---- 6: a leaf the replayed path does not reach keeps its gradient --------------------------
def _branchy(x, w):
    return (x * 2 if bool(np.sum(w) > 0) else x * w).sum()


@pytest.mark.parametrize('req', ['write', 'add'])
def test_leaf_the_path_does_not_reach_keeps_its_gradient(req):
    signs = (1, -1, 1, -1, 1)

    def run(call):
        x = marked([1.0, 2.0], grad_req=req)
        w = marked([1.0, 1.0], grad_req=req)
        seen = []
        for s in signs:
            w[...] = s
            call(x, w)
            seen.append((x.grad.asnumpy().copy(), w.grad.asnumpy().copy()))
        return seen

    def eager(x, w):
        with autograd.record():
            y = _branchy(x, w)
        y.backward()

    want = run(eager)
    cf = autograd.compile(_branchy)
    got = run(cf)
    assert cf.compiled and cf.paths == 2, cf.fallback_reason
    for k, ((gx, gw), (ex, ew)) in enumerate(zip(got, want)):
        assert_close(gx, ex, what=f"x.grad after call {k}")
        assert_close(gw, ew, what=f"w.grad after call {k}")
    if req == 'write':               # (what the eager run gives, written out)
        assert want[2][1].tolist() == [1.0, 2.0]


def test_leaf_reached_with_no_gradient_flowing_gets_zeros_as_eager_mode():
    # w is on the path (sign's node is recorded), its gradient is zero: 'write' writes zeros
    f = lambda x, w: (x * np.sign(w)).sum()
    cf = autograd.compile(f)
    x, w = marked([1.0, 2.0]), marked([3.0, -4.0])
    for _ in range(3):
        w.grad[:] = 7.0
        cf(x, w)
        assert (w.grad.asnumpy() == 0).all()
    assert cf.compiled, cf.fallback_reason


# ---- 12: an unusable cache folder ----------------------------------------------------------
_CACHE_CHILD = r"""
import json, warnings
import numpy as onp
warnings.simplefilter('always')
with warnings.catch_warnings(record=True) as caught:
    from autodiff import np, autograd
    f = autograd.compile(lambda b: (np.tanh(b * 0.5 + 0.1) * b).sum())
    g = autograd.compile(lambda b: (b * b * 3.0).sum())
    b = np.array(onp.linspace(-2, 2, 12).astype(onp.float32).reshape(3, 4))
    b.attach_grad()
    f(b)
    v = f(b)
    gb = b.grad.asnumpy().tolist()
    g(b)
    g(b)
msgs = [str(w.message) for w in caught if 'compile cache' in str(w.message)]
print(json.dumps({"compiled": f.compiled and g.compiled, "path": f.source_path,
                  "loss": float(v.asnumpy()), "grad": gb, "warnings": msgs}))
"""


def _cache_child(tmp_path, **env_changes):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop('AUTODIFF_COMPILE_DIR', None)
    env.update(env_changes)
    out = subprocess.run([sys.executable, '-c', _CACHE_CHILD], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('where', ['home', 'file'])
def test_unusable_cache_folder_warns_once_and_compiles_in_memory(tmp_path, where):
    if where == 'home':
        r = _cache_child(tmp_path, HOME='/proc/nohome')
    else:
        blocker = tmp_path / 'not_a_folder'
        blocker.write_text('a file')
        r = _cache_child(tmp_path, AUTODIFF_COMPILE_DIR=str(blocker))
    assert r["compiled"] and r["path"] is None
    assert len(r["warnings"]) == 1 and 'in memory' in r["warnings"][0], r["warnings"]
    b = onp.linspace(-2, 2, 12).astype(onp.float64).reshape(3, 4)
    t = onp.tanh(b * 0.5 + 0.1)
    onp.testing.assert_allclose(r["loss"], (t * b).sum(), rtol=1e-5)
    onp.testing.assert_allclose(r["grad"], t + b * 0.5 * (1 - t * t), rtol=1e-5, atol=1e-6)


# ---- 15: keyword arguments ------------------------------------------------------------------
def _kw(x, w, scale=None):
    y = x * w
    if scale is not None:
        y = y * scale
    return (y * y).sum()


def test_keyword_arguments_are_inputs_of_the_signature():
    rng = onp.random.default_rng(12)
    xd, wd, sd = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (3, 4)), rng.uniform(1, 2, 4)
    cf = autograd.compile(_kw)
    x, w = marked(xd), marked(wd)
    for call in range(3):
        v = cf(x, w=w)
        assert_close(v.asnumpy(), ((xd * wd) ** 2).sum(), rtol=1e-5)
        assert_close(x.grad.asnumpy(), 2 * xd * wd * wd, rtol=1e-5)
        assert_close(w.grad.asnumpy(), 2 * xd * xd * wd, rtol=1e-5)
    assert cf.compiled, cf.fallback_reason
    cf(x, w)                                   # the same signature, passed by position
    assert cf.compiled and cf.signatures == 1
    s = np.array(sd)                           # not marked: an input read on every call
    for _ in range(2):
        cf(x, w, scale=s)
    assert cf.compiled and cf.signatures == 2, cf.fallback_reason
    s[...] = np.array(sd * 2)
    v = cf(x, scale=s, w=w)
    assert_close(v.asnumpy(), ((xd * wd * sd * 2) ** 2).sum(), rtol=1e-5)
    assert_close(x.grad.asnumpy(), 2 * xd * (wd * sd * 2) ** 2, rtol=1e-5)
    assert cf.compiled and cf.signatures == 2


def test_keyword_only_and_var_keyword_arguments():
    def f(x, *, w, **more):
        y = (x * w).sum()
        for name in sorted(more):
            y = y + (more[name] * x).sum()
        return y
    cf = autograd.compile(f)
    x, w, a = marked([1.0, 2.0]), marked([3.0, 4.0]), marked([5.0, 6.0])
    for _ in range(2):
        v = cf(x, w=w, a=a)
    assert cf.compiled, cf.fallback_reason
    assert_close(v.asnumpy(), 11.0 + 17.0, rtol=1e-6)
    assert_close(x.grad.asnumpy(), [8.0, 10.0], rtol=1e-6)
    assert_close(a.grad.asnumpy(), [1.0, 2.0], rtol=1e-6)


def test_a_keyword_the_function_does_not_take_is_a_clear_error():
    cf = autograd.compile(_kw)
    x, w = marked([1.0]), marked([2.0])
    with pytest.raises(TypeError, match=r"_kw.*unexpected keyword argument 'bias'"):
        cf(x, w, bias=w)
    with pytest.raises(TypeError, match=r"_kw.*missing.*argument.*'w'"):
        cf(x)


def test_a_keyword_value_that_is_not_an_array_runs_eagerly_and_names_it():
    cf = autograd.compile(_kw)
    x, w = marked([1.0, 2.0]), marked([3.0, 4.0])
    v = cf(x, w=w, scale=2.0)
    assert not cf.compiled and "'scale'" in cf.fallback_reason
    assert_close(v.asnumpy(), ((onp.array([3.0, 8.0]) * 2) ** 2).sum(), rtol=1e-6)
    xd, wd = onp.array([1.0, 2.0]), onp.array([3.0, 4.0])
    assert_close(x.grad.asnumpy(), 8 * xd * wd * wd, rtol=1e-6)      # d/dx sum((2xw)^2)
    cf(x, w, 2.0)                               # by position: named all the same
    assert not cf.compiled and "argument 'scale' is a float" in cf.fallback_reason
