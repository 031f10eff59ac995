"""The picture entry points: ``draw`` (a displayable figure) and ``render``
(a file)."""

import os

from viz.collapse import DEFAULT_MAX_NODES, DEFAULT_MIN_CHAIN, collapse_graph
from viz.dot import build_figure
from viz.engine import DEFAULT_TIMEOUT
from viz.ghosts import split_long_edges
from viz.graphs import as_graph, as_simple


def draw(heads_or_graph, *, show_grads=False, show_shapes=True, legend=True,
         max_nodes=DEFAULT_MAX_NODES, collapse=DEFAULT_MIN_CHAIN, title=None,
         rankdir='TB', program=None, timeout=DEFAULT_TIMEOUT):
    """Draw a recorded autograd graph; return a ``graphviz.Digraph``.

    ``heads_or_graph``: a ``networkx.DiGraph`` as made by
    ``autodiff.autograd.get_graph``, or arrays (one or a list) to pass to it.
    The result is a ``viz.GraphFigure`` (a ``graphviz.Digraph`` subclass): it
    shows as SVG in Jupyter, ``.source`` is the DOT text and ``.pipe('png')``
    renders; rendering runs the system ``dot`` or else ``graphviz-pure``
    (``program=`` or ``$AUTODIFF_DOT`` picks one, see ``viz.engine``).

    Options:
        show_grads: label each variable with its gradient: the values when it
            has at most 6 elements (``grad: [[4, 8], [12, 16]]``), else its
            shape and L2 norm (``grad: (100, 100) norm=57.7``).
        show_shapes: label nodes with output shape and dtype.
        legend: add a ``legend`` cluster explaining the styles in the picture.
        collapse: shortest run of the same op that becomes one node
            (``multiply ×100``); ``False``/``0`` keeps every op.
        max_nodes: node budget (``None``: no limit; a graph of thousands of
            nodes may then take minutes to lay out).  Above it, chains of any
            ops collapse too (``250 ops``, listing the most frequent), and if
            still above, the ops are cut in recording order into consecutive
            runs of one node each, keeping heads, NaN births, custom
            Functions, detached nodes and variables visible as far as half
            the budget allows.  A chain never hides where a NaN was born.
            Edges that would span many ranks (a weight used by every step)
            then go to dotted copies of their producer drawn beside the
            consumer, as the layout time grows with edge length.  Details:
            ``viz.collapse``, ``viz.ghosts``.
        title: caption above the graph (default: ``graph['name']``).
        rankdir: ``'TB'`` (inputs at the top) or ``'LR'``, ``'BT'``, ``'RL'``.
        program, timeout: Graphviz program to run and seconds to allow it.

    Legend (colours are fill / border):
        variable, gets a gradient ....... light blue #a8d5ff box, rounded
        variable, grad_req='null' ....... pale blue #dcecfa box, dashed
        constant / unmarked input ....... grey #e6e6e6 box (scalars show value)
        operation ....................... pale yellow #fff2cc ellipse
        custom autograd.Function ........ lavender #e4d4f4 octagon
        collapsed run of ops ............ yellow #ffe599 3-D box
        copy of a node used far away .... its style with a dotted border
        head (output asked for) ......... double border, green #2e7d32
                                          (red if its value is not finite)
        detached (graph cut) ............ white, dashed orange #e67e00 border
                                          and dashed orange edges
        value has NaN/inf ............... pink #ffcccc, red #d62728 border
        first NaN/inf (born here) ....... salmon #ff8080, thick red border
        gradient has NaN/inf ............ red #d62728 border on a variable
        ops fused by autograd.compile ... inside a dashed blue frame
                                          'fused loop k' (nodes with ``fused_group``)
        Edge labels: argument position at the consumer's end (ops with
        several inputs), ``[k]`` output number at a multi-output producer's
        end, ``×n`` for n merged edges.
    """
    graph = as_simple(as_graph(heads_or_graph))
    min_chain = DEFAULT_MIN_CHAIN if collapse is True else (collapse or None)
    graph = collapse_graph(graph, min_chain=min_chain, max_nodes=max_nodes)
    if max_nodes is not None:
        graph = split_long_edges(graph)
    return build_figure(graph, show_grads=show_grads, show_shapes=show_shapes,
                        legend=legend, title=title, rankdir=rankdir,
                        program=program, timeout=timeout)


def _make_folder(path):
    """Create the folder ``path`` is to be written in, or say clearly why it cannot be."""
    folder = os.path.dirname(path)
    if not folder or os.path.isdir(folder):
        return
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise type(err)(f"viz.render: cannot create the folder {folder!r} to write {path!r} "
                        f"in: {err.strerror or err}") from err


def render(heads_or_graph, path, format=None, **draw_options):
    """Draw (see ``draw``) and write the picture to ``path``; return ``path``.

    ``format``: ``'svg'``, ``'png'`` or ``'dot'`` (the DOT source; needs no
    Graphviz program), or any other output format the program knows
    (``'jpeg'``, ``'json'``, ...).  Default: the extension of ``path``, else
    ``'svg'``.  A missing folder in ``path`` is created.
    """
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip('.').lower() or 'svg'
        if format == 'gv':
            format = 'dot'
    fig = draw(heads_or_graph, **draw_options)
    data = fig.source.encode('utf-8') if format == 'dot' else fig.pipe(format)
    _make_folder(path)
    with open(path, 'wb') as f:
        f.write(data)
    return path
