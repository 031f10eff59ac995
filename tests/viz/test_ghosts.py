"""split_long_edges: edges spanning many ranks go to dotted copies."""

import time

import networkx as nx

import viz
from viz.ghosts import estimate_ranks, split_long_edges


def test_small_graphs_are_untouched(small_graph, ladder):
    assert split_long_edges(small_graph) is small_graph
    g = ladder(100)
    assert split_long_edges(g) is g


def test_ranks_put_inputs_above_their_first_consumer(ladder):
    rank = estimate_ranks(ladder(100))
    assert rank['a'] == 0 and rank['op0'] == 1 and rank['op99'] == 100
    assert rank['c'] == 0          # first used by op0


def test_shared_input_is_copied_beside_far_consumers(ladder):
    g = ladder(3000)               # 'c' feeds every 50th op: long edges
    before = nx.to_dict_of_dicts(g)
    out = split_long_edges(g, max_virtual=5000)   # op_i -> op_i+2 edges: ~3000
    assert nx.to_dict_of_dicts(g) == before
    ghosts = {n: d for n, d in out.nodes(data=True) if 'ghost_of' in d}
    assert ghosts and {d['ghost_of'] for d in ghosts.values()} == {'c'}
    for ghost in ghosts:
        ((_, consumer, data),) = out.out_edges(ghost, data=True)
        assert data == g.edges['c', consumer] and out.in_degree(ghost) == 0
        assert not out.has_edge('c', consumer)
    rank = estimate_ranks(out)
    assert sum(max(0, rank[v] - rank[u] - 1) for u, v in out.edges) <= 5000
    assert out.number_of_edges() == g.number_of_edges()


def test_ghosts_are_drawn_dotted_with_a_legend_entry(ladder):
    src = viz.draw(ladder(3000), max_nodes=None, collapse=False).source
    assert '(copy)' not in src     # no budget, no ghosts
    g = ladder(20000)
    start = time.monotonic()
    fig = viz.draw(g)
    src = fig.source
    assert '(copy)' in src and 'dotted' in src and 'copy of a node used far away' in src
    assert '<svg' in fig.pipe('svg', encoding='utf-8')
    assert time.monotonic() - start < 60


def test_a_nonfinite_ghost_is_not_a_birth(nan_graph):
    out = split_long_edges(nan_graph, max_virtual=0)
    assert 'op_log@op_mul' not in out      # span 1 edges stay
    nan_graph.add_node('far', kind='op', op='exp', shape=(3,), dtype='float32')
    nan_graph.add_edge('op_add', 'far', index=0, output=0)
    nan_graph.add_edge('op_log', 'far', index=1, output=0)
    out = split_long_edges(nan_graph, max_virtual=0)
    assert out.nodes['op_log@far']['ghost_of'] == 'op_log'
    assert viz.graphs.nonfinite_births(out) == {'op_log'}
