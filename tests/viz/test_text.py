import networkx as nx

import viz

Y_2XX = """\
%0 = variable x : (2, 2) float32 grad_req=write
%1 = constant 2.0 : () float32
%2 = multiply(%1, %0) : (2, 2) float32
%3 = multiply(%2, %0) : (2, 2) float32
return %3"""

CUSTOM = """\
%0 = variable a : (2, 3) float32 grad_req=write
%1 = variable b : (2, 3) float32 grad_req=write
%2, %3, %4 = MyFn(%0, %1) : (2, 3) float32, (2, 3) float32, (2, 3) float32 custom
%5 = add(%2, %3) : (2, 3) float32
%6 = multiply(%5, %4) : (2, 3) float32
%7 = sum[axis=None, keepdims=False](%6) : () float32
return %7"""

DETACHED = """\
%0 = variable x : (3,) float32 grad_req=write
%1 = constant z : (3,) float32 detached
%2 = multiply(%0, %0) : (3,) float32
%3 = multiply(%1, %0) : (3,) float32
%4 = add(%3, %2) : (3,) float32
return %4"""

NAN = """\
%0 = variable x : (3,) float32 grad_req=write
%1 = constant 2.0 : () float32
%2 = exp(%0) : (3,) float32
%3 = log(%0) : (3,) float32 NaN/inf
%4 = multiply(%3, %1) : (3,) float32 NaN/inf
%5 = add(%4, %2) : (3,) float32 NaN/inf
return %5"""


def test_y_2xx(y_2xx):
    assert viz.to_text(y_2xx) == Y_2XX


def test_custom_function_binds_one_name_per_output(custom_graph):
    assert viz.to_text(custom_graph) == CUSTOM


def test_detached_and_repeated_argument(detached_graph):
    assert viz.to_text(detached_graph) == DETACHED


def test_nonfinite_marked(nan_graph):
    assert viz.to_text(nan_graph) == NAN


def test_variable_attached_to_a_recorded_result(y_2xx):
    y_2xx.add_node('z', kind='variable', label='z', shape=(2, 2), dtype='float32',
                   grad_req='add')
    y_2xx.add_edge('op1', 'z', index=0, output=0)
    y_2xx.add_node('op2', kind='op', op='exp', shape=(2, 2), dtype='float32')
    y_2xx.add_edge('z', 'op2', index=0, output=0)
    y_2xx.graph['heads'] = ['op2', 'op1']
    lines = viz.to_text(y_2xx).splitlines()
    assert lines[4:] == ['%4 = variable z <- %3 : (2, 2) float32 grad_req=add',
                         '%5 = exp(%4) : (2, 2) float32',
                         'return %5, %3']


def test_inputs_come_first_and_order_is_topological(chain):
    lines = viz.to_text(chain(5)).splitlines()
    assert [line.split(' = ')[1].split()[0] for line in lines[:6]] == \
        ['variable'] + ['constant'] * 5
    assert lines[6] == '%6 = multiply(%0, %1) : (2,) float32'
    assert lines[-2] == '%10 = multiply(%9, %5) : (2,) float32'
    assert lines[-1] == 'return %10'


def test_multidigraph_parallel_edges():
    g = nx.MultiDiGraph(heads=['m'])
    g.add_node('x', kind='variable', label='x', shape=(), dtype='float32')
    g.add_node('m', kind='op', op='multiply', shape=(), dtype='float32')
    g.add_edge('x', 'm', index=1, output=0)
    g.add_edge('x', 'm', index=0, output=0)
    assert viz.to_text(g).splitlines()[1:] == ['%1 = multiply(%0, %0) : () float32',
                                              'return %1']


def test_deep_chain_does_not_recurse(chain):
    text = viz.to_text(chain(5000))
    assert text.count('\n') == 10001
    assert text.endswith('return %10000')


def test_head_outputs_pick_the_output_of_a_multi_output_head(custom_graph):
    custom_graph.graph['heads'] = ['op3', 'fn']
    custom_graph.graph['head_outputs'] = [('op3', 0), ('fn', 1)]
    assert viz.to_text(custom_graph).splitlines()[-1] == 'return %7, %3'
    del custom_graph.graph['head_outputs']
    assert viz.to_text(custom_graph).splitlines()[-1] == 'return %7, %2, %3, %4'


def test_named_result_and_prefixed_parameter(y_2xx):
    y_2xx.nodes['op1'].update(name='y', params=('param_shape',), param_shape=(2, 2))
    assert viz.to_text(y_2xx).splitlines()[3] == \
        '%3 = multiply[shape=(2, 2)](%2, %0) : (2, 2) float32 name=y'
