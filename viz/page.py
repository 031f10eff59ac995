"""One self-contained interactive HTML page for a graph: ``to_html`` and ``page_html``.

The page is the SVG that Graphviz draws, inlined, plus a small hand-written script
(``viz/page.js``) and style sheet (``viz/page.css``): no network access, no CDN, no
server.  It gives

- pan (drag the background) and zoom (wheel, or the + / - / fit buttons);
- click a Block scope's frame to collapse it into one box (its ops, parameter count) and
  click the box to expand it again; scopes deeper than ``depth=`` start collapsed;
- hover a node: id, kind, op, output type, op parameters, scope, value and gradient;
- a slider that steps through the forward pass (op by op, in tape order: each op lights up
  as it runs) and then the backward pass (reverse tape order: each node's gradient arrives,
  red), with the step described beside it.

Everything the script needs is a JSON block in the page (``page_data``).
"""

import html
import json
import os
import re

from viz.graphs import topological_order
from viz.labels import display_name, format_array, info_lines
from viz.scopes import scope_label, scopes_of, under

_HERE = os.path.dirname(os.path.abspath(__file__))


def _asset(name):
    with open(os.path.join(_HERE, name), encoding='utf-8') as f:
        return f.read()


def to_html(heads_or_graph, *, depth=None, title=None, **draw_options):
    """Return the interactive page (a str) for ``heads_or_graph`` (see the module
    docstring).  ``depth``: scopes deeper than it start collapsed (the page can expand
    them); the other options are ``viz.draw``'s (``show_grads``, ``backward``, ...)."""
    from viz.picture import draw
    fig = draw(heads_or_graph, title=title, **draw_options)
    return page_html(fig, depth=depth, title=title)


def page_html(fig, *, depth=None, title=None):
    """The page for a figure made by ``viz.draw`` (it carries the drawn graph)."""
    graph = getattr(fig, 'drawn_graph', None)
    if graph is None:
        raise TypeError('page_html needs a figure made by viz.draw')
    svg = fig.pipe('svg', encoding='utf-8')
    svg = svg[svg.index('<svg'):]                  # drop the XML prolog and DOCTYPE
    data = page_data(graph, fig.dot_ids, svg, depth)
    name = title or graph.graph.get('name') or 'autodiff graph'
    payload = json.dumps(data, separators=(',', ':')).replace('</', '<\\/')
    return _asset('page.html').format(
        title=html.escape(str(name)), css=_asset('page.css'), svg=svg,
        data=payload, script=_asset('page.js').replace('</', '<\\/'))


def page_data(graph, dot_ids, svg, depth=None):
    """The JSON the script reads: nodes (hover text, kind), clusters (members, summary),
    steps (forward in tape order, then backward), the clusters to start collapsed."""
    order = topological_order(graph)
    nodes_out = {}
    for node in order:
        d = graph.nodes[node]
        nodes_out[dot_ids[node]] = {
            'label': display_name(node, d), 'kind': d.get('kind'),
            'info': info_lines(node, d), 'input': graph.in_degree(node) == 0
            and d.get('kind') != 'op'}
    clusters = _clusters(graph, dot_ids, svg)
    steps = _steps(graph, order, dot_ids)
    start = [cid for cid, c in clusters.items()
             if depth is not None and c['depth'] == depth + 1]
    edges = {}
    for eid, tail, head in re.findall(r'<g id="(edge_(n\d+)_(n\d+))"', svg):
        edges[eid] = [tail, head]
    return {'nodes': nodes_out, 'clusters': clusters, 'steps': steps, 'edges': edges,
            'collapsed': start}


def _clusters(graph, dot_ids, svg):
    scopes = scopes_of(graph)
    index = {key: i for i, key in enumerate(scopes)}
    present = set(re.findall(r'<g id="(scope_\d+)" class="cluster"', svg))
    out = {}
    for key, info in scopes.items():
        cid = f'scope_{index[key]}'
        if cid not in present:
            continue
        members = [dot_ids[n] for n, d in graph.nodes(data=True)
                   if under(d.get('scope_key'), key)]
        inner = [f'scope_{index[k]}' for k in scopes if k != key and under(k, key)
                 and f'scope_{index[k]}' in present]
        ops = sum(1 for n, d in graph.nodes(data=True)
                  if under(d.get('scope_key'), key) and d.get('kind') == 'op'
                  and 'backward_of' not in d)
        params = sum(_size(graph.nodes[n].get('shape')) for n in info.get('params', {}).values()
                     if n is not None and n in graph)
        out[cid] = {'key': key, 'label': scope_label(info), 'depth': info.get('depth', 1),
                    'members': members, 'inner': inner,
                    'summary': f'{ops} ops, {params:,} params'}
    return out


def _size(shape):
    n = 1
    for s in shape or ():
        n *= int(s)
    return n


def _steps(graph, order, dot_ids):
    nodes = graph.nodes
    steps = []
    forward = [n for n in order if nodes[n].get('kind') == 'op' and 'backward_of' not in nodes[n]]
    for k, n in enumerate(forward):
        steps.append({'node': dot_ids[n], 'phase': 'forward',
                      'text': f'forward {k + 1}/{len(forward)}: {display_name(n, nodes[n])} runs'})
    listed = graph.graph.get('backward_steps')
    if listed:
        backward = [n for n in listed if n in nodes]
    else:
        backward = [n for n in reversed(order) if nodes[n].get('grad') is not None
                    and (nodes[n].get('kind') == 'op' or graph.out_degree(n) > 0)]
    for k, n in enumerate(backward):
        d = nodes[n]
        target = d.get('backward_of', n)
        name = display_name(target, nodes[target]) if target in nodes else display_name(n, d)
        grad = d.get('grad')
        shown = (format_array(grad) if not isinstance(grad, tuple)
                 else ', '.join(format_array(g) for g in grad))
        steps.append({'node': dot_ids[n], 'phase': 'backward',
                      'also': dot_ids[target] if target != n and target in dot_ids else None,
                      'text': f'backward {k + 1}/{len(backward)}: gradient of {name} '
                              f'arrives: {shown}'})
    return steps


def iframe(page, height=600):
    """The page inside an ``<iframe srcdoc=...>`` (Jupyter output)."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
            f'sandbox="allow-scripts"></iframe>')


__all__ = ['to_html', 'page_html', 'page_data', 'iframe']
