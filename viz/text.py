"""Plain-text dump of a tape graph, one line per node, in the style of jax's
``make_jaxpr``.  Inputs (variables and constants) come first, then the ops in
topological order, then the heads::

    %0 = variable x : (2, 2) float32 grad_req=write
    %1 = constant 2.0 : () float32
    %2 = multiply(%1, %0) : (2, 2) float32
    %3 = multiply(%2, %0) : (2, 2) float32
    %4 = sum[axis=None](%3) : () float32
    return %4
"""

from viz.graphs import as_graph, heads, inputs_of, nout, topological_order
from viz.labels import display_name, format_params, output_types


def to_text(heads_or_graph):
    """Return the graph as text, one ``%k = ...`` line per node.

    Line forms: ``%k = variable NAME : TYPE grad_req=R``; ``%k = constant
    VALUE_OR_NAME : TYPE``; ``%k = OP[PARAMS](%i, %j) : TYPE``; a node with
    several outputs binds several names, ``%4, %5, %6 = MyFn(%0, %1) : T0, T1,
    T2 custom``; a variable attached to a recorded result reads ``%k =
    variable NAME <- %i : ...``.  Markers after the type: ``custom``
    (autograd.Function), ``detached``, ``NaN/inf`` (the value is not finite),
    ``name=y`` (an op result named with ``get_graph(..., names=)``),
    ``scope=net0/dense0`` (recorded inside ``block_scope``s).  The last
    line, ``return %a, %b``, lists the heads (one name per
    ``graph['head_outputs']`` entry when given).  ``heads_or_graph`` is a
    DiGraph or what ``autodiff.autograd.get_graph`` accepts.
    """
    graph = as_graph(heads_or_graph)
    order = topological_order(graph)
    inputs = [n for n in order
              if graph.in_degree(n) == 0 and graph.nodes[n].get('kind') != 'op']
    seen = set(inputs)
    order = inputs + [n for n in order if n not in seen]

    names, counter = {}, 0
    for node in order:
        count = nout(graph.nodes[node])
        names[node] = [f'%{counter + i}' for i in range(count)]
        counter += count

    lines = [_line(graph, node, names) for node in order]
    head_outputs = graph.graph.get('head_outputs')
    if head_outputs:
        returned = [_ref(names, node, output) for node, output in head_outputs]
    else:
        returned = [name for h in heads(graph) for name in names[h]]
    if returned:
        lines.append('return ' + ', '.join(returned))
    return '\n'.join(lines)


def _line(graph, node, names):
    data = graph.nodes[node]
    kind = data.get('kind')
    args = ', '.join(_ref(names, producer, output)
                     for _, producer, output in inputs_of(graph, node))
    if kind == 'variable':
        rhs = f'variable {display_name(node, data)}' + (f' <- {args}' if args else '')
    elif kind == 'constant':
        rhs = f'constant {display_name(node, data)}' + (f' <- {args}' if args else '')
    else:
        params = format_params(data, width=60)
        rhs = f"{data.get('op') or display_name(node, data)}" \
              + (f'[{params}]' if params else '') + f'({args})'
    text = f"{', '.join(names[node])} = {rhs}"
    types = output_types(data)
    if types:
        text += ' : ' + ', '.join(types)
    marks = []
    if kind == 'variable':
        marks.append(f"grad_req={data.get('grad_req', 'write')}")
    if kind == 'op' and data.get('name'):
        marks.append(f"name={data['name']}")
    if data.get('scope'):
        marks.append(f"scope={data['scope']}")
    if data.get('custom'):
        marks.append('custom')
    if data.get('detached'):
        marks.append('detached')
    if data.get('nonfinite'):
        marks.append('NaN/inf')
    return text + ''.join(' ' + m for m in marks)


def _ref(names, producer, output):
    refs = names[producer]
    if isinstance(output, int) and 0 <= output < len(refs):
        return refs[output]
    return f'{refs[0]}[{output}]'
