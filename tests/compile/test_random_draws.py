"""``np.random``'s reparameterised draws with array parameters inside compiled programs.

``np.random.normal(loc, scale)`` with recorded ``loc``/``scale`` (a VAE's sampling step) is an
opaque random step, as dropout: every replay draws afresh from the seeded generator, and a
call's backward reads the noise its own forward drew.  Checked: the compiled run equals the
eager run under the same seed (values and gradients), consecutive replays draw different
noise, gradients equal central differences with the draw held fixed (the same seed on
every evaluation), a call inside ``record()`` keeps its noise even when the generator moves
on before its backward, and a hybridized Block samples like its eager self.  Draws whose
parameters have no history (numbers; ``beta`` and ``chisquare``, drawn through ``gamma``)
are opaque steps too, replayed in the recording's order; draws that are no op
(``randint``, ``choice``) still make the signature fall back.
"""
import numpy as onp

from autodiff import np, autograd, gluon
from .helpers import marked, assert_close, central_grad


def _vae_sample(mu, logvar, w):
    z = np.random.normal(mu, np.exp(logvar * 0.5), dtype=mu.dtype)
    u = np.random.uniform(mu * 0.0, np.exp(logvar), dtype=mu.dtype)
    return ((z * w) ** 2).sum() + (u * w).sum()


def _datas(rng, dtype='float32'):
    return [rng.uniform(-1, 1, (4, 3)).astype(dtype), rng.uniform(-1, 0, (3,)).astype(dtype),
            rng.uniform(-1, 1, (4, 3)).astype(dtype)]


def _eager(datas, seed, dtype='float32'):
    xs = [marked(d, dtype) for d in datas]
    np.random.seed(seed)
    with autograd.record():
        y = _vae_sample(*xs)
    y.backward()
    return float(y.asnumpy()), [x.grad.asnumpy() for x in xs]


def _compiled(cf, datas, seed, dtype='float32'):
    xs = [marked(d, dtype) for d in datas]
    np.random.seed(seed)
    y = cf(*xs)
    return float(y.asnumpy()), [x.grad.asnumpy() for x in xs]


def test_compiled_draws_equal_eager_draws_under_the_same_seed_and_differ_per_replay():
    rng = onp.random.default_rng(0)
    cf = autograd.compile(_vae_sample)
    _compiled(cf, _datas(rng), 1)                     # records
    datas = _datas(rng)
    values = []
    for seed in (2, 3):
        v, g = _compiled(cf, datas, seed)
        assert cf.compiled, cf.fallback_reason
        assert [st.kind for st in cf.program.steps].count('opaque') == 2
        ev, eg = _eager(datas, seed)
        assert_close(v, ev, what='value')
        for k, (a, b) in enumerate(zip(g, eg)):
            assert_close(a, b, what=f'gradient {k}')
        values.append(v)
    assert values[0] != values[1]                     # a fresh draw per replay
    xs = [marked(d) for d in datas]                   # without a seed: the stream moves on
    assert float(cf(*xs).asnumpy()) != float(cf(*xs).asnumpy())


def test_compiled_gradients_match_central_differences_with_the_draw_fixed():
    rng = onp.random.default_rng(1)
    cf = autograd.compile(_vae_sample)
    _compiled(cf, _datas(rng, 'float64'), 4, 'float64')
    datas = _datas(rng, 'float64')
    _, grads = _compiled(cf, datas, 5, 'float64')
    assert cf.compiled, cf.fallback_reason

    def f64(*ds):
        np.random.seed(5)                             # the same noise on every evaluation
        with autograd.pause():
            return float(_vae_sample(*[np.array(d) for d in ds]).asnumpy())
    for k in range(3):
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(grads[k], central_grad(partial, datas[k]), rtol=1e-6, what=f'grad {k}')


def test_call_inside_record_keeps_its_own_noise_for_the_backward():
    rng = onp.random.default_rng(2)
    cf = autograd.compile(_vae_sample)
    datas = _datas(rng)
    for seed in (6, 7):                               # records, then replays
        xs = [marked(d) for d in datas]
        np.random.seed(seed)
        with autograd.record():
            y = cf(*xs) * 2.0
        np.random.uniform(size=5)                     # the generator moves on before backward
        y.backward()
    assert cf.compiled, cf.fallback_reason
    ev, eg = _eager(datas, 7)
    assert_close(float(y.asnumpy()), 2.0 * ev, what='value')
    for k, (x, b) in enumerate(zip(xs, eg)):
        assert_close(x.grad.asnumpy(), 2.0 * b, what=f'gradient {k}')


class _Sampler(gluon.HybridBlock):
    """A VAE's reparameterised sampling head: z = mu + exp(logvar / 2) * eps."""

    def __init__(self):
        super().__init__()
        self.mu = gluon.nn.Dense(3, in_units=4)
        self.logvar = gluon.nn.Dense(3, in_units=4)

    def forward(self, x):
        return np.random.normal(self.mu(x), np.exp(self.logvar(x) * 0.5))


def _sampler_run(net, x, seed):
    np.random.seed(seed)
    with autograd.record():
        z = net(x)
        loss = (z ** 2).sum()
    loss.backward()
    return z.asnumpy(), {k: p.grad().asnumpy() for k, p in net.collect_params().items()}


def test_hybridized_sampler_draws_like_its_eager_self():
    x = np.array(onp.random.default_rng(3).uniform(-1, 1, (5, 4)).astype('float32'))
    net = _Sampler()
    net.initialize()
    want = _sampler_run(net, x, 8)
    net.hybridize()
    for _ in range(2):
        got = _sampler_run(net, x, 8)
    assert net.compiled_fallback_reason is None
    assert_close(got[0], want[0], what='draw')
    for k in want[1]:
        assert_close(got[1][k], want[1][k], what=k)


def _noise_mix(x, w):
    """Draws with number parameters, the second one used first (the replay must still draw
    them in the recording's order), and a d2l-style dropout mask from a uniform draw."""
    a = np.random.normal(0.0, 2.0, size=x.shape)
    b = np.random.beta(2.0, 3.0, size=x.shape)
    c = np.random.chisquare(3.0, size=x.shape)
    keep = np.random.uniform(0, 1, x.shape) > 0.3
    h = b * x * w + a + c * x
    return (h * keep / 0.7).sum()


def test_draws_without_history_compile_and_replay_as_eager_draws():
    rng = onp.random.default_rng(4)
    datas = [rng.uniform(-1, 1, (4, 3)).astype('float32') for _ in range(2)]
    cf = autograd.compile(_noise_mix)
    for seed in (10, 11, 12):                        # records, then replays
        xs = [marked(d) for d in datas]
        np.random.seed(seed)
        y = cf(*xs)
        got = float(y.asnumpy()), [x.grad.asnumpy() for x in xs]
        assert cf.compiled, cf.fallback_reason
        ex = [marked(d) for d in datas]
        np.random.seed(seed)
        with autograd.record():
            ey = _noise_mix(*ex)
        ey.backward()
        assert_close(got[0], float(ey.asnumpy()), what='value')
        for k, x in enumerate(ex):
            assert_close(got[1][k], x.grad.asnumpy(), what=f'gradient {k}')
    kinds = [st.kind for st in cf.program.steps]
    assert kinds.count('opaque') >= 4                 # normal, two gammas (beta), chisquare...
    xs = [marked(d) for d in datas]                   # without a seed: fresh draws per replay
    assert float(cf(*xs).asnumpy()) != float(cf(*xs).asnumpy())


def test_beta_and_chisquare_replays_have_their_distributions():
    x = marked(onp.ones(1))
    cf = autograd.compile(lambda x: x * np.random.beta(2.0, 3.0, size=(20000,)))
    cf(x)
    b = cf(x).asnumpy()
    assert cf.compiled, cf.fallback_reason
    # Beta(2, 3): mean 0.4, variance 0.04 (standard errors 0.0014, 0.0004 at this size)
    assert abs(b.mean() - 0.4) < 0.01 and abs(b.var() - 0.04) < 0.004
    cf2 = autograd.compile(lambda x: x * np.random.chisquare(4.0, size=(20000,)))
    cf2(x)
    c = cf2(x).asnumpy()
    assert cf2.compiled, cf2.fallback_reason
    assert abs(c.mean() - 4.0) < 0.15 and abs(c.var() - 8.0) < 1.0   # mean df, variance 2 df


def test_draws_that_are_no_op_still_fall_back():
    for draw in (lambda s: np.random.randint(0, 3, size=s),
                 lambda s: np.random.choice(3, size=s)):
        cf = autograd.compile(lambda x, draw=draw: (x * draw(x.shape)).sum())
        for _ in range(2):
            cf(marked(onp.ones(3)))
        assert not cf.compiled
        assert 'random draws' in cf.fallback_reason
