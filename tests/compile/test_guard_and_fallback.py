"""The guard (re-recording), grad_req, inputs without marks, and the eager fallbacks."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError
from .helpers import marked, eager, compiled_run, assert_close
from helpers.seed_examples import My_First_Custom_Operation, seed_f


def expr(x):
    return (np.sin(x) * x + 1.5).sum()


def test_grad_req_add_accumulates_and_write_overwrites():
    data = onp.random.default_rng(0).uniform(-1, 1, (4, 3))
    _, (eg,) = eager(expr, data)
    cf = autograd.compile(expr)
    x = marked(data, grad_req='add')
    x.grad[:] = 2.0
    cf(x)                                  # the recording call
    cf(x)                                  # the fused kernel
    assert cf.compiled, cf.fallback_reason
    assert_close(x.grad.asnumpy(), 2.0 + 2 * eg)
    w = marked(data)                       # 'write': another signature, overwrites
    w.grad[:] = 7.0
    cf(w)
    cf(w)
    assert cf.compiled and cf.signatures == 2
    assert_close(w.grad.asnumpy(), eg)


def test_grad_req_null_input_is_left_alone():
    f = lambda x, y: (x * y + np.cos(y)).sum()
    rng = onp.random.default_rng(8)
    xd, yd = rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 4)
    cf = autograd.compile(f)
    for _ in range(2):
        x, y = marked(xd, grad_req='null'), marked(yd)
        cf(x, y)
        assert cf.compiled, cf.fallback_reason
        assert x.grad is None                  # 'null': no gradient buffer (MXNet 1.9.1)
        assert_close(y.grad.asnumpy(), xd - onp.sin(yd), rtol=1e-5)


def test_new_shape_or_dtype_records_again():
    cf = autograd.compile(expr)
    rng = onp.random.default_rng(1)
    for shape, dtype in [((2, 3), 'float32'), ((5,), 'float32'), ((2, 3), 'float64'),
                         ((2, 3), 'float32')]:
        data = rng.uniform(-1, 1, shape)
        for _ in range(2):
            v, (g,) = compiled_run(cf, data, dtype=dtype)
            assert cf.compiled, cf.fallback_reason
            ev, (eg,) = eager(expr, data, dtype=dtype)
            assert v.dtype == onp.dtype(dtype) and g.dtype == onp.dtype(dtype)
            assert v.shape == ev.shape == ()
            assert_close(v, ev)
            assert_close(g, eg)
    assert cf.signatures == 3              # the last signature was seen before


def test_unmarked_argument_is_an_input_not_a_constant():
    # c is not marked: the compiled program must read it on every call (it is not baked in)
    cf = autograd.compile(lambda x, c: (np.tanh(x * c) + c * 2).sum())
    rng = onp.random.default_rng(2)
    x = marked(rng.uniform(-1, 1, 6))
    for k in range(3):
        cd = rng.uniform(-2, 2, 6).astype(onp.float32)
        v = cf(x, np.array(cd))
        x64, c64 = x.asnumpy().astype(onp.float64), cd.astype(onp.float64)
        assert_close(v.asnumpy(), (onp.tanh(x64 * c64) + c64 * 2).sum(), rtol=1e-5)
        assert_close(x.grad.asnumpy(), c64 * (1 - onp.tanh(x64 * c64) ** 2), rtol=1e-5)
    assert cf.compiled, cf.fallback_reason


def test_closed_over_marked_array_gets_its_gradient():
    rng = onp.random.default_rng(3)
    w = marked(rng.uniform(-1, 1, 5))
    cf = autograd.compile(lambda x: (x * w).sum())
    x = marked(rng.uniform(-1, 1, 5))
    cf(x)
    cf(x)
    assert cf.compiled, cf.fallback_reason
    assert_close(w.grad.asnumpy(), x.asnumpy())
    assert_close(x.grad.asnumpy(), w.asnumpy())


def test_non_scalar_result_gets_a_head_gradient_of_ones():
    f = lambda x: np.tanh(x) * x - x / 3
    data = onp.random.default_rng(4).uniform(-2, 2, (3, 4))
    cf = autograd.compile(f)
    compiled_run(cf, data)
    v, (g,) = compiled_run(cf, data)
    assert cf.compiled, cf.fallback_reason
    t = onp.tanh(data)
    assert_close(v, t * data - data / 3, rtol=1e-5)
    assert_close(g, (1 - t * t) * data + t - 1 / 3, rtol=1e-5)


def test_mean_head():
    f = lambda x: np.exp(x * 0.5).mean()
    data = onp.random.default_rng(5).uniform(-1, 1, (4, 5))
    cf = autograd.compile(f)
    compiled_run(cf, data)
    v, (g,) = compiled_run(cf, data)
    assert cf.compiled, cf.fallback_reason
    assert_close(v, onp.exp(data * 0.5).mean(), rtol=1e-5)
    assert_close(g, 0.5 * onp.exp(data * 0.5) / data.size, rtol=1e-5)


@pytest.mark.parametrize('name, f, word', [
    ('prod', lambda x: np.prod(x * 2.0, axis=0).sum(), "'prod'"),
    ('custom', lambda x: My_First_Custom_Operation()(x, x * 2.0)[1].sum(), "custom Function"),
    ('array index', lambda x: x[np.array([0, 2, 0], dtype='int64')].sum(), "array index"),
])
def test_unsupported_op_falls_back_with_correct_gradients(name, f, word):
    data = onp.random.default_rng(6).uniform(-1, 1, (3, 3))
    cf = autograd.compile(f)
    for _ in range(2):
        v, (g,) = compiled_run(cf, data)
        assert not cf.compiled
        assert cf.fallback_reason.startswith('not compiled') and word in cf.fallback_reason, \
            cf.fallback_reason
        ev, (eg,) = eager(f, data)
        assert_close(v, ev)
        assert_close(g, eg)


def test_array_recorded_outside_the_function_is_not_replayed():
    x = marked(onp.array([0.5, -1.0, 2.0]))
    with autograd.record():
        h = x * 3.0                      # recorded before the compiled function runs
    cf = autograd.compile(lambda y: (y * h).sum())
    y = marked(onp.array([1.0, 2.0, 3.0]))
    cf(y)
    assert not cf.compiled and 'recorded outside the function' in cf.fallback_reason
    assert_close(x.grad.asnumpy(), [3.0, 6.0, 9.0])
    assert_close(y.grad.asnumpy(), [1.5, -3.0, 6.0])


def test_seed_control_flow_compiles_one_path_per_branch_and_loop_count():
    cf = autograd.compile(seed_f)
    rng = onp.random.default_rng(7)
    seen = set()
    for scale in (1.0, 0.001, -3.0, 1.0, 0.001, -3.0, 2.0):   # loop counts and branches
        a = marked(rng.uniform(0.1, 1, 2) * scale)
        c = cf(a)
        assert cf.compiled, cf.fallback_reason
        # eager mode on the same values
        a2 = marked(a.asnumpy())
        with autograd.record():
            c2 = seed_f(a2)
        c2.backward()
        assert_close(c.asnumpy(), c2.asnumpy(), rtol=1e-6)
        assert_close(a.grad.asnumpy(), a2.grad.asnumpy(), rtol=1e-6)
        # the seed page's check: b is linear in a, c picks one element of b
        an, cn = a.asnumpy(), float(c.asnumpy())
        picked = 0 if an.sum() >= 0 else 1
        assert a.grad.asnumpy()[1 - picked] == 0
        assert_close(a.grad.asnumpy()[picked], cn / an[picked], rtol=1e-5)
        seen.add((int(onp.log2(abs(cn / an[picked]))), picked))
    assert cf.paths == len(seen) and len(seen) >= 3       # one compiled path per (loop, branch)
    # the wrapped methods are restored after the recordings
    from autodiff.ndarray import ndarray
    assert ndarray.__bool__.__qualname__ == 'ndarray.__bool__'
    assert ndarray.__gt__.__qualname__ == 'ndarray.__gt__'


def test_a_failed_guard_leaves_gradients_alone_and_records_the_new_path():
    def f(x):
        if x.sum() > 0:
            return (x * 3.0).sum()
        return (x * x).sum()
    cf = autograd.compile(f)
    x = marked([1.0, 2.0], grad_req='add')
    cf(x)                                   # records the 'positive' path
    cf(x)
    assert cf.compiled and cf.paths == 1
    assert_close(x.grad.asnumpy(), [6.0, 6.0])
    y = marked([-1.0, -2.0], grad_req='add')
    y.grad[:] = 10.0
    cf(y)                  # the guard fails (nothing added), then recorded again, eagerly
    assert_close(y.grad.asnumpy(), [8.0, 6.0])      # 10 + 2y, added once
    cf(y)
    assert cf.compiled and cf.paths == 2
    assert_close(y.grad.asnumpy(), [6.0, 2.0])
    cf(x)                                   # the first path again, without recording
    assert cf.compiled and cf.paths == 2
    assert_close(x.grad.asnumpy(), [9.0, 9.0])


def test_too_many_paths_run_eagerly():
    from autodiff.compile.compiled import MAX_PATHS

    def f(x):
        y = x
        while y.sum() < 100:                # a loop count per input scale
            y = y * 2
        return y.sum()
    cf = autograd.compile(f)
    for k in range(MAX_PATHS + 2):
        x = marked([100.0 / 2 ** (k + 1)])
        v = cf(x)
        assert_close(x.grad.asnumpy(), [2.0 ** (k + 1)])
        assert_close(v.asnumpy(), 100.0)
    assert not cf.compiled and 'control-flow paths' in cf.fallback_reason


def test_a_mask_computed_from_the_input_is_recomputed_on_replay():
    # x > 0 is not recorded on the tape (comparisons have no gradient); a replay must not
    # reuse the recording call's mask
    cf = autograd.compile(lambda x: (x * (x > 0)).sum() + np.where(x < -1, x, 0.0).sum())
    for data in ([1.0, -2.0, 3.0], [-1.5, 2.0, -0.5], [0.5, 0.5, -3.0]):
        v, (g,) = compiled_run(cf, data)
        ev, (eg,) = eager(lambda x: (x * (x > 0)).sum() + np.where(x < -1, x, 0.0).sum(), data)
        assert cf.compiled or data[0] == 1.0, cf.fallback_reason
        assert_close(v, ev)
        assert_close(g, eg)


def test_detach_inside_the_function_stops_the_gradient():
    def f(x):
        u = (x * x).detach()
        return (u * x).sum()
    cf = autograd.compile(f)
    for data in ([1.0, 2.0], [3.0, -1.0]):
        v, (g,) = compiled_run(cf, data)
        assert_close(v, sum(d ** 3 for d in data))
        assert_close(g, [d * d for d in data])          # u is a constant: d/dx = u
    assert cf.compiled, cf.fallback_reason


def test_an_unknown_function_of_recorded_data_is_not_replayed():
    def f(x):
        i = np.argmax(x)                     # not recorded, data-dependent
        return (x * np.array(i, dtype='float32')).sum()
    cf = autograd.compile(f)
    for data in ([1.0, 5.0, 2.0], [9.0, 0.0, 1.0]):
        v, (g,) = compiled_run(cf, data)
        k = float(onp.argmax(data))
        assert_close(g, [k] * 3)
    assert not cf.compiled
    assert 'computed from the inputs' in cf.fallback_reason, cf.fallback_reason


def test_several_results_get_ones_as_head_gradients():
    def f(x, y):
        return (x * y).sum(), np.tanh(x) + y
    cf = autograd.compile(f)
    rng = onp.random.default_rng(9)
    for _ in range(2):
        xd, yd = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3,))
        x, y = marked(xd), marked(yd)
        s, t = cf(x, y)
        assert_close(s.asnumpy(), (xd * yd).sum())
        assert_close(t.asnumpy(), onp.tanh(xd) + yd)
        assert_close(x.grad.asnumpy(), yd + (1 - onp.tanh(xd) ** 2))
        assert_close(y.grad.asnumpy(), xd.sum(axis=0) + 2)
    assert cf.compiled, cf.fallback_reason


def test_value_read_through_numpy_is_control_flow_too():
    import numpy

    def f(x):
        if numpy.asarray(x).sum() > 0:       # NumPy reads the values (ndarray.__array__)
            return (x * 2.0).sum()
        return (x * -1.0).sum()
    cf = autograd.compile(f)
    for data, want in (([1.0, 2.0], 2.0), ([-1.0, -2.0], -1.0)):
        x = marked(data)
        cf(x)
        assert not cf.compiled and 'data-dependent' in cf.fallback_reason
        assert_close(x.grad.asnumpy(), [want, want])


def test_head_without_marked_input_raises_like_backward():
    cf = autograd.compile(expr)
    with pytest.raises(GraphError, match='no recorded history'):
        cf(np.array([1.0, 2.0]))


def test_compile_rejects_a_non_function():
    with pytest.raises(TypeError, match='expected a function'):
        autograd.compile(3)


def test_random_draws_inside_the_function_are_fresh_on_every_call():
    def noisy(x):
        return (x * np.random.uniform(size=x.shape)).sum()
    cf = autograd.compile(noisy)
    x = marked(onp.ones(5))
    for seed in (3, 4, 5):
        np.random.seed(seed)
        want = np.random.uniform(size=5).asnumpy()     # the draw this call makes
        np.random.seed(seed)
        cf(x)
        assert cf.compiled, cf.fallback_reason       # (an opaque step that draws)
        assert_close(x.grad.asnumpy(), want, rtol=1e-6)   # d/dx sum(x * u) = u, fresh each call
    import autodiff.random as r
    assert r.uniform.__name__ == 'uniform' and r.uniform.__module__ == 'autodiff.random'


def test_matmul_of_mixed_dtypes_promotes_as_eager_mode():
    rng = onp.random.default_rng(12)
    cf = autograd.compile(lambda a, b: np.tanh(a @ b).sum())
    for _ in range(2):
        ad, bd = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4, 2))
        a, b = marked(ad, 'float32'), marked(bd, 'float64')
        v = cf(a, b)
        a2, b2 = marked(ad, 'float32'), marked(bd, 'float64')
        with autograd.record():
            e = np.tanh(a2 @ b2).sum()
        e.backward()
        assert v.dtype == e.dtype == onp.float64
        assert_close(v.asnumpy(), e.asnumpy(), rtol=1e-9)
        assert a.grad.dtype == onp.float32 and b.grad.dtype == onp.float64
        assert_close(a.grad.asnumpy(), a2.grad.asnumpy(), rtol=1e-6)
        assert_close(b.grad.asnumpy(), b2.grad.asnumpy(), rtol=1e-9)
    assert cf.compiled, cf.fallback_reason


def test_a_gradient_that_is_zero_in_exact_arithmetic_still_compiles():
    """softmax rows sum to 1, so the gradient is 0 up to rounding; the build-time check against
    eager mode must not take the two rounding residues for a disagreement."""
    from autodiff import npx
    data = onp.random.default_rng(0).uniform(-2, 2, (3, 4))
    fn = lambda a: npx.softmax(a).sum(axis=-1)          # noqa: E731
    cf = autograd.compile(fn)
    compiled_run(cf, data)
    value, (grad,) = compiled_run(cf, data)
    assert cf.compiled, cf.fallback_reason
    assert_close(value, onp.ones(3), rtol=1e-6)
    assert onp.abs(grad).max() < 1e-5                   # zero up to float32 rounding


def test_a_non_differentiable_result_runs_eagerly_with_zero_gradients():
    """As eager mode (issue 12 item 10): backward through argmax gives zero gradients."""
    x = marked([[1.0, 3.0], [2.0, 0.5]])
    x.grad[:] = 5
    cf = autograd.compile(lambda a: np.argmax(a, axis=1))
    first = cf(x)
    assert first.asnumpy().tolist() == [1, 0]
    assert (x.grad.asnumpy() == 0).all()                 # 'write' wrote zeros, as eager mode
    x.grad[:] = 5
    cf(x)
    assert not cf.compiled and 'not differentiable' in cf.fallback_reason
    assert (x.grad.asnumpy() == 0).all()
