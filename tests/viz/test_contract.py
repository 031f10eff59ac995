"""The graph contract checker, and how viz gets a graph from arrays."""

import subprocess
import sys
import types

import networkx as nx
import pytest

import viz


def test_sample_graphs_follow_the_contract(small_graph, chain, tree, ladder):
    for g in (small_graph, chain(20), tree(9), ladder(20)):
        assert viz.graph_problems(g) == []
        viz.check_graph(g)


def test_violations_are_reported(y_2xx):
    g = y_2xx
    g.nodes['x']['kind'] = 'leaf'
    g.nodes['op0']['nout'] = 3
    g.nodes['op1']['params'] = ('axis',)
    g.add_edge('op1', 'c0', index=0, output=3)
    g.graph['heads'] = ['nope']
    g.graph['head_outputs'] = [('op1', 1)]
    with pytest.raises(ValueError) as info:
        viz.check_graph(g)
    text = str(info.value)
    for part in ("kind 'leaf'", 'nout=3 but shape', "parameter 'axis'",
                 'a constant with inputs', 'has output 3', 'cycle', "head 'nope'",
                 "head output ('op1', 1)"):
        assert part in text
    assert viz.graph_problems([]) == ['not a networkx.DiGraph: list']


def test_parameter_names_must_not_clash(y_2xx):
    y_2xx.nodes['op1']['params'] = ('shape',)
    assert viz.graph_problems(y_2xx) == [
        "node 'op1': parameter 'shape' clashes with a node attribute (store it as param_shape)"]
    y_2xx.nodes['op1'].update(params=('param_shape',), param_shape=(2, 2))
    assert viz.graph_problems(y_2xx) == []


def test_repeated_argument_positions_are_reported(y_2xx):
    y_2xx.edges['x', 'op1']['index'] = 0
    assert viz.graph_problems(y_2xx) == ["node 'op1': argument positions repeat: [0, 0]"]


def test_arrays_go_through_autodiff_get_graph(y_2xx, monkeypatch):
    """Non-graphs are handed to autodiff.autograd.get_graph, imported lazily."""
    calls = []
    autograd = types.SimpleNamespace(get_graph=lambda obj: calls.append(obj) or y_2xx)
    package = types.ModuleType('autodiff')
    package.autograd = autograd
    monkeypatch.setitem(sys.modules, 'autodiff', package)
    heads = [object()]
    assert viz.to_text(heads).endswith('return %3')
    assert 'multiply' in viz.draw(heads).source
    assert calls == [heads, heads]
    autograd.get_graph = lambda obj: 'not a graph'
    with pytest.raises(TypeError, match='did not return a networkx.DiGraph'):
        viz.to_text(heads)


def test_importing_viz_does_not_import_autodiff():
    code = 'import sys, viz; print("autodiff" in sys.modules)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == 'False'


def test_multidigraph_is_accepted():
    g = nx.MultiDiGraph(heads=['m'])
    g.add_node('x', kind='variable', label='x', shape=(), dtype='float32')
    g.add_node('m', kind='op', op='multiply', shape=(), dtype='float32', head=True)
    g.add_edge('x', 'm', index=0, output=0)
    g.add_edge('x', 'm', index=1, output=0)
    assert viz.graph_problems(g) == []
    src = viz.draw(g).source
    assert src.count(' -> n1') == 1 and 'headlabel="0,1"' in src   # merged
