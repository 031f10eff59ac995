"""get_graph beyond the seed: multi-output ops, retain_graph and freed graphs, heads,
names, parameters, NaN flags, networkx algorithms and a very deep chain."""
import networkx as nx
import numpy as onp
import pytest

from autodiff import np, npx, autograd, GraphError
from autodiff.errors import FREED_MESSAGE
from autodiff.symbol import Symbol
from viz.contract import graph_problems
from helpers.seed_examples import My_First_Custom_Operation

npx.set_np()


def head(G):
    (h,) = G.graph['heads']
    return h


def edge_set(G):
    return {(u, v, tuple(sorted(d.items()))) for u, v, d in G.edges(data=True)}


def structure(G):
    """Node ids with the attributes that describe the recorded computation."""
    keep = ('kind', 'op', 'label', 'shape', 'dtype', 'nout', 'params', 'custom', 'head')
    return {n: tuple(d.get(k) for k in keep) for n, d in G.nodes(data=True)}, edge_set(G)


# ---- multi-output ops ----------------------------------------------------------------------
def test_split_into_three():
    x = np.array(onp.arange(12, dtype=onp.float32).reshape(6, 2))
    x.attach_grad()
    with autograd.record():
        p0, p1, p2 = np.split(x, 3)
        out = p0 * p1 + p2
    G = autograd.get_graph(out)
    assert (G.number_of_nodes(), G.number_of_edges()) == (4, 4)
    (s,) = [n for n, d in G.nodes(data=True) if d.get('op') == 'split']
    d = G.nodes[s]
    assert d['nout'] == 3 and d['shape'] == ((2, 2),) * 3 and d['dtype'] == ('float32',) * 3
    assert d['indices_or_sections'] == 3 and d['axis'] == 0
    (mul,) = [n for n, d in G.nodes(data=True) if d.get('op') == 'multiply']
    add = head(G)
    assert G.edges[s, mul] == {'index': (0, 1), 'output': (0, 1)}
    assert G.edges[s, add] == {'index': 1, 'output': 2}
    assert G.edges[mul, add] == {'index': 0, 'output': 0}


def test_one_output_of_a_multi_output_op_as_head():
    x = np.ones((6,))
    x.attach_grad()
    with autograd.record():
        parts = np.split(x, 3)
    G = autograd.get_graph(parts[2])
    s = head(G)
    assert G.nodes[s]['op'] == 'split' and G.nodes[s]['head'] is True
    assert G.graph['head_outputs'] == [(s, 2)]
    G3 = autograd.get_graph(list(parts))
    assert G3.graph['heads'] == [s] and G3.graph['head_outputs'] == [(s, 0), (s, 1), (s, 2)]


def test_several_heads_in_order():
    x = np.ones((2,))
    x.attach_grad()
    with autograd.record():
        a = x * 2
        b = a + 1
    G = autograd.get_graph([b, a])
    na, nb = (n for n, d in G.nodes(data=True) if d['kind'] == 'op')
    assert G.graph['heads'] == [nb, na]
    assert G.nodes[na]['head'] and G.nodes[nb]['head']


# ---- retain_graph and freed graphs ---------------------------------------------------------


def seed_retain_example():
    x = np.random.uniform(-1, 1, (2, 3))
    y = np.random.uniform(-1, 1, (2, 3))
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z1, z2, z3 = My_First_Custom_Operation()(x, y)
        z1 = z1 + z2
        z3 = z2 + z3
    return x, y, z1, z3


def test_retain_graph_keeps_the_graph_and_replays():
    x, y, z1, z3 = seed_retain_example()
    before1, before3 = structure(autograd.get_graph(z1)), structure(autograd.get_graph(z3))
    z1.backward(retain_graph=True)
    G1, G3 = autograd.get_graph(z1), autograd.get_graph(z3)
    assert structure(G1) == before1 and structure(G3) == before3
    shared = set(G1) & set(G3)          # x, y and the custom Function node
    assert len(shared) == 3
    # the custom backward returns (x, y) whatever the output gradients are
    for v, a in (('x', x), ('y', y)):
        (n,) = [n for n, d in G3.nodes(data=True) if d.get('label') == v]
        onp.testing.assert_array_equal(G3.nodes[n]['grad'], a.asnumpy())
    z3.backward()                       # the replay through the retained node works
    onp.testing.assert_array_equal(x.grad.asnumpy(), x.asnumpy())
    onp.testing.assert_array_equal(y.grad.asnumpy(), y.asnumpy())


def test_freed_graph_raises_like_a_second_backward():
    x, y, z1, z3 = seed_retain_example()
    z1.backward()
    with pytest.raises(GraphError) as from_graph:
        autograd.get_graph(z1)
    with pytest.raises(GraphError) as from_backward:
        z1.backward()
    assert str(from_graph.value) == str(from_backward.value) == FREED_MESSAGE
    assert 'retain_graph=True' in str(from_graph.value)
    with pytest.raises(GraphError, match='retain_graph=True'):
        autograd.get_graph(z3)          # shares the freed custom Function node
    with pytest.raises(GraphError, match='retain_graph=True'):
        autograd.get_symbol(z3)


def test_freed_head_itself_raises():
    x = np.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = x * 3
    y.backward()
    with pytest.raises(GraphError, match='freed'):
        autograd.get_graph(y)
    G = autograd.get_graph(x)           # the leaf itself is not freed
    assert G.number_of_nodes() == 1


# ---- heads ---------------------------------------------------------------------------------
def test_leaf_head_is_a_single_variable():
    x = np.ones((2, 2))
    x.attach_grad(grad_req='add')
    G = autograd.get_graph(x)
    ((n, d),) = G.nodes(data=True)
    assert d['kind'] == 'variable' and d['head'] is True and d['grad_req'] == 'add'
    assert G.graph['heads'] == [n] and G.number_of_edges() == 0


def test_array_without_history_is_an_error():
    with pytest.raises(GraphError, match='no recorded history'):
        autograd.get_graph(np.ones(3))
    x = np.ones(3)
    x.attach_grad()
    y = x * 2                           # not recorded
    with pytest.raises(GraphError, match='head 1: .*no recorded history'):
        autograd.get_graph([x, y])


def test_bad_heads_are_type_errors():
    with pytest.raises(TypeError, match='heads must be an array'):
        autograd.get_graph(3.0)
    with pytest.raises(TypeError, match='head 0 is a numpy.ndarray'):
        autograd.get_graph([onp.ones(2)])
    with pytest.raises(ValueError, match='empty'):
        autograd.get_graph([])


# ---- marked intermediates, constants, names ----------------------------------------------
def test_variable_marked_on_an_intermediate_is_a_detached_source():
    """attach_grad() inside record() cuts the history (MXNet 1.9.1): u's variable has no
    producer and is drawn as a cut (``detached``), and x is not in w's graph."""
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        u = x * 2
        u.attach_grad()
        w = u * u
    G = autograd.get_graph(w)
    (uv,) = [n for n, d in G.nodes(data=True) if d['kind'] == 'variable']
    assert G.in_degree(uv) == 0 and G.nodes[uv]['detached'] is True
    assert G.edges[uv, head(G)] == {'index': (0, 1), 'output': (0, 0)}
    onp.testing.assert_array_equal(G.nodes[uv]['value'], [2.0, 4.0])
    assert len(G) == 2 and graph_problems(G) == []
    x2 = np.array([1.0, 2.0])
    x2.attach_grad()                      # a plain leaf is not a cut
    with autograd.record():
        w2 = x2 * x2
    G2 = autograd.get_graph(w2)
    assert [d['detached'] for n, d in G2.nodes(data=True) if d['kind'] == 'variable'] == [False]

def test_names_label_variables_constants_and_ops():
    w = np.ones((2, 3))
    b = np.zeros((3,))
    w.attach_grad()
    data = np.ones((4, 2))
    with autograd.record():
        h = np.dot(data, w)
        out = (h + b).sum()
    G = autograd.get_graph(out, names={'w': w, 'data': data, 'h': h, 'bias': b})
    labels = {d['label'] for _, d in G.nodes(data=True) if d['kind'] != 'op'}
    assert labels == {'w', 'data', 'bias'}
    named = [d for _, d in G.nodes(data=True) if d.get('name')]
    assert len(named) == 1 and named[0]['op'] in ('matmul', 'dot') and named[0]['name'] == 'h'
    assert autograd.get_symbol(out, names={'w': w}).list_arguments() == ['const0', 'w', 'const1']
    with pytest.raises(TypeError, match='names must map str'):
        autograd.get_graph(out, names={'w': onp.ones(2)})


# ---- parameters, NaN flags -----------------------------------------------------------------
def test_op_parameters_are_plain_attributes():
    x = np.array(onp.arange(6, dtype=onp.float32).reshape(2, 3))
    x.attach_grad()
    with autograd.record():
        outs = {'col': x[:, 0], 'fancy': x[onp.array([0, 1, 1])], 'step': x[1::2, None],
                'bcast': np.broadcast_to(x[0], (4, 3)), 'cast': x.astype('float64'),
                'sum': np.sum(x, axis=1, keepdims=True), 'clip': np.clip(x, 1, 4)}
    want = {'col': {'key': '[:, 0]'}, 'fancy': {'key': '[[0, 1, 1]]'},
            'step': {'key': '[1::2, None]'}, 'bcast': {'param_shape': (4, 3)},
            'cast': {'param_dtype': 'float64'}, 'sum': {'axis': (1,), 'keepdims': True},
            'clip': {'a_min': 1, 'a_max': 4}}
    for name, y in outs.items():
        G = autograd.get_graph(y)
        d = G.nodes[head(G)]
        assert {k: d[k] for k in d['params']} == want[name], name
    G = autograd.get_graph(outs['bcast'])
    assert G.nodes[head(G)]['shape'] == (4, 3)         # the node's own shape is untouched


def test_nonfinite_values_are_flagged():
    x = np.array([-1.0, 0.0, 1.0])
    x.attach_grad()
    with autograd.record():
        lg = np.log(x)
        ex = np.exp(x)
        out = lg * float('inf') + ex
    out.backward(retain_graph=True)
    G = autograd.get_graph(out)
    flags = {(d.get('op') or d['kind'], d.get('value') if d.get('is_scalar') else None):
             d['nonfinite'] for _, d in G.nodes(data=True)}
    assert flags == {('variable', None): False, ('log', None): True, ('exp', None): False,
                     ('constant', float('inf')): True, ('multiply', None): True,
                     ('add', None): True}
    (xv,) = [n for n, d in G.nodes(data=True) if d['kind'] == 'variable']
    assert G.nodes[xv]['grad_nonfinite'] is True        # d/dx of inf * log(x) at 0


# ---- networkx works on it ------------------------------------------------------------------
def build_mixed():
    x = np.random.uniform(-1, 1, (3, 4))
    w = np.random.uniform(-1, 1, (4, 2))
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        h = np.tanh(np.dot(x, w))
        a, b = np.split(h, 2, axis=1)
        out = (a * b + h[:, :1]).sum() / 3
    return out


def test_insertion_order_is_topological_and_algorithms_work():
    G = autograd.get_graph(build_mixed())
    pos = {n: i for i, n in enumerate(G)}
    assert all(pos[u] < pos[v] for u, v in G.edges)
    order = list(nx.topological_sort(G))
    assert len(order) == G.number_of_nodes()
    h = head(G)
    assert nx.ancestors(G, h) == set(G) - {h}
    (sp,) = [n for n, d in G.nodes(data=True) if d.get('op') == 'split']
    sub = G.subgraph(nx.ancestors(G, sp) | {sp})
    assert nx.is_directed_acyclic_graph(sub)
    assert {d['kind'] for _, d in sub.nodes(data=True)} == {'variable', 'op'}
    assert sub.number_of_nodes() == 5                   # x, w, dot, tanh, split


def test_graphs_meet_the_viz_contract():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    graphs = [autograd.get_graph(y), autograd.get_graph(build_mixed()),
              autograd.get_graph(x), autograd.get_graph(seed_retain_example()[2:])]
    for G in graphs:
        assert graph_problems(G) == []


def test_node_ids_are_stable_strings():
    x = np.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = (x * 2).sum()
    ids = list(autograd.get_graph(y))
    assert ids == list(autograd.get_graph(y))
    assert all(isinstance(n, str) and n[0] in 'nvc' for n in ids)


def test_hundred_thousand_op_chain():
    n = 100_000
    x = np.ones((1,))
    x.attach_grad()
    with autograd.record():
        y = x
        for _ in range(n):
            y = y * 1.0
    G = autograd.get_graph(y)
    assert G.number_of_nodes() == 2 * n + 1 and G.number_of_edges() == 2 * n
    (xv,) = [v for v, d in G.nodes(data=True) if d['kind'] == 'variable']
    assert nx.has_path(G, xv, head(G))
    s = Symbol(G)
    assert len(s.list_outputs()) == 1 and s.list_arguments() == ['x']   # the caller's name


def test_names_follow_the_array_after_it_is_marked_again():
    x = np.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = x * 2
    x.attach_grad()                     # a new mark; y's graph keeps the old one
    G = autograd.get_graph(y, names={'x': x})
    assert [d['label'] for _, d in G.nodes(data=True) if d['kind'] == 'variable'] == ['x']


def test_intermediate_marked_after_its_consumers_is_not_in_their_graph():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        u = x * 3
        w = u * u
    u.attach_grad()                     # w was recorded from u's producer, not from the mark
    G = autograd.get_graph(w)
    variables = [n for n, d in G.nodes(data=True) if d['kind'] == 'variable']
    assert len(variables) == 1 and G.nodes[variables[0]]['detached'] is False
    (prod,) = G.successors(variables[0])
    assert G.nodes[prod]['scalar'] == 3
    assert G.edges[prod, head(G)] == {'index': (0, 1), 'output': (0, 0)}
    w.backward(retain_graph=True)       # MXNet 1.9.1: the new leaf u gets nothing, x gets 2u*3
    onp.testing.assert_array_equal(u.grad.asnumpy(), [0.0, 0.0])
    onp.testing.assert_array_equal(x.grad.asnumpy(), [18.0, 36.0])
    assert graph_problems(G) == []
