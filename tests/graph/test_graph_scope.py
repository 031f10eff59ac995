"""block_scope: the scope of each recorded op in get_graph, parameters inside their scope."""
import threading

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.scope import block_scope, current_path


def two_layer(x, w1, b1, w2, b2, outer='hybridsequential0'):
    """A fake two-layer network built from np ops, each layer in its own scope."""
    with block_scope(outer, 'HybridSequential'):
        with block_scope('dense0', 'Dense', {'dense0_weight': w1, 'dense0_bias': b1}):
            h = npx.relu(np.dot(x, w1) + b1)
        with block_scope('dense1', 'Dense', {'dense1_weight': w2, 'dense1_bias': b2}):
            y = np.dot(h, w2) + b2
    return y


def params():
    npx.set_np()
    rng = onp.random.default_rng(0)
    ws = [np.array(rng.uniform(-1, 1, s).astype('float32')) for s in ((3, 5), (5,), (5, 2), (2,))]
    for w in ws:
        w.attach_grad()
    return ws


def test_ops_carry_the_joined_scope_names_and_parameters_their_scope():
    w1, b1, w2, b2 = params()
    x = np.ones((4, 3))
    with autograd.record():
        y = two_layer(x, w1, b1, w2, b2)
        loss = (y * y).sum()
    G = autograd.get_graph(loss)
    ops = {d['op']: d for _, d in G.nodes(data=True) if d['kind'] == 'op' and d['op'] == 'relu'}
    assert ops['relu']['scope'] == 'hybridsequential0/dense0'
    scopes = [d['scope'] for _, d in G.nodes(data=True) if d['kind'] == 'op']
    # recording order: matmul, add, relu in dense0; matmul, add in dense1; multiply, sum outside
    assert scopes == ['hybridsequential0/dense0'] * 3 + ['hybridsequential0/dense1'] * 2 + ['', '']
    labels = {d['label']: d for _, d in G.nodes(data=True) if d['kind'] == 'variable'}
    assert set(labels) == {'dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias'}
    assert labels['dense1_bias']['scope_key'] == 'hybridsequential0/dense1'
    info = G.graph['scopes']
    assert list(info) == ['hybridsequential0', 'hybridsequential0/dense0',
                          'hybridsequential0/dense1']
    assert info['hybridsequential0/dense0']['kind'] == 'Dense'
    assert info['hybridsequential0/dense0']['parent'] == 'hybridsequential0'
    assert info['hybridsequential0/dense0']['depth'] == 2
    pnodes = info['hybridsequential0/dense1']['params']
    assert G.nodes[pnodes['dense1_weight']]['shape'] == (5, 2)


def test_variable_name_labels_the_variable():
    w1, b1, w2, b2 = params()
    w1._node.name = 'dense7_weight'          # as Gluon's Parameter sets it
    with autograd.record():
        y = (np.ones((2, 3)) @ w1).sum()
    labels = [d['label'] for _, d in autograd.get_graph(y).nodes(data=True)
              if d['kind'] == 'variable']
    assert labels == ['dense7_weight']


def test_a_block_called_twice_gets_two_keys():
    w1, b1, w2, b2 = params()
    with autograd.record():
        a = two_layer(np.ones((1, 3)), w1, b1, w2, b2)
        b = two_layer(np.zeros((1, 3)), w1, b1, w2, b2)
        z = (a + b).sum()
    G = autograd.get_graph(z)
    keys = list(G.graph['scopes'])
    assert keys[:3] == ['hybridsequential0', 'hybridsequential0/dense0',
                        'hybridsequential0/dense1']
    assert keys[3:] == ['hybridsequential0#2', 'hybridsequential0#2/dense0',
                        'hybridsequential0#2/dense1']
    assert G.graph['scopes']['hybridsequential0#2/dense0']['path'] == 'hybridsequential0/dense0'


def test_no_scope_outside_and_scope_restored_after_an_error():
    x = np.ones(3)
    x.attach_grad()
    with pytest.raises(RuntimeError):
        with block_scope('a', 'A'):
            assert current_path() == 'a'
            raise RuntimeError('boom')
    assert current_path() == ''
    with autograd.record():
        y = (x * 2).sum()
    assert {d['scope'] for _, d in autograd.get_graph(y).nodes(data=True)
            if d['kind'] == 'op'} == {''}


def test_scopes_are_per_thread():
    seen = []
    with block_scope('main', 'Main'):
        t = threading.Thread(target=lambda: seen.append(current_path()))
        t.start()
        t.join()
        assert current_path() == 'main'
    assert seen == ['']


@pytest.mark.parametrize('name,kind', [('', 'Dense'), ('a/b', 'Dense'), (3, 'Dense'),
                                       ('dense0', '')])
def test_bad_scope_arguments_are_clear_errors(name, kind):
    with pytest.raises(ValueError, match='block_scope'):
        with block_scope(name, kind):
            pass


def test_bad_params_is_a_clear_error():
    with pytest.raises(TypeError, match='params must map'):
        with block_scope('d', 'Dense', params=[1, 2]):
            pass
