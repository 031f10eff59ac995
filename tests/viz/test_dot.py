"""The DOT text of draw(): labels, styles, legend, gradients, NaN highlighting."""

import re

import numpy as np

import viz
from viz import styles


def node_lines(source):
    """{dot id: attribute text} for the graph's own nodes (n0, n1, ...)."""
    return dict(re.findall(r'^\s*(n\d+) \[(.*)\]$', source, flags=re.M))


def node_for(source, first_label_line):
    """Attribute text of the single node whose label starts with the text."""
    found = [attrs for attrs in node_lines(source).values()
             if re.search(r'label="?' + re.escape(first_label_line) + r'(\\n|"| )', attrs)]
    assert len(found) == 1, (first_label_line, found)
    return found[0]


def test_every_label_and_shape_is_in_the_dot(y_2xx):
    src = viz.draw(y_2xx).source
    assert len(node_lines(src)) == 4
    assert 'label="x\\n(2, 2) float32"' in src
    assert 'label=2.0 ' in src          # scalar constant: its value, no shape
    assert src.count('label="multiply\\n(2, 2) float32"') == 2
    assert src.count(' -> ') == 4
    assert 'rankdir=TB' in src


def test_styles_by_kind(y_2xx, custom_graph):
    src = viz.draw(y_2xx).source
    assert styles.VARIABLE['fillcolor'] in node_for(src, 'x')
    assert styles.CONSTANT['fillcolor'] in node_for(src, '2.0')
    head = node_for(viz.draw(custom_graph).source, 'sum')
    assert 'peripheries=2' in head and styles.HEAD['color'] in head
    fn = node_for(viz.draw(custom_graph).source, 'MyFn')
    assert styles.CUSTOM['fillcolor'] in fn and 'shape=octagon' in fn


def test_legend_lists_the_styles_used(y_2xx, nan_graph):
    src = viz.draw(y_2xx).source
    assert 'subgraph cluster_legend' in src
    for text in ('variable (gets a gradient)', 'constant / unmarked input',
                 'operation', 'head (output asked for)'):
        assert text in src
    for key in ('variable', 'constant', 'op'):
        style = dict((k, s) for k, _, s in styles.LEGEND)[key]
        assert f'BGCOLOR="{style["fillcolor"]}"' in src
    assert 'custom autograd.Function' not in src
    nan_src = viz.draw(nan_graph).source
    assert 'first NaN/inf (born here)' in nan_src and 'gradient has NaN/inf' in nan_src
    assert 'legend' not in viz.draw(y_2xx, legend=False).source


def test_all_colours_are_six_digit_hex(small_graph):
    src = viz.draw(small_graph, show_grads=True).source
    colours = re.findall(r'#[0-9a-fA-F]+\b', src)
    assert colours and all(len(c) == 7 for c in colours)


def test_custom_function_outputs(custom_graph):
    src = viz.draw(custom_graph).source
    fn = node_for(src, 'MyFn')
    assert '0: (2, 3) float32\\n1: (2, 3) float32\\n2: (2, 3) float32' in fn
    # output and argument in one middle label ('[output]→argument'), not a head and a
    # tail label drawn over each other on a short edge
    assert 'label="[0]→0, [1]→1"' in src and 'label="[2]→1"' in src
    assert 'taillabel' not in src
    assert 'axis=None, keepdims=False' in node_for(src, 'sum')


def test_detached_cut_point(detached_graph):
    src = viz.draw(detached_graph).source
    z = node_for(src, 'z')
    assert styles.DETACHED['color'] in z and 'dashed' in z and 'detached' in z
    dashed_edges = [e for e in src.splitlines() if '->' in e and 'dashed' in e]
    assert len(dashed_edges) == 1
    assert 'detached (graph cut)' in src
    # x * x: one edge carrying both argument positions
    assert 'headlabel="0,1"' in src


def test_nan_highlight_on_the_right_nodes_only(nan_graph):
    src = viz.draw(nan_graph).source
    birth, red = styles.NONFINITE_BIRTH['fillcolor'], styles.NONFINITE['fillcolor']
    nodes = node_lines(src)
    with_birth = [a for a in nodes.values() if birth in a]
    assert with_birth == [node_for(src, 'log')]
    assert red in node_for(src, 'multiply') and red in node_for(src, 'add')
    assert 'NaN/inf' in node_for(src, 'add')
    for clean in ('exp', '2.0'):
        attrs = node_for(src, clean)
        assert red not in attrs and birth not in attrs and 'NaN' not in attrs
        assert styles.NONFINITE['color'] not in attrs
    # the variable's gradient is not finite: red border, normal fill
    x = node_for(src, 'x')
    assert styles.GRAD_NONFINITE['color'] in x and styles.VARIABLE['fillcolor'] in x


def test_show_grads_small_values(y_2xx):
    assert 'grad:' not in viz.draw(y_2xx).source
    x = node_for(viz.draw(y_2xx, show_grads=True).source, 'x')
    assert 'grad: [[4, 8], [12, 16]]' in x


def test_show_grads_large_gives_shape_and_norm(y_2xx):
    y_2xx.nodes['x'].update(shape=(10, 10), grad=np.full((10, 10), 0.5, np.float32))
    x = node_for(viz.draw(y_2xx, show_grads=True).source, 'x')
    assert 'grad: (10, 10) norm=5' in x


def test_show_grads_none_and_nonfinite(y_2xx, nan_graph):
    y_2xx.nodes['x']['grad'] = None
    assert 'grad: None' in node_for(viz.draw(y_2xx, show_grads=True).source, 'x')
    x = node_for(viz.draw(nan_graph, show_grads=True).source, 'x')
    assert 'grad: [nan, inf, 2]' in x


def test_grad_req_null_style(y_2xx):
    y_2xx.nodes['x']['grad_req'] = 'null'
    src = viz.draw(y_2xx).source
    x = node_for(src, 'x')
    assert styles.VARIABLE_NO_GRAD['fillcolor'] in x and 'grad_req=null' in x
    assert "variable, grad_req=&#x27;null&#x27;" in src


def test_show_shapes_off(y_2xx):
    src = viz.draw(y_2xx, show_shapes=False).source
    assert 'float32' not in src
    assert 'label=x ' in src


def test_title_rankdir_and_graph_name(y_2xx):
    src = viz.draw(y_2xx, title='y = 2x^2', rankdir='LR').source
    assert 'label="y = 2x^2"' in src and 'rankdir=LR' in src
    y_2xx.graph['name'] = 'seed cell 4'
    assert 'label="seed cell 4"' in viz.draw(y_2xx).source


def test_user_text_is_escaped(y_2xx):
    y_2xx.nodes['x']['label'] = '<x\\y>'
    src = viz.draw(y_2xx).source
    assert 'label="<x\\\\y>\\n(2, 2) float32"' in src


def test_tooltips_name_the_node(y_2xx):
    y_2xx.nodes['op1']['value'] = np.array([[2, 8], [18, 32]], np.float32)
    nodes = node_lines(viz.draw(y_2xx).source).values()
    (head,) = [attrs for attrs in nodes if 'tooltip="id: op1' in attrs]
    assert 'value: [[2, 8], [18, 32]]' in head


def test_named_result_prefixed_parameter_and_scalar_flag(y_2xx):
    y_2xx.nodes['op1'].update(name='y', params=('param_dtype',), param_dtype='int32')
    y_2xx.nodes['c0'].update(is_scalar=True, shape=(), dtype='float')
    y_2xx.add_node('k', kind='constant', label='const0', shape=(), dtype='float32',
                   is_scalar=False)
    y_2xx.add_edge('k', 'op1', index=2, output=0)
    src = viz.draw(y_2xx).source
    assert 'label="y = multiply\\ndtype=\'int32\'\\n(2, 2) float32"' in src
    assert 'label=2.0 ' in src                       # scalar operand: value only
    assert 'label="const0\\n() float32"' in src      # a 0-d array keeps its type
