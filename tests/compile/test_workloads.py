"""autograd.compile on the benchmark workloads W1, W2 and W3: compiled, and equal to eager mode."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from .helpers import marked, eager, compiled_run, assert_close


def chain(x):
    y = x
    for _ in range(100):
        y = y * 1.01 + 0.1
    return y.sum()


def w2(b):
    return (np.tanh(b * 0.5 + 0.1) * b).sum()


def test_w1_chain_is_fused_and_matches_eager_and_float64():
    data = onp.random.default_rng(1).uniform(-1, 1, (2, 3))
    cf = autograd.compile(chain)
    first = compiled_run(cf, data)           # the recording call (eager inside)
    assert cf.compiled, cf.fallback_reason
    assert cf.fallback_reason is None
    second = compiled_run(cf, data)          # the fused kernel
    ev, (eg,) = eager(chain, data)
    for v, (g,) in (first, second):
        assert_close(v, ev, what='loss')
        assert_close(g, eg, what='grad')
    # independent float64 values: y_100 = 1.01^100 x + 0.1 * sum_k 1.01^k
    y = data.astype(onp.float64)
    for _ in range(100):
        y = y * 1.01 + 0.1
    assert_close(second[0], y.sum(), rtol=1e-5)
    assert_close(second[1][0], onp.full((2, 3), 1.01 ** 100), rtol=1e-5)


@pytest.mark.parametrize('shape', [(7,), (600, 500)], ids=['small', '300k'])
def test_w2_expression_matches_eager_and_float64(shape):
    b = onp.random.default_rng(2).standard_normal(shape).astype(onp.float32)
    cf = autograd.compile(w2)
    compiled_run(cf, b)
    v, (g,) = compiled_run(cf, b)
    assert cf.compiled, cf.fallback_reason
    ev, (eg,) = eager(w2, b)
    assert_close(v, ev, rtol=1e-6, what='loss vs eager')
    assert_close(g, eg, rtol=1e-6, what='grad vs eager')
    b64 = b.astype(onp.float64)
    t = onp.tanh(b64 * 0.5 + 0.1)
    assert_close(v, (t * b64).sum(), rtol=1e-5, what='loss vs float64')
    assert_close(g, t + b64 * 0.5 * (1 - t * t), rtol=1e-5, what='grad vs float64')


def test_compiled_kernel_runs_on_new_values_of_the_same_shape():
    rng = onp.random.default_rng(3)
    cf = autograd.compile(w2)
    compiled_run(cf, rng.standard_normal((3, 4)))
    for _ in range(3):
        b = rng.standard_normal((3, 4))
        v, (g,) = compiled_run(cf, b)
        ev, (eg,) = eager(w2, b)
        assert cf.compiled
        assert_close(v, ev, what='loss')
        assert_close(g, eg, what='grad')


def mlp(x, w1, w2, onehot):
    logits = npx.relu(x @ w1) @ w2
    logp = npx.log_softmax(logits, axis=-1)
    return -np.sum(logp * onehot, axis=-1).mean()


def test_w3_mlp_step_compiles_to_blas_calls_and_loops_and_matches_float64():
    from benchmarks.workloads import w3_mlp
    rng = onp.random.default_rng(5)
    cf = autograd.compile(mlp)
    for _ in range(3):                     # record, then replay on new values
        data = {k: v for k, v in w3_mlp.make_data().items()}
        data['w1'] = (data['w1'] * rng.uniform(0.5, 1.5)).astype(onp.float32)
        x, onehot = np.array(data['x']), np.array(data['onehot'])
        w1, w2 = marked(data['w1']), marked(data['w2'])
        loss = cf(x, w1, w2, onehot)
        assert cf.compiled, cf.fallback_reason
        ref = w3_mlp.reference(data)
        assert_close(loss.asnumpy(), ref['loss'], rtol=1e-5, what='loss')
        assert_close(w1.grad.asnumpy(), ref['grad_w1'], rtol=1e-4, what='grad_w1')
        assert_close(w2.grad.asnumpy(), ref['grad_w2'], rtol=1e-4, what='grad_w2')
    kinds = [st.kind for st in cf.program.steps]
    # 2 forward; backward: h's adjoint, w2's and w1's gradients (x needs none)
    assert kinds.count('matmul') == 5
    assert 'group' in kinds


def test_memory_plan_shares_buffers_between_values_that_do_not_overlap():
    from benchmarks.workloads import w3_mlp
    data = w3_mlp.make_data()
    cf = autograd.compile(mlp)
    args = [np.array(data['x']), marked(data['w1']), marked(data['w2']), np.array(data['onehot'])]
    cf(*args)
    prog = cf.program
    # every stored intermediate has a buffer, allocated once; some share one
    assert 0 < prog.arena_bytes < prog.naive_bytes
    bufs = [a for a in prog.env0 if a is not None]
    before = [a.__array_interface__['data'][0] for a in bufs]
    cf(*args)
    assert [a.__array_interface__['data'][0] for a in prog.env0 if a is not None] == before


def test_big_loops_split_over_threads_combine_their_reductions():
    # big enough for the two-thread split (program.SPLIT_WORK): each thread's partial
    # sums, maxima and minima are combined, NaN-free data with ties in the maxima
    rng = onp.random.default_rng(8)
    shape = (1024, 600)
    data = onp.round(rng.uniform(-2, 2, shape) * 4) / 4

    def f(x):
        t = np.tanh(x * 0.7) * x
        return (np.max(t, axis=0).sum() + np.min(t, axis=1).sum() + t.sum() * 1e-3
                + np.max(t) * 2.0)
    cf = autograd.compile(f)
    compiled_run(cf, data)
    v, (g,) = compiled_run(cf, data[::-1].copy())
    assert cf.compiled, cf.fallback_reason
    from autodiff.ops.launch import THREADS
    loops = [st for st in cf.program.steps if st.kind == 'group']
    assert THREADS == 1 or any(st.split and st.sinks for st in loops)
    ev, (eg,) = eager(f, data[::-1].copy())
    assert_close(v, ev, rtol=1e-5, what='value')
    assert_close(g, eg, what='grad')
