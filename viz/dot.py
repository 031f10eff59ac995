"""Writing a tape DiGraph as Graphviz DOT (a ``GraphFigure``).

No layout or collapsing happens here: the graph given is drawn node for node
(``viz.draw`` collapses first).  Styles come from ``viz.styles``.
"""

import html

import graphviz

from viz import styles
from viz.figure import GraphFigure
from viz.graphs import arg_slots, head_set, inputs_of, nonfinite_births, nout, topological_order
from viz.labels import node_lines, tooltip
from viz.scopes import scope_label, scopes_of


def build_figure(graph, *, show_grads=False, show_shapes=True, legend=True,
                 title=None, rankdir='TB', program=None, timeout=None):
    """Return a ``GraphFigure`` with one DOT node per graph node, in
    topological order, and a legend of the styles used (if ``legend``)."""
    extra = {} if timeout is None else {'timeout': timeout}
    fig = GraphFigure(name=str(graph.graph.get('name') or 'autodiff'),
                      graph_attr={**styles.GRAPH_ATTR, 'rankdir': rankdir},
                      node_attr=styles.NODE_ATTR, edge_attr=styles.EDGE_ATTR,
                      format='svg', program=program, **extra)
    order = topological_order(graph)
    dot_id = {node: f'n{i}' for i, node in enumerate(order)}
    heads, births = head_set(graph), nonfinite_births(graph)
    used = set()
    groups = {}             # fused_group -> its nodes (autograd.compile's fused loops)
    in_scope = {}           # scope key -> its nodes (block_scope clusters)
    scopes = scopes_of(graph)
    for node in order:
        data = graph.nodes[node]
        attrs, keys = node_style(node, data, heads, births)
        used |= keys
        lines = node_lines(node, data, show_shapes=show_shapes, show_grads=show_grads)
        if data.get('compiled_step') == 'blas':       # autograd.compile runs it as a GEMM
            lines = list(lines) + ['(BLAS call)']
        spec = dict(label=_dot_text(lines),
                    tooltip=_dot_text(tooltip(node, data).split('\n')), **attrs)
        spec['id'] = f'node_{dot_id[node]}'
        if data.get('fused_group') is not None:
            groups.setdefault(data['fused_group'], []).append((dot_id[node], spec))
        elif data.get('scope_key') in scopes:
            in_scope.setdefault(data['scope_key'], []).append((dot_id[node], spec))
        else:
            fig.node(dot_id[node], **spec)
    if in_scope:
        add_scope_clusters(fig, scopes, in_scope)
        used.add('scope')
    for group, members in groups.items():
        with fig.subgraph(name=f'cluster_fused_{group}') as sub:
            sub.attr(label=f'fused loop {group}', **styles.FUSED_CLUSTER_ATTR)
            for node_id, spec in members:
                sub.node(node_id, **spec)
    for node in order:
        _add_edges(fig, graph, node, dot_id)
    for node in order:                   # a backward step beside the forward op it reverses
        data = graph.nodes[node]
        if 'backward_of' in data and data.get('scope_key') not in scopes \
                and graph.nodes[data['backward_of']].get('fused_group') is None:
            with fig.subgraph() as same:
                same.attr(rank='same')
                same.node(dot_id[data['backward_of']])
                same.node(dot_id[node])
    fig.drawn_graph, fig.dot_ids = graph, dot_id      # read by viz.page
    caption = _caption(graph, title)
    if caption:
        fig.attr(label=_dot_text(caption), labelloc='t', fontsize='14')
    if legend and used:
        add_legend(fig, used)
    return fig


def add_scope_clusters(fig, scopes, in_scope):
    """Nest one cluster per scope (``name : Kind``) holding its nodes (``in_scope``:
    scope key -> ``[(dot id, node spec)]``); scopes without nodes are drawn only when a
    nested scope has some."""
    children = {}
    for key, info in scopes.items():
        children.setdefault(info.get('parent'), []).append(key)
    wanted = set()
    for key in in_scope:
        while key is not None and key not in wanted:
            wanted.add(key)
            key = scopes[key].get('parent')
    index = {key: i for i, key in enumerate(scopes)}

    def emit(parent_fig, key):          # recursion depth = scope nesting (a few levels)
        with parent_fig.subgraph(name=f'cluster_scope_{index[key]}') as sub:
            sub.attr(label=scope_label(scopes[key]), id=f'scope_{index[key]}',
                     tooltip=f"scope {scopes[key].get('path')}", **styles.SCOPE_CLUSTER_ATTR)
            for node_id, spec in in_scope.get(key, ()):
                sub.node(node_id, **spec)
            for child in children.get(key, ()):
                if child in wanted:
                    emit(sub, child)

    for key in children.get(None, ()):
        if key in wanted:
            emit(fig, key)


def node_style(node, data, heads, births):
    """Return ``(attrs, legend_keys)``: Graphviz attributes for one node and
    the legend entries (``styles.LEGEND`` keys) they correspond to."""
    kind = data.get('kind')
    if 'backward_of' in data:
        key, base = 'backward', styles.BACKWARD
    elif 'members' in data:
        key, base = 'collapsed', styles.COLLAPSED
    elif kind == 'variable':
        null = data.get('grad_req') == 'null'
        key, base = ('variable_null', styles.VARIABLE_NO_GRAD) if null \
            else ('variable', styles.VARIABLE)
    elif kind == 'constant':
        key, base = 'constant', styles.CONSTANT
    elif data.get('custom'):
        key, base = 'custom', styles.CUSTOM
    else:
        key, base = 'op', styles.OP
    attrs, keys = dict(base), {key}
    if 'ghost_of' in data:
        lines = [w for w in attrs['style'].split(',') if w not in ('dashed', 'dotted')]
        attrs['style'] = ','.join(lines + [styles.GHOST_LINE])
        keys.add('ghost')
    overlays = (
        ('reused', kind == 'op' and data.get('reused') and 'backward_of' not in data,
         styles.REUSED),
        ('head', node in heads, styles.HEAD),
        ('detached', data.get('detached'), styles.DETACHED),
        ('grad_nonfinite', kind == 'variable' and data.get('grad_nonfinite'),
         styles.GRAD_NONFINITE),
        ('nonfinite_birth', node in births, styles.NONFINITE_BIRTH),
        ('nonfinite', data.get('nonfinite') and node not in births, styles.NONFINITE),
    )
    for name, applies, overlay in overlays:
        if applies:
            attrs.update(overlay)
            keys.add(name)
    return attrs, keys


def add_legend(fig, used):
    """Add a ``legend`` cluster with one HTML-table node: a swatch (fill,
    border colour, border style and shape name as drawn) and a text for each
    style in ``used`` (keys of ``styles.LEGEND``)."""
    rows = [_legend_row(text, style)
            for key, text, style in styles.LEGEND if key in used]
    table = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
             + ''.join(rows) + '</TABLE>>')
    with fig.subgraph(name='cluster_legend') as sub:
        sub.attr(**styles.LEGEND_CLUSTER)
        sub.node('legend', label=table, shape='plaintext', fontsize='9')


def _legend_row(text, style):
    fill, color = style.get('fillcolor', '#ffffff'), style.get('color', '#000000')
    width = max(1, round(float(style.get('penwidth', '1'))))
    line = style.get('style', '')
    cell_style = next((f' STYLE="{word}"' for word in ('dashed', 'dotted', 'rounded')
                       if word in line), '')
    shape = html.escape(styles.SHAPE_NAMES.get(style.get('shape'), style.get('shape', '')))
    if style.get('peripheries') == '2':
        shape = (f'<TABLE BORDER="{width}" COLOR="{color}" CELLBORDER="0" CELLPADDING="0">'
                 f'<TR><TD>{shape}</TD></TR></TABLE>')
    return (f'<TR><TD BGCOLOR="{fill}" COLOR="{color}" BORDER="{width}"{cell_style} '
            f'WIDTH="44">{shape}</TD><TD ALIGN="LEFT">{html.escape(text)}</TD></TR>')


def _add_edges(fig, graph, node, dot_id):
    several_args = len(inputs_of(graph, node)) > 1
    for producer, _, data in graph.in_edges(node, data=True):
        ends = dot_id[producer], dot_id[node]
        edge_id = f'edge_{ends[0]}_{ends[1]}'
        if data.get('gradient'):         # laid out as the forward edge, arrow turned round
            fig.edge(ends[1], ends[0], id=edge_id, **styles.GRADIENT_EDGE)
            continue
        if data.get('reverses'):
            fig.edge(*ends, id=edge_id, **styles.REVERSES_EDGE)
            continue
        attrs = {'id': edge_id}
        slots = arg_slots(data) if data.get('count', 1) == 1 else []
        head = ','.join(str(i) for i, _ in slots) if several_args and slots else ''
        tail = ','.join(f'[{o}]' for _, o in slots) \
            if nout(graph.nodes[producer]) > 1 and slots else ''
        if head and tail:
            # one label in the middle, 'output -> argument' per slot: a head and a tail
            # label on one short edge are drawn over each other
            attrs['label'] = ', '.join(f'[{o}]\u2192{i}' for i, o in slots)
        elif head and _enters_frame(graph, producer, node):
            # an argument position at a node at the top of a frame would sit on the
            # frame's title: a middle label gets its own space outside the frame
            attrs['label'] = head
        elif head:
            attrs['headlabel'] = head
        elif tail:
            attrs['taillabel'] = tail
        if data.get('count', 1) > 1:
            attrs['label'] = f"\u00d7{data['count']}"
            attrs.update(styles.MERGED_EDGE)
        if graph.nodes[producer].get('detached'):
            attrs.update(styles.DETACHED_EDGE)
        fig.edge(dot_id[producer], dot_id[node], **attrs)


def _frame(data):
    if data.get('fused_group') is not None:
        return ('fused', data['fused_group'])
    if data.get('scope_key') is not None:
        return ('scope', data['scope_key'])
    return None


def _enters_frame(graph, producer, node):
    """True when the edge enters a fused-loop or scope frame its producer is outside."""
    inner = _frame(graph.nodes[node])
    if inner is None:
        return False
    outer = _frame(graph.nodes[producer])
    if inner[0] == 'scope' and outer is not None and outer[0] == 'scope':
        return not (outer[1] == inner[1] or outer[1].startswith(inner[1] + '/'))
    return outer != inner


def _caption(graph, title):
    lines = []
    if title is None:
        title = graph.graph.get('name')
    if title:
        lines.append(str(title))
    level = graph.graph.get('collapse_level')
    if level:
        lines.append(f"{graph.graph.get('collapsed_from')} nodes collapsed to "
                     f'{graph.number_of_nodes()} (level {level})')
    return lines


def _dot_text(lines):
    """Join lines into one DOT escString, never read as an HTML label."""
    escaped = (str(line).replace('\\', '\\\\').replace('\n', ' ') for line in lines)
    return graphviz.nohtml('\\n'.join(escaped))
