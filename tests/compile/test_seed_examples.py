"""The seed page's examples (tests/data/seed_autograd_page.md) compiled, against eager mode.

Each cell's computation is written as a function of its arrays and compiled; the first
call records, later calls replay on new values and must give what eager mode gives on the
same values (value and every gradient).  The page's expected relations are checked too.
Cells that mark an intermediate inside the function (n=22) or use a custom Function
(n=23) run eagerly, with the reason, and still give eager's results.
"""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers.seed_examples import My_First_Custom_Operation, seed_f
from .helpers import marked, assert_close


def _eager(fn, arrays):
    xs = [marked(a.asnumpy()) for a in arrays]
    with autograd.record():
        y = fn(*xs)
    autograd.backward(list(y) if isinstance(y, tuple) else [y])
    ys = y if isinstance(y, tuple) else (y,)
    return [o.asnumpy() for o in ys], [x.grad.asnumpy() for x in xs]


def _check(fn, shapes, calls=3, expect_compiled=True, seed=0):
    cf = autograd.compile(fn)
    rng = onp.random.default_rng(seed)
    for _ in range(calls):
        xs = [marked(rng.uniform(-1, 1, s).astype(onp.float32)) for s in shapes]
        y = cf(*xs)
        ys = y if isinstance(y, tuple) else (y,)
        want, want_grads = _eager(fn, xs)
        for got, w in zip(ys, want):
            assert_close(got.asnumpy(), w)
        for x, w in zip(xs, want_grads):
            assert_close(x.grad.asnumpy(), w)
    assert cf.compiled == expect_compiled, cf.fallback_reason
    return cf, xs


def my_first_function(x):                      # cell n=11
    if autograd.is_recording() & (not autograd.is_training()):
        return 2 * x
    elif autograd.is_training():
        return 4 * x
    return x


def test_cells_4_and_7_two_x_squared():
    cf, (x,) = _check(lambda x: 2 * x * x, [(2, 2)])
    assert_close(x.grad.asnumpy(), 4 * x.asnumpy())
    cf, (x,) = _check(lambda x: np.sum(2 * x * x), [(2, 2)])
    assert_close(x.grad.asnumpy(), 4 * x.asnumpy())


def test_cell_12_training_branch_is_taken_while_recording():
    cf, (x,) = _check(my_first_function, [(2, 3)])
    assert_close(x.grad.asnumpy(), onp.full((2, 3), 4.0))


def test_cell_17_several_results_sum_their_gradients():
    cf, (x, y) = _check(lambda x, y: (2 * x, 2 * x * y, 2 * x + 2 * y), [(2, 3), (2, 3)])
    # the page's v, v1: the three gradients summed
    assert_close(x.grad.asnumpy(), 2 + 2 * y.asnumpy() + 2)
    assert_close(y.grad.asnumpy(), 2 * x.asnumpy() + 2)


@pytest.mark.parametrize('reduce', [None, 'sum', 'mean'], ids=['cell18', 'cell19', 'cell20'])
def test_cells_18_to_20_concatenate_of_expand_dims(reduce):
    def fn(x, y):
        z = 2 * x, 2 * x * y, 2 * x + 2 * y
        z = np.concatenate([np.expand_dims(zi, axis=0) for zi in z], axis=0)
        return z if reduce is None else getattr(np, reduce)(z, axis=0)
    cf, (x, y) = _check(fn, [(2, 3), (2, 3)])
    scale = 1 / 3 if reduce == 'mean' else 1.0
    assert_close(x.grad.asnumpy(), scale * (4 + 2 * y.asnumpy()))
    assert_close(y.grad.asnumpy(), scale * (2 * x.asnumpy() + 2))
    assert [st.kind for st in cf.program.steps].count('concat') == 1


def test_cell_22_attach_grad_inside_runs_eagerly():
    def fn(x):
        y = 3 * x
        y = y.detach()
        y.attach_grad()
        return 4 * y + 2 * x
    cf, (x,) = _check(fn, [(2, 3)], expect_compiled=False)
    assert 'marked intermediate' in cf.fallback_reason
    assert_close(x.grad.asnumpy(), onp.full((2, 3), 2.0))


def test_cell_23_custom_function_runs_eagerly():
    def fn(x, y):
        z1, z2, z3 = My_First_Custom_Operation()(x, y)
        return z1 + z2
    cf, (x, y) = _check(fn, [(2, 3), (2, 3)], expect_compiled=False)
    assert 'custom Function' in cf.fallback_reason
    assert_close(x.grad.asnumpy(), x.asnumpy())          # its backward returns the inputs
    assert_close(y.grad.asnumpy(), y.asnumpy())


def test_cell_24_control_flow_and_cell_27_relation():
    cf = autograd.compile(seed_f)
    rng = onp.random.default_rng(24)
    for _ in range(6):
        a = marked(rng.uniform(size=2).astype(onp.float32) * rng.choice([-1, 1], 2))
        c = cf(a)
        (want,), (want_grad,) = _eager(seed_f, [a])
        assert_close(c.asnumpy(), want)
        assert_close(a.grad.asnumpy(), want_grad)
        ratio = (c / a).asnumpy()
        hit = a.grad.asnumpy() == ratio                  # cell 27: a.grad == c / a
        assert hit.sum() == 1 and (a.grad.asnumpy()[~hit] == 0).all()
    assert cf.compiled, cf.fallback_reason
