"""The two other kinds of compiled call: forward-only (``compile(fn, backward=False)``) and a
differentiable call inside ``autograd.record()`` (one ``compiled:<fn>`` tape node).

References: eager mode on the same values (record + backward), and float64 central
differences for the gradients through the compiled node.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import GraphError
from .helpers import marked, assert_close, central_grad


def mlp(x, w1, b1, w2, b2):
    return npx.log_softmax(np.tanh(x @ w1 + b1) @ w2 + b2, axis=-1)


SHAPES = [(5, 4), (4, 6), (6,), (6, 3), (3,)]


def _data(seed, dtype='float32'):
    rng = onp.random.default_rng(seed)
    return [rng.uniform(-1, 1, s).astype(dtype) for s in SHAPES]


# ---- forward-only ------------------------------------------------------------------------
def test_forward_only_values_equal_eager_and_no_gradient_is_touched():
    cf = autograd.compile(mlp, backward=False)
    for seed in range(3):
        datas = _data(seed)
        xs = [marked(d) for d in datas]
        for x in xs:
            x.grad[:] = 7.0                         # must stay as it is
        y = cf(*xs)
        with autograd.pause():
            want = mlp(*[np.array(d) for d in datas]).asnumpy()
        assert_close(y.asnumpy(), want)
        assert y._node is None
        for x in xs:
            assert (x.grad.asnumpy() == 7.0).all()
        unmarked = cf(*[np.array(d) for d in datas])       # no mark needed
        assert_close(unmarked.asnumpy(), want)
    assert cf.compiled, cf.fallback_reason
    assert cf.program.mode == 'forward'
    assert not any(v.backward for v in cf.program.values)           # no backward steps
    G = cf.program_graph()
    assert not any(str(d.get('op', '')).startswith('bwd') for _, d in G.nodes(data=True))
    assert all('.grad' not in str(d.get('name', '')) for _, d in G.nodes(data=True))


def test_forward_only_guards_pick_the_branch():
    def f(x):
        if (x.sum() > 0):
            return np.exp(x) * 2.0
        return np.sin(x) - 1.0
    cf = autograd.compile(f, backward=False)
    rng = onp.random.default_rng(0)
    for sign in (1, -1, 1, -1, 1):
        d = onp.abs(rng.uniform(0.1, 1, (3, 4))) * sign
        got = cf(np.array(d)).asnumpy()
        want = onp.exp(d) * 2.0 if sign > 0 else onp.sin(d) - 1.0
        assert_close(got, want)
    assert cf.compiled and cf.paths == 2


def test_forward_only_inside_record_runs_eagerly_and_stays_differentiable():
    cf = autograd.compile(lambda a: np.tanh(a) * 3.0, backward=False)
    a = marked(onp.array([0.1, -0.4, 2.0]))
    with autograd.record():
        y = cf(a).sum()
    y.backward()
    assert 'record' in cf.fallback_reason
    assert_close(a.grad.asnumpy(), 3.0 * (1 - onp.tanh([0.1, -0.4, 2.0]) ** 2))


def test_compile_option_is_checked():
    with pytest.raises(TypeError, match='backward'):
        autograd.compile(mlp, backward='no')
    deco = autograd.compile(backward=False)
    assert deco(mlp).backward is False


# ---- a differentiable compiled call inside record() ---------------------------------------
def _eager_grads(datas, head):
    xs = [marked(d) for d in datas]
    with autograd.record():
        loss = head(mlp(*xs))
    loss.backward()
    return float(loss.asnumpy()), [x.grad.asnumpy() for x in xs]


def _head(y):
    return (y * y).sum() + y[:, 0].sum()


def test_compiled_call_inside_record_is_one_node_with_eager_gradients():
    cf = autograd.compile(mlp)
    for seed in range(4):
        datas = _data(seed)
        xs = [marked(d) for d in datas]
        with autograd.record():
            y = cf(*xs)
            loss = _head(y)                 # computed after the compiled call
        assert y._node.op.name == 'compiled:mlp'
        loss.backward()
        want_loss, want = _eager_grads(datas, _head)
        assert_close(float(loss.asnumpy()), want_loss)
        for k, (x, w) in enumerate(zip(xs, want)):
            assert_close(x.grad.asnumpy(), w, what=f'gradient {k}')
    assert cf.compiled, cf.fallback_reason
    assert cf.program.mode == 'return'


def test_compiled_node_gradients_match_central_differences():
    cf = autograd.compile(mlp)
    datas = _data(3, 'float64')
    for _ in range(2):
        xs = [marked(d, 'float64') for d in datas]
        with autograd.record():
            loss = _head(cf(*xs))
        loss.backward()
    assert cf.compiled, cf.fallback_reason

    def f64(*ds):
        y = mlp(*[np.array(d) for d in ds]).asnumpy()
        return float((y * y).sum() + y[:, 0].sum())
    for k in range(len(datas)):
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(xs[k].grad.asnumpy(), central_grad(partial, datas[k]), rtol=1e-6,
                     what=f'gradient {k}')


def test_inputs_with_history_and_closed_over_marked_arrays_get_gradients():
    w = marked(onp.array([[0.5, -1.0], [2.0, 0.3], [0.1, 0.2]]))

    def layer(h):
        return np.tanh(h @ w) * 2.0
    cf = autograd.compile(layer)
    xd = onp.array([[0.2, -0.3, 0.4], [1.0, 0.5, -0.5]])
    for _ in range(3):
        w.grad[:] = 0
        x = marked(xd)
        with autograd.record():
            h = x * 3.0                      # history before the compiled call
            y = cf(h)
            loss = (y ** 2).sum()
        loss.backward()
        gx, gw = x.grad.asnumpy().copy(), w.grad.asnumpy().copy()
    assert cf.compiled, cf.fallback_reason
    w2, x2 = marked(w.asnumpy()), marked(xd)
    with autograd.record():
        loss2 = ((np.tanh((x2 * 3.0) @ w2) * 2.0) ** 2).sum()
    loss2.backward()
    assert_close(gx, x2.grad.asnumpy())
    assert_close(gw, w2.grad.asnumpy())


def test_two_calls_before_one_backward_keep_their_own_inputs():
    cf = autograd.compile(lambda a, b: np.sin(a * b))
    rng = onp.random.default_rng(8)
    ad, bd, cd = (rng.uniform(-1, 1, (3, 4)) for _ in range(3))
    for _ in range(2):
        a, b, c = marked(ad), marked(bd), marked(cd)
        with autograd.record():
            loss = (cf(a, b) * cf(c, b)).sum()
        loss.backward()
    assert cf.compiled
    a2, b2, c2 = marked(ad), marked(bd), marked(cd)
    with autograd.record():
        loss2 = (np.sin(a2 * b2) * np.sin(c2 * b2)).sum()
    loss2.backward()
    for p, q in ((a, a2), (b, b2), (c, c2)):
        assert_close(p.grad.asnumpy(), q.grad.asnumpy())


def test_create_graph_through_a_compiled_node_is_a_clear_error():
    cf = autograd.compile(lambda a: np.tanh(a) * 2.0)
    for _ in range(2):
        a = marked(onp.array([0.3, -0.2]))
        with autograd.record():
            y = cf(a).sum()
        with pytest.raises(GraphError, match='create_graph=True through .compiled:'):
            autograd.grad(y, [a], create_graph=True)


def test_in_place_state_falls_back_inside_record_with_eager_gradients():
    """A BatchNorm-like function whose call writes state: eager, recorded, with a reason."""
    state = np.zeros(3)

    def f(x, w):
        state[...] = state * 0.9 + 0.1          # running state, written in place
        return np.tanh(x @ w) + state
    cf = autograd.compile(f)
    rng = onp.random.default_rng(6)
    xd, wd = rng.uniform(-1, 1, (2, 4)), rng.uniform(-1, 1, (4, 3))
    for k in range(2):
        x, w = marked(xd), marked(wd)
        with autograd.record():
            loss = (cf(x, w) ** 2).sum()
        loss.backward()
    assert not cf.compiled and 'in-place write' in cf.fallback_reason
    assert_close(state.asnumpy(), onp.full(3, 1 - 0.9 ** 2))      # written once per call
    x2, w2 = marked(xd), marked(wd)
    with autograd.record():
        loss2 = ((np.tanh(x2 @ w2) + state) ** 2).sum()
    loss2.backward()
    assert_close(w.grad.asnumpy(), w2.grad.asnumpy())
    assert_close(x.grad.asnumpy(), x2.grad.asnumpy())


def test_training_flag_is_part_of_the_signature():
    cf = autograd.compile(lambda a: np.tanh(a) * 2.0)
    for train in (True, False, True):
        a = marked(onp.array([0.3, -0.2]))
        with autograd.record(train_mode=train):
            y = cf(a).sum()
        y.backward()
        assert_close(a.grad.asnumpy(), 2 * (1 - onp.tanh([0.3, -0.2]) ** 2))
    assert cf.signatures == 2


def test_a_call_inside_record_runs_the_forward_once_and_backward_from_its_residuals(
        monkeypatch):
    from autodiff import npx
    from autodiff.compile import opaque
    calls = []
    gelu = opaque.FORWARDS['gelu']

    def counted(datas, attrs):
        calls.append(1)
        return gelu(datas, attrs)
    monkeypatch.setitem(opaque.FORWARDS, 'gelu', counted)

    def f(x, w):
        return npx.leaky_relu(x @ w, act_type='gelu') * 2.0
    cf = autograd.compile(f)
    rng = onp.random.default_rng(2)
    for k in range(4):
        xd, wd = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4, 2))
        x, w = marked(xd), marked(wd)
        if k == 2:
            calls.clear()
        with autograd.record():
            y = cf(x, w)
            loss = (y * y).sum()
        loss.backward()
        if k >= 2:
            assert len(calls) == k - 1          # one opaque forward per call, none in backward
            x2, w2 = marked(xd), marked(wd)
            with autograd.record():
                loss2 = (f(x2, w2) ** 2).sum()
            loss2.backward()
            assert_close(x.grad.asnumpy(), x2.grad.asnumpy())
            assert_close(w.grad.asnumpy(), w2.grad.asnumpy())
    prog = cf.program
    assert cf.compiled and prog.mode == 'return'
    # the backward half computes no forward value: no matmul of x @ w, no opaque forward
    assert prog.bcalls and len(prog.calls) + len(prog.bcalls) == len(prog.steps)
    backward = prog.steps[len(prog.calls):]
    assert all(st.kind != 'opaque' for st in backward)
    assert all(st.value.backward for st in backward if st.kind == 'matmul')
    assert prog.saved_bytes > 0
