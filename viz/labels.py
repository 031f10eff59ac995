"""Short text for nodes: shapes, dtypes, op parameters, values, gradients.

Shared by the picture (``viz.dot``) and the text dump (``viz.text``).
"""

import numpy as np

SMALL = 6          # arrays with at most this many elements are shown in full
LINE_WIDTH = 40    # longer value and gradient lines wrap (at ', '), so they stay in the box
PARAM_WIDTH = 24   # longest shown repr of one op parameter
PARAM_PREFIX = 'param_'  # a parameter named like a node attribute is stored so


def format_shape(shape):
    """``(2, 2)``; a scalar is ``()``; anything not a sequence is repr'd."""
    try:
        return repr(tuple(int(s) for s in shape))
    except TypeError:
        return repr(shape)


def output_types(data):
    """One ``'(2, 2) float32'`` string per output of a node ([] if unknown)."""
    shape, dtype = data.get('shape'), data.get('dtype')
    if shape is None and dtype is None:
        return []
    count = data.get('nout', 1)
    if isinstance(count, int) and count > 1:
        shapes = shape if isinstance(shape, (tuple, list)) else [shape] * count
        dtypes = dtype if isinstance(dtype, (tuple, list)) else [dtype] * count
        return [_type(s, t) for s, t in zip(shapes, dtypes)]
    return [_type(shape, dtype)]


def _type(shape, dtype):
    parts = []
    if shape is not None:
        parts.append(format_shape(shape))
    if dtype is not None:
        parts.append(str(dtype))
    return ' '.join(parts)


def format_params(data, width=PARAM_WIDTH):
    """``'axis=0, keepdims=False'`` from the attributes named in ``params``.

    ``scalar`` is left out: the graph already shows it as a constant node.
    """
    parts = []
    for name in data.get('params') or ():
        if name == 'scalar':
            continue
        value = repr(data.get(name))
        if len(value) > width:
            value = value[:width - 3] + '...'
        shown = name[len(PARAM_PREFIX):] if name.startswith(PARAM_PREFIX) else name
        parts.append(f'{shown}={value}')
    return ', '.join(parts)


def format_number(x):
    """Compact number: ``4``, ``0.1235``, ``1e-08``, ``nan``, ``True``."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (complex, np.complexfloating)):
        return f'{complex(x):.4g}'
    return f'{float(x):.4g}'


def format_array(value, small=SMALL):
    """Values in full for at most ``small`` elements, e.g. ``[[4, 8], [12, 16]]``;
    else shape, L2 norm, min and max of the finite values and a count of NaN/inf, e.g.
    ``(100,) norm=12.5 min=-1 max=2``."""
    if value is None:
        return 'None'
    a = np.asarray(value)
    if a.size <= small:
        if a.ndim == 0:
            return format_number(a.item())
        text = np.array2string(a, separator=', ', max_line_width=10**6,
                               formatter={'all': format_number})
        return ' '.join(text.split())
    text = f'{format_shape(a.shape)} norm={format_number(_l2(a))}'
    if a.size and a.dtype.kind in 'iuf':
        with np.errstate(invalid='ignore'):
            finite = a[np.isfinite(a)] if a.dtype.kind == 'f' else a
        if finite.size:
            text += f' min={format_number(finite.min())} max={format_number(finite.max())}'
    if a.dtype.kind in 'fc':
        nans, infs = int(np.isnan(a).sum()), int(np.isinf(a).sum())
        if nans or infs:
            text += f' ({nans} NaN, {infs} inf)'
    return text


def _l2(a):
    if a.dtype.kind == 'b':
        a = a.astype(np.float64)
    with np.errstate(over='ignore', invalid='ignore'):
        return float(np.linalg.norm(a.ravel().astype(np.result_type(a, np.float64))))


def display_name(node, data):
    """What a node is called: its ``label``, else its op, else its id."""
    label = data.get('label')
    if label not in (None, ''):
        return str(label)
    return str(data.get('op') or node)


def is_scalar_constant(data):
    """A Python-scalar operand: ``is_scalar``, else a constant of shape ``()``."""
    if data.get('kind') != 'constant':
        return False
    if 'is_scalar' in data:
        return bool(data['is_scalar'])
    return 'shape' in data and tuple(data['shape'] or ()) == ()


def node_lines(node, data, *, show_shapes=True, show_grads=False):
    """Lines of text for one node of the picture."""
    kind = data.get('kind')
    lines = [display_name(node, data)]
    if kind == 'op' and data.get('name'):
        lines[0] = f"{data['name']} = {lines[0]}"
    if 'scope_summary' in data:
        from viz.scopes import summary_lines
        return lines + summary_lines(data['scope_summary'])
    if 'members' in data and len(data.get('ops', ())) > 1:
        lines.append(summarize_ops(data['ops']))
    params = format_params(data) if kind == 'op' else ''
    if params:
        lines.append(params)
    if show_shapes and not is_scalar_constant(data):
        types = output_types(data)
        if len(types) > 3:
            lines.append(f'{len(types)} outputs')
        elif len(types) > 1:
            lines.extend(f'{i}: {t}' for i, t in enumerate(types))
        elif types and types[0]:
            lines.append(types[0])
    if kind == 'variable' and data.get('grad_req', 'write') != 'write':
        lines.append(f"grad_req={data.get('grad_req')}")
    if data.get('detached'):
        lines.append('detached')
    if data.get('nonfinite'):
        lines.append('NaN/inf')
    if kind == 'variable' and (show_grads or 'backward_of' in data):
        lines.extend(wrap(grad_line(data)))
    elif 'backward_of' in data or (show_grads and kind == 'op'
                                   and data.get('grad') is not None):
        lines.extend(w for line in op_grad_lines(data) for w in wrap(line))
    if 'ghost_of' in data:
        lines.append('(copy)')
    return lines


def grad_line(data):
    """``grad: [4, 8]``, ``grad: (100,) norm=1.2`` or ``grad: None`` (one str; the
    picture wraps it with ``wrap``)."""
    return 'grad: ' + format_array(data.get('grad'))


def wrap(text, width=LINE_WIDTH):
    """``text`` cut at spaces (never inside a shape's parentheses) into lines of at most
    ``width`` characters where it can be: a Graphviz program measures text with its own
    font metrics, and a long line drawn in a wider font would spill past its box."""
    if len(text) <= width:
        return [text]
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == '(') - (ch == ')')
        if ch == ' ' and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    lines, current = [], ''
    for piece in pieces:
        candidate = piece if not current else current + ' ' + piece
        if current and len(candidate) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


def op_grad_lines(data):
    """``['grad: [1, 1]']`` for an op (the gradient of the heads with respect to its
    output, kept by a backward with ``retain_graph=True``); one line per output
    (``grad[1]: ...``) when it has several."""
    grad = data.get('grad')
    if isinstance(grad, tuple):
        return [f'grad[{i}]: ' + format_array(g) for i, g in enumerate(grad)]
    return ['grad: ' + format_array(grad)]


def summarize_ops(ops, top=3):
    """``'multiply ×60, add ×40, ...'`` from an op -> count mapping."""
    items = sorted(ops.items(), key=lambda kv: -kv[1])
    text = ', '.join(f'{name} \u00d7{n}' for name, n in items[:top])
    return text + (', ...' if len(items) > top else '')


def summary_lines(name, value):
    """``['value: ...']`` (``format_array``); one line per output for a tuple."""
    if isinstance(value, tuple):
        return [f'{name}[{i}]: ' + format_array(v) for i, v in enumerate(value)]
    return [f'{name}: ' + format_array(value)]


def info_lines(node, data):
    """Everything the interactive page shows on hover: the tooltip's lines plus
    types, scope and gradient."""
    lines = tooltip(node, data).split('\n')
    types = output_types(data)
    if types:
        lines.insert(2, 'type: ' + ', '.join(types))
    if data.get('scope'):
        lines.append(f"scope: {data['scope']}")
    if data.get('grad') is not None:
        lines.extend(summary_lines('grad', data['grad']))
    return lines


def tooltip(node, data):
    """Hover text in SVG output: node id, kind/op, parameters, value."""
    parts = [f'id: {node}', f"kind: {data.get('kind')}"]
    if 'ghost_of' in data:
        parts.append(f"copy of {data['ghost_of']}, drawn here to keep the layout small")
    if data.get('op'):
        parts.append(f"op: {data.get('op')}")
    params = format_params(data, width=80)
    if params:
        parts.append(params)
    if 'members' in data:
        parts.append(f"{len(data['members'])} nodes, {data.get('collapsed', 0)} ops: "
                     + summarize_ops(data.get('ops', {}), top=8))
    if data.get('value') is not None:
        parts.extend(summary_lines('value', data['value']))
    return '\n'.join(parts)
