"""autograd.get_symbol: MXNet's layout, checked against what MXNet 1.9.1 printed for the
same programs (written down below; only MXNet's names are translated: '_npi_multiply'
-> 'multiply', 'node_<k>' -> '<op><k>', 'null<k>' -> 'const<k>')."""
import json

import numpy as onp
import pytest

from autodiff import np, npx, autograd

npx.set_np()

VERSION = {"is_np_shape": ["int", 1], "mxnet_version": ["int", 10901]}


def check_layout(doc):
    """Structural rules every MXNet graph JSON obeys."""
    nodes = doc['nodes']
    for i, n in enumerate(nodes):
        assert set(n) <= {'op', 'name', 'attrs', 'inputs'} and isinstance(n['name'], str)
        for j, out, version in n['inputs']:
            assert 0 <= j < i and version == 0           # post-order: inputs come first
            nout = doc['node_row_ptr'][j + 1] - doc['node_row_ptr'][j]
            assert 0 <= out < nout
        for v in n.get('attrs', {}).values():
            assert isinstance(v, str)
    assert doc['arg_nodes'] == [i for i, n in enumerate(nodes) if n['op'] == 'null']
    assert len(doc['node_row_ptr']) == len(nodes) + 1 and doc['node_row_ptr'][0] == 0
    assert len({n['name'] for n in nodes}) == len(nodes)
    assert doc['attrs'] == VERSION


def test_two_x_squared_matches_mxnet():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    s = autograd.get_symbol(y)
    # MXNet 1.9.1: <Symbol node_1>, ['var0'], ['node_1_output'], ['var0']
    assert repr(s) == '<Symbol multiply1>' and s.name == 'multiply1'
    assert s.list_arguments() == ['var0'] == s.list_inputs()
    assert s.list_outputs() == ['multiply1_output']
    assert s.list_auxiliary_states() == []
    doc = json.loads(s.tojson())
    check_layout(doc)
    assert [(n['op'], n['name'], n['inputs']) for n in doc['nodes']] == [
        ('null', 'var0', []),
        ('multiply', 'multiply0', [[0, 0, 0]]),
        ('multiply', 'multiply1', [[1, 0, 0], [0, 0, 0]])]
    assert doc['nodes'][1]['attrs'] == {'scalar': '2'}      # MXNet: "2.0" (a float param)
    assert 'attrs' not in doc['nodes'][2]
    assert doc['arg_nodes'] == [0]
    assert doc['node_row_ptr'] == [0, 1, 2, 3]
    assert doc['heads'] == [[2, 0, 0]]
    # MXNet writes one key per line and short lists inline
    assert '"inputs": [[1, 0, 0], [0, 0, 0]]' in s.tojson()


def test_debug_str_matches_mxnet_layout():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    assert autograd.get_symbol(y).debug_str().splitlines() == [
        'Symbol Outputs:',
        '\toutput[0]=multiply1(0)',
        'Variable:var0',
        '--------------------',
        'Op:multiply, Name=multiply0',
        'Inputs:',
        '\targ[0]=var0(0) version=0',
        'Attrs:',
        '\tscalar=2',
        '--------------------',
        'Op:multiply, Name=multiply1',
        'Inputs:',
        '\targ[0]=multiply0(0)',
        '\targ[1]=var0(0) version=0']


def test_split_constant_and_reduction_match_mxnet():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    c = np.array([[1, 2], [3, 4]])
    with autograd.record():
        a, b = np.split(x, 2, axis=0)
        y = np.sum(a * c + b, axis=1, keepdims=True)
    s = autograd.get_symbol(y)
    # MXNet: ['var0', 'null1'] -- an unmarked array is an argument too
    assert s.list_arguments() == ['var0', 'const0']
    assert s.list_outputs() == ['sum0_output']
    doc = json.loads(s.tojson())
    check_layout(doc)
    assert [(n['op'], n['inputs']) for n in doc['nodes']] == [
        ('null', []), ('split', [[0, 0, 0]]), ('null', []),
        ('multiply', [[1, 0, 0], [2, 0, 0]]), ('add', [[3, 0, 0], [1, 1, 0]]),
        ('sum', [[4, 0, 0]])]
    assert doc['arg_nodes'] == [0, 2]
    assert doc['node_row_ptr'] == [0, 1, 3, 4, 5, 6, 7]
    assert doc['heads'] == [[5, 0, 0]]
    assert doc['nodes'][5]['attrs'] == {'axis': '(1,)', 'keepdims': 'True'}


class Triple(autograd.Function):
    def forward(self, x, y):
        self.save_for_backward(x, y)
        return 2 * x, 2 * x * y, 2 * y

    def backward(self, dx, dxy, dy):
        return self.saved_tensors


def test_custom_function_matches_mxnet():
    x = np.random.uniform(-1, 1, (2, 3))
    y = np.random.uniform(-1, 1, (2, 3))
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z1, z2, z3 = Triple()(x, y)
        out = z1 + z2 + z3
    doc = json.loads(autograd.get_symbol(out).tojson())
    check_layout(doc)
    assert [(n['op'], n['inputs']) for n in doc['nodes']] == [
        ('null', []), ('null', []), ('_CustomFunction', [[0, 0, 0], [1, 0, 0]]),
        ('add', [[2, 0, 0], [2, 1, 0]]), ('add', [[3, 0, 0], [2, 2, 0]])]
    assert doc['nodes'][2]['attrs'] == {'op_type': 'Triple'}
    assert doc['node_row_ptr'] == [0, 1, 2, 5, 6, 7]
    outs = autograd.get_symbol([z1, z2, z3])
    assert outs.list_outputs() == ['triple0_output0', 'triple0_output1', 'triple0_output2']
    assert json.loads(outs.tojson())['heads'] == [[2, 0, 0], [2, 1, 0], [2, 2, 0]]
    assert repr(outs) == '<Symbol group [triple0, triple0, triple0]>' and outs.name is None


def test_leaf_variable_symbol_matches_mxnet():
    x = np.ones((2,))
    x.attach_grad()
    s = autograd.get_symbol(x)
    # MXNet: <Symbol var0>, outputs ['var0'], one null node, heads [[0, 0, 0]]
    assert repr(s) == '<Symbol var0>' and s.list_outputs() == ['var0']
    doc = json.loads(s.tojson())
    assert doc['nodes'] == [{'op': 'null', 'name': 'var0', 'inputs': []}]
    assert (doc['arg_nodes'], doc['node_row_ptr'], doc['heads']) == ([0], [0, 1], [[0, 0, 0]])


def test_names_become_symbol_names():
    w = np.ones((3,))
    w.attach_grad()
    with autograd.record():
        h = w * w
        loss = h.sum()
    s = autograd.get_symbol(loss, names={'weight': w, 'h': h})
    doc = json.loads(s.tojson())
    assert [n['name'] for n in doc['nodes']] == ['weight', 'h', 'sum0']
    assert s.list_arguments() == ['weight']


def test_name_clash_is_made_unique():
    a = np.ones((2,))
    b = np.ones((2,))
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a + b
    s = autograd.get_symbol(y, names={'var1': a})    # b is var1 by default too
    args = s.list_arguments()
    assert len(set(args)) == 2 and args[0] == 'var1' and args[1].startswith('var1')


@pytest.mark.parametrize('depth', [1, 5, 40])
def test_while_loop_symbol_is_a_chain(depth):
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x
        for _ in range(depth):
            y = np.tanh(y) * 0.5
    doc = json.loads(autograd.get_symbol(y).tojson())
    check_layout(doc)
    assert len(doc['nodes']) == 2 * depth + 1              # scalars are attributes
    ops = [n['op'] for n in doc['nodes']]
    assert ops == ['null'] + ['tanh', 'multiply'] * depth
    onp.testing.assert_array_equal([n['inputs'] for n in doc['nodes'][1:]],
                                   [[[i, 0, 0]] for i in range(2 * depth)])


def test_variable_marked_on_an_intermediate_is_a_new_argument():
    """attach_grad() on an intermediate cuts its history (MXNet 1.9.1): the Symbol of w
    starts at u's mark and does not reach x."""
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        u = x * 2
        u.attach_grad()
        w = u * u
    s = autograd.get_symbol(w)
    doc = json.loads(s.tojson())
    check_layout(doc)
    assert [(n['op'], n['inputs']) for n in doc['nodes']] == [
        ('null', []), ('multiply', [[0, 0, 0], [0, 0, 0]])]
    assert s.list_arguments() == ['var0']


def test_symbol_of_a_plain_digraph_needs_heads():
    import networkx as nx
    from autodiff.symbol import Symbol
    with pytest.raises(ValueError, match='no heads'):
        Symbol(nx.DiGraph())
    G = nx.DiGraph()
    G.add_node('a', kind='variable', label='a')
    G.graph['heads'] = ['a']
    assert Symbol(G).list_outputs() == ['a']
