"""get_graph on the seed page's examples: node and edge counts, kinds, ops, shapes.

Expected structures are worked out by hand from what each example computes (one
node per recorded op, one constant per Python scalar operand), not read off the code.
"""
from collections import Counter

import networkx as nx
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from helpers.seed_examples import My_First_Custom_Operation, seed_f

npx.set_np()


def kinds(G):
    return Counter(d['kind'] for _, d in G.nodes(data=True))


def op_names(G):
    return Counter(d['op'] for _, d in G.nodes(data=True) if d['kind'] == 'op')


def only(G, **match):
    found = [n for n, d in G.nodes(data=True) if all(d.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def head(G):
    (h,) = G.graph['heads']
    return h


def test_two_x_squared():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    G = autograd.get_graph(y)
    assert (G.number_of_nodes(), G.number_of_edges()) == (4, 4)
    assert kinds(G) == {'variable': 1, 'constant': 1, 'op': 2}
    assert op_names(G) == {'multiply': 2}
    xv = only(G, kind='variable')
    c = only(G, kind='constant')
    m0 = only(G, kind='op', head=False)
    m1 = head(G)
    assert G.nodes[m1]['head'] and not G.nodes[m0]['head']
    # 2 * x: the scalar is argument 0, x argument 1; then (2*x) * x
    assert G.edges[c, m0] == {'index': 0, 'output': 0}
    assert G.edges[xv, m0] == {'index': 1, 'output': 0}
    assert G.edges[m0, m1] == {'index': 0, 'output': 0}
    assert G.edges[xv, m1] == {'index': 1, 'output': 0}
    assert G.nodes[c]['value'] == 2 and G.nodes[c]['label'] == '2' and G.nodes[c]['is_scalar']
    assert G.nodes[m0]['params'] == ('scalar',) and G.nodes[m0]['scalar'] == 2
    assert G.nodes[m1]['params'] == ()
    for n in (m0, m1):
        assert G.nodes[n]['shape'] == (2, 2) and G.nodes[n]['dtype'] == 'float32'
        assert G.nodes[n]['custom'] is False and G.nodes[n]['nout'] == 1
    d = G.nodes[xv]
    assert d['label'] == 'x' and d['grad_req'] == 'write' and d['shape'] == (2, 2)
    onp.testing.assert_array_equal(d['value'], [[1, 2], [3, 4]])
    assert nx.is_directed_acyclic_graph(G)


def test_gradient_shown_after_retained_backward():
    x = np.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    y.backward(retain_graph=True)
    G = autograd.get_graph(y)
    d = G.nodes[only(G, kind='variable')]
    onp.testing.assert_array_equal(d['grad'], 4 * onp.array([[1, 2], [3, 4]], onp.float32))
    assert d['grad_nonfinite'] is False


def test_custom_function_with_three_outputs():
    x = np.random.uniform(-1, 1, (2, 3))
    y = np.random.uniform(-1, 1, (2, 3))
    with autograd.record():
        x.attach_grad()
        y.attach_grad()
        z1, z2, z3 = My_First_Custom_Operation()(x, y)
        out = z1 + z2 + z3
    G = autograd.get_graph(out)
    # x, y -> F (3 outputs) -> add(z1, z2) -> add(., z3); F's forward is not recorded
    assert (G.number_of_nodes(), G.number_of_edges()) == (5, 5)
    assert kinds(G) == {'variable': 2, 'op': 3}
    assert op_names(G) == {'My_First_Custom_Operation': 1, 'add': 2}
    f = only(G, op='My_First_Custom_Operation')
    d = G.nodes[f]
    assert d['custom'] is True and d['nout'] == 3 and d['label'] == 'My_First_Custom_Operation'
    assert d['shape'] == ((2, 3),) * 3 and d['dtype'] == ('float32',) * 3
    last = head(G)
    (first,) = [n for n in G.predecessors(last) if n != f]
    assert G.edges[f, first] == {'index': (0, 1), 'output': (0, 1)}   # z1 + z2
    assert G.edges[first, last] == {'index': 0, 'output': 0}
    assert G.edges[f, last] == {'index': 1, 'output': 2}              # ... + z3
    vx, vy = sorted(G.predecessors(f), key=lambda n: G.edges[n, f]['index'])
    assert G.nodes[vx]['label'] == 'x' and G.nodes[vy]['label'] == 'y'    # the caller's names




def doublings(a):
    """How many times the loop body of ``f`` runs, computed in plain NumPy float32."""
    b = onp.asarray(a, onp.float32) * onp.float32(2)
    n = 0
    while onp.abs(b).sum() < 1000:
        b = b * onp.float32(2)
        n += 1
    return n, (0 if b.sum() >= 0 else 1)


@pytest.mark.parametrize('values', [[0.3, 0.7], [-2.0, 1.0], [400.0, 1.0], [-600.0, 1.0],
                                    [1e-3, -2e-3]])
def test_while_loop_chain_length_follows_the_input(values):
    n, pick = doublings(values)
    a = np.array(values)
    a.attach_grad()
    with autograd.record():
        c = seed_f(a)
    G = autograd.get_graph(c)
    # a * 2, then n loop doublings, then one indexing; the loop test's abs/sum are
    # recorded too but do not lead to c, so they are not in c's graph.
    assert op_names(G) == {'multiply': n + 1, 'getitem': 1}
    assert kinds(G) == {'variable': 1, 'constant': n + 1, 'op': n + 2}
    assert G.number_of_edges() == 2 * (n + 1) + 1
    av, h = only(G, kind='variable'), head(G)
    assert nx.dag_longest_path_length(G) == n + 2          # a -> n+1 multiplies -> getitem
    assert nx.shortest_path_length(G, av, h) == n + 2
    assert G.nodes[h]['key'] == f'[{pick}]' and G.nodes[h]['shape'] == ()


def test_control_flow_records_what_ran():
    def my_first_function(x):
        if autograd.is_recording() & (not autograd.is_training()):
            return 2 * x
        elif autograd.is_training():
            return 4 * x
        return x
    x = np.ones((2, 3))
    x.attach_grad()
    with autograd.record(train_mode=False):
        y = my_first_function(x)
    with autograd.record(train_mode=True):
        z = my_first_function(x)
    assert autograd.get_graph(y).nodes[head(autograd.get_graph(y))]['scalar'] == 2
    assert autograd.get_graph(z).nodes[head(autograd.get_graph(z))]['scalar'] == 4


def test_detach_prunes_the_graph():
    x = np.random.uniform(-1, 1, (2, 3))
    x.attach_grad()
    with autograd.record():
        y = 3 * x
        y = y.detach()
        y.attach_grad()
        z = 4 * y + 2 * x
    G = autograd.get_graph(z)
    # variables x, y; constants 4, 2; ops 4*y, 2*x, add.  3*x is not there.
    assert (G.number_of_nodes(), G.number_of_edges()) == (7, 6)   # 2 into each op
    assert kinds(G) == {'variable': 2, 'constant': 2, 'op': 3}
    assert sorted(G.nodes[n]['scalar'] for n in G if G.nodes[n].get('op') == 'multiply') == [2, 4]
    zn = head(G)
    xv = only(G, kind='variable', detached=False)
    yv = only(G, kind='variable', detached=True)
    assert nx.ancestors(G, yv) == set()                        # a leaf: no path to 3*x
    (two_x,) = G.successors(xv)
    assert G.nodes[two_x]['scalar'] == 2
    assert nx.has_path(G, xv, zn)
    assert not nx.has_path(G.subgraph(set(G) - {two_x}), xv, zn)   # only through 2*x
    (four_y,) = G.successors(yv)
    assert G.nodes[four_y]['scalar'] == 4 and not nx.has_path(G, xv, four_y)


def test_detached_array_used_unmarked_is_a_detached_constant():
    x = np.ones((3,))
    x.attach_grad()
    with autograd.record():
        u = (x * 3).detach()
        w = u * x
    G = autograd.get_graph(w)
    c = only(G, kind='constant')
    assert G.nodes[c]['detached'] is True and G.nodes[c]['is_scalar'] is False
    assert G.nodes[c]['label'] == 'u' and G.nodes[c]['shape'] == (3,)
    onp.testing.assert_array_equal(G.nodes[c]['value'], [3, 3, 3])
    assert G.edges[c, head(G)]['index'] == 0


def concat_example(x, y, reduce=False):
    with autograd.record():
        z = 2 * x, 2 * x * y, 2 * x + 2 * y
        z = np.concatenate([np.expand_dims(zi, axis=0) for zi in z], axis=0)
        if reduce:
            z = np.sum(z, axis=0)
    return z


def test_concatenate_example():
    x = np.random.uniform(-1, 1, (2, 3))
    y = np.random.uniform(-1, 1, (2, 3))
    x.attach_grad()
    y.attach_grad()
    z = concat_example(x, y)
    G = autograd.get_graph(z)
    # 2*x | 2*x, *y | 2*x, 2*y, + | three expand_dims | concatenate
    assert op_names(G) == {'multiply': 5, 'add': 1, 'expand_dims': 3, 'concatenate': 1}
    assert kinds(G) == {'variable': 2, 'constant': 4, 'op': 10}
    assert G.number_of_edges() == 18
    cat = head(G)
    assert G.nodes[cat]['shape'] == (3, 2, 3) and G.nodes[cat]['axis'] == 0
    ins = sorted((G.edges[p, cat]['index'], G.nodes[p]['op'], G.nodes[p]['shape'])
                 for p in G.predecessors(cat))
    assert ins == [(i, 'expand_dims', (1, 2, 3)) for i in range(3)]
    zr = concat_example(x, y, reduce=True)
    Gr = autograd.get_graph(zr)
    h = head(Gr)
    assert Gr.nodes[h]['op'] == 'sum' and Gr.nodes[h]['shape'] == (2, 3)
    assert {'axis', 'keepdims'} <= set(Gr.nodes[h]['params']) and Gr.nodes[h]['keepdims'] is False
    assert Gr.number_of_nodes() == 17


def test_graph_spans_two_record_blocks():
    def my_second_function(x):
        with autograd.record():
            return 2 * x
    x = np.random.uniform(-1, 1, (2, 3))
    x.attach_grad()
    y = my_second_function(x)
    with autograd.record():
        z = my_second_function(y) + 2
    G = autograd.get_graph(z)
    assert kinds(G) == {'variable': 1, 'constant': 3, 'op': 3}
    assert op_names(G) == {'multiply': 2, 'add': 1}
    assert G.number_of_edges() == 6
    xv, zn = only(G, kind='variable'), head(G)
    assert nx.shortest_path_length(G, xv, zn) == 3      # x -> 2*x -> 2*(2x) -> +2
    (two,) = [p for p in G.predecessors(zn) if G.nodes[p]['kind'] == 'constant']
    assert G.edges[two, zn]['index'] == 1 and G.nodes[zn]['scalar'] == 2   # (...) + 2
