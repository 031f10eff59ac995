"""Graphviz styles for the graph picture, as module constants.

Every colour is a 6-digit hex string: Debian's Graphviz 2.43 rejects the
3-digit form (``#cfc``).  A node's style is its *base* style (by kind) with
*overlays* merged on top (head, detached, non-finite, ...), in that order.
"""

FONT = 'Helvetica'

GRAPH_ATTR = {
    'fontname': FONT,
    'fontsize': '12',
    'nodesep': '0.25',
    'ranksep': '0.35',
}

NODE_ATTR = {
    'fontname': FONT,
    'fontsize': '11',
    'margin': '0.16,0.04',     # room for a font a little wider than the one measured
    'height': '0.3',
    'penwidth': '1',
    'color': '#4d4d4d',
}

EDGE_ATTR = {
    'fontname': FONT,
    'fontsize': '9',
    'fontcolor': '#707070',
    'color': '#5a5a5a',
    'arrowsize': '0.7',
    'labeldistance': '1.6',
    'labelangle': '30',
}

# --- base styles, one per kind of node -------------------------------------

VARIABLE = {'shape': 'box', 'style': 'filled,rounded', 'fillcolor': '#a8d5ff',
            'color': '#1f5f99'}
VARIABLE_NO_GRAD = {'shape': 'box', 'style': 'filled,rounded,dashed',
                    'fillcolor': '#dcecfa', 'color': '#1f5f99'}
CONSTANT = {'shape': 'box', 'style': 'filled', 'fillcolor': '#e6e6e6',
            'color': '#8c8c8c'}
OP = {'shape': 'ellipse', 'style': 'filled', 'fillcolor': '#fff2cc',
      'color': '#b38f00'}
CUSTOM = {'shape': 'octagon', 'style': 'filled', 'fillcolor': '#e4d4f4',
          'color': '#6a3d9a'}
COLLAPSED = {'shape': 'box3d', 'style': 'filled', 'fillcolor': '#ffe599',
             'color': '#b38f00'}

BACKWARD = {'shape': 'box', 'style': 'filled,rounded', 'fillcolor': '#fde0dc',
            'color': '#c0392b'}

# --- overlays, merged on top of the base style ------------------------------

REUSED = {'color': '#1f5fbf', 'penwidth': '2.5'}

HEAD = {'peripheries': '2', 'color': '#2e7d32', 'penwidth': '2'}
DETACHED = {'style': 'filled,dashed', 'fillcolor': '#ffffff',
            'color': '#e67e00', 'penwidth': '2'}
NONFINITE = {'fillcolor': '#ffcccc', 'color': '#d62728', 'penwidth': '2.5'}
NONFINITE_BIRTH = {'fillcolor': '#ff8080', 'color': '#d62728', 'penwidth': '3.5'}
GRAD_NONFINITE = {'color': '#d62728', 'penwidth': '2.5'}
GRAD_NONFINITE_FONT = '#d62728'

# A copy of a node drawn beside a far-away consumer (see viz.ghosts): the
# base style with a dotted border.
GHOST_LINE = 'dotted'

# Edge out of a detached node (the cut point) and edge standing for several.
DETACHED_EDGE = {'style': 'dashed', 'color': '#e67e00'}
MERGED_EDGE = {'penwidth': '1.8'}

# How the legend names each node shape.
SHAPE_NAMES = {'box': 'box', 'ellipse': 'ellipse', 'octagon': 'octagon',
               'box3d': '3-D box'}

LEGEND_CLUSTER = {'label': 'legend', 'fontsize': '10', 'style': 'rounded',
                  'color': '#bfbfbf', 'fontcolor': '#707070'}

# (key, text, style) in the order the legend lists them.  The key names the
# condition that puts an entry in the picture's legend (see viz.dot).
LEGEND = (
    ('variable', 'variable (gets a gradient)', VARIABLE),
    ('variable_null', "variable, grad_req='null'", VARIABLE_NO_GRAD),
    ('constant', 'constant / unmarked input', CONSTANT),
    ('op', 'operation', OP),
    ('custom', 'custom autograd.Function', CUSTOM),
    ('collapsed', 'collapsed run of ops', COLLAPSED),
    ('ghost', 'copy of a node used far away', {**VARIABLE, 'style': 'filled,rounded,dotted'}),
    ('scope', 'Block scope (name : Kind)', {'shape': 'frame', 'style': 'rounded',
                                            'fillcolor': '#f5faf4', 'color': '#5b8c5a'}),
    ('backward', 'backward step (gradient it received)', BACKWARD),
    ('reused', 'forward op reused by the gradient graph', {**OP, **REUSED}),
    ('head', 'head (output asked for)', {**OP, **HEAD}),
    ('detached', 'detached (graph cut)', {**CONSTANT, **DETACHED}),
    ('nonfinite', 'value has NaN/inf', {**OP, **NONFINITE}),
    ('nonfinite_birth', 'first NaN/inf (born here)', {**OP, **NONFINITE_BIRTH}),
    ('grad_nonfinite', 'gradient has NaN/inf', {**VARIABLE, **GRAD_NONFINITE}),
)


# A group of ops that autograd.compile fused into one kernel: a dashed blue frame.
FUSED_CLUSTER_ATTR = {'style': 'dashed,rounded', 'color': '#1f5fbf', 'fontcolor': '#1f5fbf',
                      'fontsize': '11'}


# A block_scope (a Gluon Block call): a rounded grey-green frame labelled 'name : Kind'.
SCOPE_CLUSTER_ATTR = {'style': 'rounded,filled', 'fillcolor': '#f5faf4', 'color': '#5b8c5a',
                      'fontcolor': '#2f5e2e',
                      'fontsize': '11', 'labeljust': 'l', 'penwidth': '1.2'}

# The backward view: gradient edges (red, arrow towards the input's gradient) and the
# dotted line tying a backward step to the forward op it reverses.
GRADIENT_EDGE = {'dir': 'back', 'color': '#c0392b', 'arrowsize': '0.7'}
REVERSES_EDGE = {'style': 'dotted', 'arrowhead': 'none', 'constraint': 'false',
                 'color': '#c0392b'}
