"""Block / HybridBlock: MXNet 1.9.1's names, repr, deferred initialisation, collect_params,
save/load with structural keys, hooks, apply, summary, cast, and errors naming the layer.
Expected names, reprs and the summary table were printed by MXNet 1.9.1 for the same code."""
import numpy as onp
import pytest

from autodiff import np, autograd, init
from autodiff.errors import ShapeError
from autodiff.gluon import nn, Block, HybridBlock


class Model(HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.a = nn.Dense(3, in_units=2)
            self.b = nn.HybridSequential()
            self.b.add(nn.Dense(2), nn.Activation('tanh'))

    def hybrid_forward(self, F, x):
        return self.b(self.a(x))


def test_names_follow_mxnet_counters():
    d = nn.Dense(10)
    assert d.name == 'dense0' and d.weight.name == 'dense0_weight'
    net = nn.Sequential()
    net.add(nn.Dense(4, activation='relu'), nn.Dense(2))
    assert net.name == 'sequential0'
    assert list(net.collect_params().keys()) == [
        'dense1_weight', 'dense1_bias', 'dense2_weight', 'dense2_bias']


def test_name_scope_prefixes_children():
    m = Model()
    assert list(m.collect_params().keys()) == [
        'model0_dense0_weight', 'model0_dense0_bias', 'model0_dense1_weight',
        'model0_dense1_bias']
    assert m.b.prefix == 'model0_hybridsequential0_'


def test_explicit_prefix_and_shared_params():
    a = nn.Dense(3, in_units=2, prefix='enc_')
    assert a.weight.name == 'enc_weight'
    b = nn.Dense(3, in_units=2, params=a.collect_params())
    assert b.weight is a.weight


def test_repr_as_mxnet():
    net = nn.Sequential()
    net.add(nn.Dense(4, activation='relu'), nn.Dense(2))
    assert repr(net) == ('Sequential(\n  (0): Dense(-1 -> 4, Activation(relu))\n'
                         '  (1): Dense(-1 -> 2, linear)\n)')
    assert repr(Model()) == (
        'Model(\n  (a): Dense(2 -> 3, linear)\n  (b): HybridSequential(\n'
        '    (0): Dense(-1 -> 2, linear)\n    (1): Activation(tanh)\n  )\n)')


def test_call_before_initialize_names_the_parameter():
    net = nn.Sequential()
    net.add(nn.Dense(4))
    with pytest.raises(RuntimeError, match="Parameter 'dense0_weight' has not been initialized"):
        net(np.ones((2, 3)))


def test_deferred_initialisation_infers_in_units():
    net = nn.Sequential()
    net.add(nn.Dense(4, activation='relu'), nn.Dense(2))
    net.initialize()
    assert net[0].weight.shape == (4, -1)
    out = net(np.ones((5, 3)))
    assert out.shape == (5, 2)
    assert net[0].weight.shape == (4, 3) and net[1].weight.shape == (2, 4)
    assert repr(net[0]) == 'Dense(3 -> 4, Activation(relu))'


def test_wrong_in_units_after_initialisation_names_the_layer():
    d = nn.Dense(4, in_units=3)
    d.initialize()
    with pytest.raises(ShapeError, match=r"dense0: the input has 5 features .* in_units=3"):
        d(np.ones((2, 5)))


def test_dense_flatten_false_keeps_leading_axes():
    d = nn.Dense(4, flatten=False)
    d.initialize()
    assert d(np.ones((2, 3, 5))).shape == (2, 3, 4)
    assert d.weight.shape == (4, 5)
    f = nn.Dense(4)
    f.initialize()
    assert f(np.ones((2, 3, 5))).shape == (2, 4) and f.weight.shape == (4, 15)


def test_save_parameters_uses_structural_keys_and_round_trips(tmp_path):
    m = Model()
    m.initialize()
    m(np.ones((1, 2)))
    f = str(tmp_path / 'm.params')
    m.save_parameters(f)
    # MXNet 1.9.1 printed these keys for the same model
    assert list(onp.load(f).keys()) == ['a.weight', 'a.bias', 'b.0.weight', 'b.0.bias']
    m2 = Model()
    m2.load_parameters(f)          # deferred shapes come from the file
    x = np.random.uniform(size=(3, 2))
    onp.testing.assert_array_equal(m(x).asnumpy(), m2(x).asnumpy())


def test_load_parameters_errors(tmp_path):
    a = nn.Dense(2, in_units=2)
    a.initialize()
    f = str(tmp_path / 'a.params')
    a.save_parameters(f)
    two = nn.Sequential()
    two.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))
    two.initialize()
    f2 = str(tmp_path / 'two.params')
    two.save_parameters(f2)
    one = nn.Sequential()
    one.add(nn.Dense(2, in_units=2))
    with pytest.raises(KeyError, match=r"Parameter '1.weight' loaded from file .* is not "
                                       r"present in Block"):
        one.load_parameters(f2)
    one.load_parameters(f2, ignore_extra=True)
    three = nn.Sequential()
    three.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))
    with pytest.raises(KeyError, match=r"Parameter '2.weight' is missing in file"):
        three.load_parameters(f2)
    big = nn.Dense(3, in_units=2)
    with pytest.raises(ShapeError, match="shape incompatible"):
        big.load_parameters(f)


def test_collect_params_select():
    m = Model()
    assert list(m.collect_params('.*weight').keys()) == ['model0_dense0_weight',
                                                          'model0_dense1_weight']
    assert list(m.collect_params('.*dense1_.*').keys()) == ['model0_dense1_weight',
                                                             'model0_dense1_bias']


def test_initialize_with_initializer_and_force_reinit():
    d = nn.Dense(3, in_units=2)
    d.initialize(init.One())
    onp.testing.assert_array_equal(d.weight.data().asnumpy(), onp.ones((3, 2)))
    onp.testing.assert_array_equal(d.bias.data().asnumpy(), onp.zeros(3))   # 'zeros' own init
    d.initialize(init.Constant(2.0), force_reinit=True)
    onp.testing.assert_array_equal(d.weight.data().asnumpy(), 2 * onp.ones((3, 2)))


def test_hooks_and_detach():
    d = nn.Dense(2, in_units=2)
    d.initialize()
    seen = []
    h1 = d.register_forward_pre_hook(lambda blk, inp: seen.append(('pre', inp[0].shape)))
    h2 = d.register_forward_hook(lambda blk, inp, out: seen.append(('post', out.shape)))
    d(np.ones((3, 2)))
    assert seen == [('pre', (3, 2)), ('post', (3, 2))]
    h1.detach()
    h2.detach()
    d(np.ones((3, 2)))
    assert len(seen) == 2


def test_apply_visits_children_then_self():
    m = Model()
    names = []
    m.apply(lambda b: names.append(b.name))
    assert names == ['model0_dense0', 'model0_dense1', 'model0_tanh0',
                     'model0_hybridsequential0', 'model0']


def test_summary_prints_mxnet_table(capsys):
    m = Model()
    m.initialize()
    m.summary(np.ones((1, 2)))
    out = capsys.readouterr().out
    # the table MXNet 1.9.1 printed for this model
    want = """--------------------------------------------------------------------------------
        Layer (type)                                Output Shape         Param #
================================================================================
               Input                                      (1, 2)               0
             Dense-1                                      (1, 3)               9
             Dense-2                                      (1, 2)               8
        Activation-3                                      (1, 2)               0
             Model-4                                      (1, 2)               0
================================================================================
Parameters in forward computation graph, duplicate included
   Total params: 17
   Trainable params: 17
   Non-trainable params: 0
Shared params in forward computation graph: 0
Unique parameters in model: 17
--------------------------------------------------------------------------------
"""
    assert out == want


def test_cast_block():
    d = nn.Dense(2, in_units=3)
    d.initialize()
    d.cast('float64')
    assert d.weight.data().dtype == onp.float64
    assert d(np.ones((1, 3), dtype='float64')).dtype == onp.float64


def test_plain_block_forward_style_and_children_by_attribute():
    class Net(Block):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.hidden = nn.Dense(4, activation='relu')
                self.out = nn.Dense(1)

        def forward(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net.initialize()
    assert net(np.ones((2, 3))).shape == (2, 1)
    assert list(net._collect_params_with_prefix()) == ['hidden.weight', 'hidden.bias',
                                                       'out.weight', 'out.bias']


def test_hybridblock_forward_style_with_own_parameter():
    class Scale(HybridBlock):
        def __init__(self):
            super().__init__()
            self.s = self.params.get('scale', shape=(3,), init=init.Constant(2.0))

        def forward(self, x):
            return x * self.s.data()

    blk = Scale()
    blk.initialize()
    x = np.array([[1., 2., 3.]])
    with autograd.record():
        y = blk(x).sum()
    y.backward()
    onp.testing.assert_array_equal(blk.s.grad().asnumpy(), [1., 2., 3.])


def test_parameters_named_in_the_graph():
    d = nn.Dense(2, in_units=2)
    d.initialize()
    with autograd.record():
        y = d(np.ones((1, 2)))
    g = autograd.get_graph(y)
    labels = {data.get('label') for _, data in g.nodes(data=True)
              if data.get('kind') == 'variable'}
    assert labels == {'dense0_weight', 'dense0_bias'}


def test_block_call_enters_the_graph_scope():
    """Each Block call opens its graph scope (name, class, own parameters), nested as the
    Blocks are, and leaves it on return; a Block of ``prefix=''`` (MXNet allows it, model
    zoo code uses it) is scoped under its class's alias."""
    from autodiff.scope import current_path
    seen = []
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=3))
    net.add(nn.Lambda(lambda h: (seen.append(current_path()), h * 2)[1]))
    net.add(nn.Dense(2, in_units=2, prefix=''))
    net.initialize()
    x = np.ones((1, 3))
    x.attach_grad()
    with autograd.record():
        y = net(x)
    assert current_path() == ''
    assert seen == ['sequential0/lambda0']
    g = autograd.get_graph(y)
    scopes = g.graph['scopes']
    assert [(s['path'], s['kind']) for s in scopes.values()] == [
        ('sequential0', 'Sequential'), ('sequential0/dense0', 'Dense'),
        ('sequential0/lambda0', 'Lambda'), ('sequential0/dense', 'Dense')]
    assert sorted(scopes['sequential0/dense0']['params']) == ['dense0_bias', 'dense0_weight']
    ops = {d.get('scope') for _, d in g.nodes(data=True) if d.get('kind') == 'op'}
    assert ops == {'sequential0/dense0', 'sequential0/lambda0', 'sequential0/dense'}


def test_block_call_leaves_its_scope_on_an_exception():
    from autodiff.scope import current_path

    class Boom(nn.Block):
        def forward(self, x):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        Boom()(np.ones(2))
    assert current_path() == ''


def test_deferred_parameters_belong_to_their_block_in_the_graph():
    """The first call of a deferred-initialised layer creates its weight inside the call; the
    graph still puts it in the layer's scope (so viz.draw counts it in the layer's box)."""
    net = nn.HybridSequential()
    net.add(nn.Dense(5, activation='relu'), nn.Dense(3))
    net.initialize()                                  # in_units unknown: deferred
    with autograd.record():
        y = net(np.ones((2, 4)))
    G = autograd.get_graph(y)
    where = {d['label']: d.get('scope_key') for _, d in G.nodes(data=True)
             if d['kind'] == 'variable'}
    assert where == {'dense0_weight': 'hybridsequential0/dense0',
                     'dense0_bias': 'hybridsequential0/dense0',
                     'dense1_weight': 'hybridsequential0/dense1',
                     'dense1_bias': 'hybridsequential0/dense1'}
