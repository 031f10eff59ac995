"""Ops outside the compiler's table run as opaque steps inside a compiled program.

Each case is compiled, called once to record it, then replayed on NEW values of the same
shapes: the replay must run compiled, and its value and every input's gradient must equal
eager mode's on those values (float32 rounding).  The mixed network is also checked in
float64 against central differences, and its fused loops around the opaque steps must still
be fused loops.  ``dropout`` draws its mask afresh on every replay (``np.random.seed`` before
each call makes the replay and eager mode draw the same one), and so do ``np.random``'s
reparameterised draws with array parameters; ``batch_norm`` in training
mode writes its running statistics (arguments here) as eager mode does.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.ops import special
from .helpers import marked, assert_close, central_grad
from .test_op_table import OPAQUE_OPS


def _conv_net(x, w, b, gam, bet):
    h = npx.convolution(x, w, b, kernel=(3, 3), num_filter=4, pad=(1, 1))
    h = np.tanh(h * 0.5 + 1.0)
    h = npx.pooling(h, kernel=(2, 2), stride=(2, 2), pool_type='max')
    h = npx.layer_norm(h, gam, bet, axis=-1)
    h = npx.leaky_relu(h, act_type='gelu')
    return (np.exp(-h * h) * 2.0 + h).sum()


_NET_SHAPES = [(2, 3, 6, 6), (4, 3, 3, 3), (4,), (3,), (3,)]

# (id, ops covered, fn, input shapes, generator of positive data?)
CASES = [
    ('conv-pool-layernorm-gelu', {'convolution', 'pooling', 'layer_norm', 'gelu'}, _conv_net,
     _NET_SHAPES, False),
    # a relu read only by a max pooling, and a convolution read only by that relu: fused
    # into one step (compile/window_fusion.py)
    ('relu-maxpool', {'relu_pooling'},
     lambda x, w: (npx.pooling(npx.relu(x * w), kernel=(2, 2), stride=(2, 2),
                               pool_type='max') ** 2).sum(), [(2, 3, 4, 4), (4,)], False),
    ('conv-relu-maxpool', {'conv_relu_pooling'},
     lambda x, w, b: (npx.pooling(npx.relu(npx.convolution(x, w, b, kernel=(3, 3),
                                                           num_filter=4)),
                                  kernel=(2, 2), stride=(2, 2), pool_type='max') ** 2).sum(),
     [(2, 3, 6, 6), (4, 3, 3, 3), (4,)], False),
    ('deconv-avgpool', {'deconvolution', 'pooling'},
     lambda x, w: (npx.pooling(np.sin(npx.deconvolution(x, w, None, kernel=(2, 2),
                                                        num_filter=2, no_bias=True)),
                               kernel=(2, 2), pool_type='avg') ** 2).sum(),
     [(1, 3, 4, 4), (3, 2, 2, 2)], False),
    ('instance-group-norm', {'instance_norm', 'group_norm'},
     lambda x, g1, b1, g2, b2: (npx.instance_norm(x * 2.0, g1, b1)
                                * npx.group_norm(x, g2, b2, num_groups=2)).sum(),
     [(2, 4, 5), (4,), (4,), (2,), (2,)], False),
    ('activations', {'softrelu', 'softsign', 'leaky_relu', 'elu', 'selu', 'smooth_l1'},
     lambda x, y: (npx.activation(x, 'softrelu') * y + npx.activation(x * y, 'softsign')
                   + npx.leaky_relu(x, slope=0.2) + npx.leaky_relu(x, act_type='elu')
                   + npx.leaky_relu(x, act_type='selu') + npx.smooth_l1(x * 3.0, 1.0)).sum(),
     [(3, 5), (5,)], False),
    ('batchnorm-training-dropout', {'batch_norm', 'dropout'},
     lambda x, g, b, mm, mv: (npx.dropout(npx.batch_norm(x, g, b, mm, mv, fix_gamma=False),
                                          p=0.3) ** 2).sum(),
     [(4, 3, 2), (3,), (3,), (3,), (3,)], False),
    ('special', {'erf', 'erfinv', 'gamma', 'gammaln', 'digamma', 'polygamma'},
     lambda x, y: (npx.erf(x - 1.0) * y + npx.erfinv(y * 0.5) + npx.gamma(x) * 0.1
                   + npx.gammaln(x) + special.digamma(x + y) + special.polygamma(1, x)).sum(),
     [(4, 3), (3,)], True),
    # (the tokens are computed from a marked input: each replay picks other rows)
    ('embedding', {'embedding'},
     lambda t, w: (np.tanh(npx.embedding(t * 3.0, w, input_dim=5, output_dim=3)) * w[0]).sum(),
     [(2, 4), (5, 3)], True),
    ('random-draws', {'random_' + d for d in ('normal', 'gumbel', 'logistic', 'lognormal',
                                              'uniform', 'exponential', 'rayleigh', 'weibull',
                                              'power', 'pareto', 'gamma',
                                              'multivariate_normal')},
     lambda loc, scale, a: (np.random.normal(loc, scale) * a
                            + np.random.gumbel(loc, scale) + np.random.logistic(loc, scale)
                            + np.random.lognormal(loc * 0.5, scale * 0.5)
                            + np.random.uniform(loc, loc + scale) + np.random.exponential(a)
                            + np.random.rayleigh(scale) + np.random.weibull(a + 1.0)
                            + np.random.power(a) + np.random.pareto(a + 1.0)
                            + np.random.gamma(a + 1.0, scale)
                            + np.random.multivariate_normal(scale, onp.eye(4) * 0.5)).sum(),
     [(3, 4), (4,), (3, 4)], True),
]


def test_the_cases_cover_every_opaque_op():
    covered = set().union(*(c[1] for c in CASES))
    assert covered == OPAQUE_OPS


def _data(rng, shapes, positive):
    return [rng.uniform(0.3, 1.5, s) if positive else rng.uniform(-1, 1, s) for s in shapes]


def _run(fn, datas, dtype, compiled):
    xs = [marked(d, dtype) for d in datas]
    np.random.seed(7)                     # (dropout: the same mask in both modes)
    if compiled:
        v = fn(*xs)
    else:
        with autograd.record():
            v = fn(*xs)
        v.backward()
    return v.asnumpy(), [x.grad.asnumpy() for x in xs]


@pytest.mark.parametrize('cid, covers, fn, shapes, positive', CASES, ids=[c[0] for c in CASES])
def test_opaque_ops_replay_with_eager_values_and_gradients(cid, covers, fn, shapes, positive):
    rng = onp.random.default_rng(5)
    cf = autograd.compile(fn)
    _run(cf, _data(rng, shapes, positive), 'float32', True)          # records
    datas = _data(rng, shapes, positive)
    v, g = _run(cf, datas, 'float32', True)                          # replays
    assert cf.compiled, cf.fallback_reason
    kinds = [st.kind for st in cf.program.steps]
    assert 'opaque' in kinds and 'opaque_grad' in kinds
    ev, eg = _run(fn, datas, 'float32', False)
    assert_close(v, ev, what='value')
    for k, (a, b) in enumerate(zip(g, eg)):
        assert_close(a, b, what=f'gradient {k}')


def test_mixed_network_gradients_match_central_differences_in_float64():
    rng = onp.random.default_rng(9)
    cf = autograd.compile(_conv_net)
    _run(cf, _data(rng, _NET_SHAPES, False), 'float64', True)
    datas = _data(rng, _NET_SHAPES, False)
    v, grads = _run(cf, datas, 'float64', True)
    assert cf.compiled, cf.fallback_reason

    def f64(*ds):
        with autograd.pause():
            return float(_conv_net(*[np.array(d) for d in ds]).asnumpy())
    assert abs(float(v) - f64(*datas)) <= 1e-9 * max(1.0, abs(f64(*datas)))
    for k in (1, 2, 3, 4):             # (the weights, bias and the layer norm's parameters)
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(grads[k], central_grad(partial, datas[k]), rtol=1e-6, what=f'grad {k}')


def test_fused_loops_around_opaque_steps_stay_fused():
    rng = onp.random.default_rng(1)
    cf = autograd.compile(_conv_net)
    for _ in range(2):
        _run(cf, _data(rng, _NET_SHAPES, False), 'float32', True)
    assert cf.compiled, cf.fallback_reason
    G = cf.graph()
    ops = {n: d.get('op') for n, d in G.nodes(data=True)}
    steps = {ops[n]: d.get('compiled_step') for n, d in G.nodes(data=True) if ops[n]}
    for name in ('convolution', 'pooling', 'layer_norm', 'gelu'):
        assert steps[name] == 'opaque', (name, steps)
    groups = [sorted(ops[n] for n in grp) for grp in G.graph['fused_groups']]
    # (conv -> *0.5, +1, tanh) is one loop, (exp(-h*h)*2 + h, sum) another
    assert ['add', 'multiply', 'tanh'] in groups, groups
    assert any({'exp', 'sum', 'negative'} <= set(grp) for grp in groups), groups
    # the backward of each elementwise chain is fused with it (no loop per op)
    loops = [st for st in cf.program.steps if st.kind == 'group']
    assert len(loops) <= 4, [len(st.members) for st in loops]


def _bn_eval(x, g, b):
    return (npx.batch_norm(x, g, b, np.zeros(3), np.ones(3), fix_gamma=False) * 2.0).sum()


def test_batch_norm_in_inference_mode_compiles_inside_record():
    """Inside record(train_mode=False) batch_norm reads its running statistics (inputs of
    its node): the differentiable compiled call replays with eager gradients."""
    rng = onp.random.default_rng(4)
    cf = autograd.compile(_bn_eval)
    datas = [rng.uniform(-1, 1, s) for s in [(4, 3), (3,), (3,)]]
    for _ in range(2):
        xs = [marked(d) for d in datas]
        with autograd.record(train_mode=False):
            y = cf(*xs)
        y.backward()
    assert cf.compiled, cf.fallback_reason
    xe = [marked(d) for d in datas]
    with autograd.record(train_mode=False):
        ye = _bn_eval(*xe)
    ye.backward()
    assert_close(y.asnumpy(), ye.asnumpy(), what='value')
    for a, b in zip(xs, xe):
        assert_close(a.grad.asnumpy(), b.grad.asnumpy())


def test_embedding_with_integer_tokens_compiles_and_reads_the_tokens_on_every_call():
    """Integer token arrays are inputs of the opaque embedding step (the generated loops
    never read them): the replay equals eager mode, and rewriting the closed-over tokens
    in place is seen by the next call."""
    tokens = np.array(onp.array([0, 2, 2]))

    def fn(w, y):
        return (npx.embedding(tokens, w, input_dim=3, output_dim=4) * y).sum()
    rng = onp.random.default_rng(2)
    cf = autograd.compile(fn)
    datas = [rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4,))]
    for row in (2, 1):
        tokens[2] = row
        for _ in range(2):
            v, g = _run(cf, datas, 'float32', True)
        assert cf.compiled, cf.fallback_reason
        ev, eg = _run(fn, datas, 'float32', False)
        assert_close(v, ev, what='value')
        for a, b in zip(g, eg):
            assert_close(a, b)


def test_an_integer_array_read_by_a_compiled_loop_falls_back_and_says_so():
    counts = np.array(onp.array([1, 2, 3]))
    cf = autograd.compile(lambda x: (x * counts).sum())
    for _ in range(2):
        v, g = _run(cf, [onp.ones(3)], 'float32', True)
    assert not cf.compiled and 'read by a compiled loop' in cf.fallback_reason
    assert_close(g[0], onp.array([1.0, 2.0, 3.0]))