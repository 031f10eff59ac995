"""collapse_graph: a pure DiGraph -> DiGraph function."""

import networkx as nx

import viz
from viz.collapse import chain_groups, contract


def collapsed_nodes(graph):
    return {n: d for n, d in graph.nodes(data=True) if 'members' in d}


def test_small_graph_is_left_alone(small_graph):
    assert viz.collapse_graph(small_graph) is small_graph


def test_10000_op_chain_becomes_two_nodes(chain):
    g = chain(10000)
    before = nx.to_dict_of_dicts(g)
    small = viz.collapse_graph(g)
    assert nx.to_dict_of_dicts(g) == before          # input untouched
    assert small.number_of_nodes() == 2
    ((node, data),) = collapsed_nodes(small).items()
    assert data['label'] == 'multiply \u00d710000'
    assert data['collapsed'] == 10000 and data['ops'] == {'multiply': 10000}
    assert len(data['members']) == 20000             # ops and their constants
    assert data['shape'] == (2,) and data['head'] is True
    assert small.graph['heads'] == [node]
    assert list(small.edges) == [('x', node)]
    assert small.graph['collapse_level'] == 1 and small.graph['collapsed_from'] == 20001


def test_short_chains_stay_and_threshold_is_respected(chain):
    assert viz.collapse_graph(chain(7)).number_of_nodes() == 15
    assert viz.collapse_graph(chain(8)).number_of_nodes() == 2
    assert viz.collapse_graph(chain(8), min_chain=None).number_of_nodes() == 17


def test_same_op_runs_collapse_separately(chain):
    g = chain(60, names=('multiply',) * 20 + ('add',) * 20 + ('exp',) * 20)
    small = viz.collapse_graph(g)
    labels = sorted(d['label'] for d in collapsed_nodes(small).values())
    assert labels == ['add \u00d720', 'exp \u00d720', 'multiply \u00d720']
    assert nx.is_directed_acyclic_graph(small)
    assert [small.nodes[n]['label'] for n in nx.topological_sort(small)] == \
        ['x', 'multiply \u00d720', 'add \u00d720', 'exp \u00d720']


def test_mixed_chain_collapses_only_above_budget(chain):
    g = chain(3000, names=('multiply', 'add', 'exp'))
    assert viz.collapse_graph(g, max_nodes=None).number_of_nodes() == 6001
    small = viz.collapse_graph(g, max_nodes=100)
    assert small.graph['collapse_level'] == 2
    (data,) = collapsed_nodes(small).values()
    assert data['label'] == '3000 ops'
    assert data['ops'] == {'multiply': 1000, 'add': 1000, 'exp': 1000}


def test_nan_birth_is_never_hidden(chain):
    g = chain(40)
    for i in range(25, 40):
        g.nodes[f'op{i}']['nonfinite'] = True
    small = viz.collapse_graph(g)
    assert 'op25' in small and small.nodes['op25']['op'] == 'multiply'
    runs = {d['label']: d['nonfinite'] for d in collapsed_nodes(small).values()}
    assert runs == {'multiply \u00d725': False, 'multiply \u00d714': True}
    assert 'first NaN/inf (born here)' in viz.draw(g).source


def test_custom_functions_and_shared_inputs_break_chains(chain):
    g = chain(30)
    g.nodes['op10'].update(custom=True, op='MyFn')
    g.add_node('w', kind='variable', label='w', shape=(2,), dtype='float32')
    g.add_edge('w', 'op20', index=2, output=0)   # a weight: a leaf, fine
    g.add_edge('op5', 'op22', index=3, output=0)  # a computed side input: breaks
    small = viz.collapse_graph(g, min_chain=3)
    assert 'op10' in small and 'w' in small
    # op5 has two consumers and op22 two computed inputs: runs 0-5, 6-9, 11-21, 22-29
    sizes = sorted(d['collapsed'] for d in collapsed_nodes(small).values())
    assert sizes == [4, 6, 8, 11]
    assert nx.is_directed_acyclic_graph(small)


def test_tree_without_chains_is_cut_to_the_budget(tree):
    g = tree(5000)
    small = viz.collapse_graph(g, max_nodes=60)
    assert small.graph['collapse_level'] == 3
    assert small.number_of_nodes() <= 60
    assert nx.is_directed_acyclic_graph(small)
    (head,) = small.graph['heads']
    assert head == 'add4998' and small.nodes[head]['head']
    members = [m for d in collapsed_nodes(small).values() for m in d['members']]
    kept = [n for n in small if 'members' not in small.nodes[n]]
    assert sorted(members + kept) == sorted(g.nodes)   # a partition


def test_budget_keeps_variables_when_they_fit(ladder):
    g = ladder(200)
    assert viz.collapse_graph(g).graph.get('collapse_level') is None
    small = viz.collapse_graph(g, max_nodes=50)
    assert small.graph['collapse_level'] == 3
    assert small.number_of_nodes() <= 50
    assert {'a', 'b', 'c', 'op199'} <= set(small)
    assert nx.is_directed_acyclic_graph(small)


def test_huge_fan_in_bundles_the_inputs():
    g = nx.DiGraph(heads=['stack'])
    g.add_node('stack', kind='op', op='stack', shape=(2000,), dtype='float32', head=True)
    for i in range(2000):
        g.add_node(f'v{i}', kind='variable', label=f'v{i}', shape=(), dtype='float32')
        g.add_edge(f'v{i}', 'stack', index=i, output=0)
    small = viz.collapse_graph(g)
    assert small.number_of_nodes() == 2
    (bundle,) = collapsed_nodes(small).values()
    assert bundle['label'] == '2000 inputs' and bundle['collapsed'] == 0
    assert '2000 inputs' in viz.draw(g).source


def test_contract_merges_parallel_edges():
    g = nx.DiGraph(heads=['c'])
    for n in 'wabc':
        g.add_node(n, kind='op', op='f')
    g.nodes['w']['kind'] = 'variable'
    g.add_edges_from([('w', 'a'), ('w', 'b'), ('a', 'b'), ('b', 'c')], index=0, output=0)
    q = contract(g, [['a', 'b']])
    assert set(q.edges) == {('w', 'a..b'), ('a..b', 'c')}
    assert q.edges['w', 'a..b']['count'] == 2 and 'index' not in q.edges['w', 'a..b']
    assert q.edges['a..b', 'c']['index'] == 0


def test_chain_groups_absorbs_only_private_constants(chain):
    g = chain(10)
    g.add_node('extra', kind='op', op='exp', shape=(2,), dtype='float32')
    g.add_edge('c4', 'extra', index=0, output=0)  # c4 is shared with outside
    (group,) = chain_groups(g, min_chain=8, same_op=True)
    assert 'c4' not in group and 'c3' in group
