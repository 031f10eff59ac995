"""Parameter, Constant and ParameterDict (MXNet 1.9.1's behaviour and messages)."""
import numpy as onp
import pytest

from autodiff import np, autograd, init
from autodiff.errors import ShapeError
from autodiff.gluon import Parameter, Constant, ParameterDict, DeferredInitializationError


def test_data_before_initialize_names_the_parameter():
    p = Parameter('w', shape=(2, 3))
    # MXNet 1.9.1's wording (oracle)
    with pytest.raises(RuntimeError, match=r"Parameter 'w' has not been initialized\. Note "
                                           r"that you should initialize parameters"):
        p.data()


def test_initialize_creates_marked_data_and_zero_grad():
    p = Parameter('w', shape=(2, 3), init=init.One())
    p.initialize()
    assert p.data().shape == (2, 3) and p.data().dtype == onp.float32
    onp.testing.assert_array_equal(p.data().asnumpy(), onp.ones((2, 3)))
    onp.testing.assert_array_equal(p.grad().asnumpy(), onp.zeros((2, 3)))
    assert p.data()._node.name == 'w'        # graphs label the variable by its name
    assert p.list_data()[0] is p.data() and p.list_grad()[0] is p.grad()


def test_default_init_is_uniform_007():
    onp.random.seed(0)
    p = Parameter('fc_weight', shape=(200, 50))
    p.initialize()
    d = p.data().asnumpy()
    assert d.min() >= -0.07 and d.max() <= 0.07 and d.std() > 0.03


def test_unknown_shape_defers_then_data_says_so():
    p = Parameter('w', shape=(4, 0), allow_deferred_init=True)
    assert p.shape == (4, -1)                 # numpy mode reports unknown sizes as -1
    p.initialize()
    with pytest.raises(DeferredInitializationError, match="Parameter 'w' has not been "
                                                          "initialized yet because "
                                                          "initialization was deferred"):
        p.data()
    p.shape = (4, 5)
    p._finish_deferred_init()
    assert p.data().shape == (4, 5)


def test_unknown_shape_without_deferral_is_an_error():
    with pytest.raises(ValueError, match="Cannot initialize Parameter 'w' because it has "
                                         "invalid shape"):
        Parameter('w', shape=(0, 3)).initialize()


def test_incompatible_shape_assignment():
    p = Parameter('w', shape=(4, 0))
    with pytest.raises(ShapeError, match="incompatible"):
        p.shape = (5, 3)


def test_reinitialize_warns_unless_forced():
    p = Parameter('w', shape=(2,), init=init.Zero())
    p.initialize()
    with pytest.warns(UserWarning, match="already initialized"):
        p.initialize(init=init.One())
    assert p.data().asnumpy().sum() == 0
    p.initialize(init=init.One(), force_reinit=True)
    assert p.data().asnumpy().sum() == 2


def test_set_data_keeps_the_mark_and_grad_flows():
    p = Parameter('w', shape=(3,))
    p.initialize()
    p.set_data(np.array([1., 2., 3.]))
    with autograd.record():
        y = (p.data() * p.data()).sum()
    y.backward()
    onp.testing.assert_allclose(p.grad().asnumpy(), [2., 4., 6.])
    p.zero_grad()
    assert p.grad().asnumpy().sum() == 0


def test_grad_req_null_and_add():
    p = Parameter('w', shape=(2,), init=init.One(), grad_req='add')
    p.initialize()
    for _ in range(2):
        with autograd.record():
            y = (3 * p.data()).sum()
        y.backward()
    onp.testing.assert_allclose(p.grad().asnumpy(), [6., 6.])
    p.grad_req = 'null'
    with pytest.raises(RuntimeError, match="because grad_req='null'"):
        p.grad()
    with pytest.raises(ValueError, match="grad_req must be one of"):
        p.grad_req = 'sometimes'


def test_cast():
    p = Parameter('w', shape=(2,), init=init.One())
    p.initialize()
    p.cast('float64')
    assert p.data().dtype == onp.float64 and p.grad().dtype == onp.float64
    assert p.dtype == onp.float64


def test_constant():
    c = Constant('c', [1., 2.])
    c.initialize()
    onp.testing.assert_array_equal(c.data().asnumpy(), [1., 2.])
    assert c.grad_req == 'null' and c.data().grad is None
    assert repr(c) == 'Constant c (shape=(2,), dtype=float32)'


def test_repr_as_mxnet():
    # MXNet 1.9.1 prints the dtype as it was given: the default is the class numpy.float32
    assert repr(Parameter('dense0_weight', shape=(10, 0))) == \
        "Parameter dense0_weight (shape=(10, -1), dtype=<class 'numpy.float32'>)"
    assert repr(Parameter('w', shape=(10, 0), dtype='float32')) == \
        'Parameter w (shape=(10, -1), dtype=float32)'


def test_parameter_dict_get_select_setattr_save_load(tmp_path):
    pd = ParameterDict('net_')
    w = pd.get('weight', shape=(2, 2), init=init.One())
    b = pd.get('bias', shape=(2,), init=init.Zero())
    assert pd.get('weight') is w and list(pd.keys()) == ['net_weight', 'net_bias']
    assert list(pd.select('.*bias').keys()) == ['net_bias']
    pd.initialize()
    pd.setattr('lr_mult', 0.5)
    assert w.lr_mult == 0.5 and b.lr_mult == 0.5
    f = str(tmp_path / 'p.params')
    pd.save(f, strip_prefix='net_')
    assert sorted(onp.load(f).keys()) == ['bias', 'weight']
    pd2 = ParameterDict('net_')
    pd2.get('weight', shape=(2, 2))
    pd2.get('bias', shape=(2,))
    pd2.load(f, restore_prefix='net_')
    onp.testing.assert_array_equal(pd2['net_weight'].data().asnumpy(), onp.ones((2, 2)))
    with pytest.raises(AssertionError, match="does not match with stored"):
        pd.get('weight', shape=(3, 3))
    assert repr(pd).startswith('net_ (\n  Parameter net_weight (shape=(2, 2)')


def test_parameter_dict_load_missing_and_extra(tmp_path):
    pd = ParameterDict('a_')
    pd.get('w', shape=(1,), init=init.One())
    pd.initialize()
    f = str(tmp_path / 'p.params')
    pd.save(f)
    other = ParameterDict('a_')
    other.get('w', shape=(1,))
    other.get('v', shape=(1,))
    with pytest.raises(KeyError, match="Parameter 'a_v' is missing"):
        other.load(f)
    other.load(f, allow_missing=True)
    small = ParameterDict('b_')
    with pytest.raises(KeyError, match="is not present in ParameterDict"):
        small.load(f)
