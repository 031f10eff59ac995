"""The picture entry points: ``draw`` (a displayable figure) and ``render``
(a file)."""

import os

from viz.collapse import DEFAULT_MAX_NODES, DEFAULT_MIN_CHAIN, collapse_graph

COLLAPSE_ABOVE = 60   # by default, same-op chains fold only in graphs of more nodes
from viz.dot import build_figure
from viz.engine import DEFAULT_TIMEOUT
from viz.ghosts import split_long_edges
from viz.graphs import as_graph, as_simple
from viz.backward import backward_view
from viz.scopes import collapse_scopes


INTERACTIVE_MIN_NODES = 80   # drawn nodes from which Jupyter shows the interactive page


def draw(heads_or_graph, *, show_grads=False, show_shapes=True, legend=True,
         max_nodes=DEFAULT_MAX_NODES, collapse=None, title=None,
         rankdir='TB', program=None, timeout=DEFAULT_TIMEOUT, depth=None, backward=False):
    """Draw a recorded autograd graph; return a ``graphviz.Digraph``.

    ``heads_or_graph``: a ``networkx.DiGraph`` as made by
    ``autodiff.autograd.get_graph``, or arrays (one or a list) to pass to it.
    The result is a ``viz.GraphFigure`` (a ``graphviz.Digraph`` subclass): it
    shows as SVG in Jupyter (from ``INTERACTIVE_MIN_NODES`` = 80 drawn nodes on, as
    the interactive page of ``viz.to_html`` in an iframe), ``.source`` is the DOT text and ``.pipe('png')``
    renders; rendering runs the system ``dot`` or else ``graphviz-pure``
    (``program=`` or ``$AUTODIFF_DOT`` picks one, see ``viz.engine``).

    Options:
        show_grads: label each variable with its gradient, and, after a
            backward with ``retain_graph=True``, each op with the gradient of the
            heads with respect to its output: the values when it has at most 6
            elements (``grad: [[4, 8], [12, 16]]``), else its shape, L2 norm, min
            and max (``grad: (100, 100) norm=57.7 min=-1 max=2``).
        backward: also draw the backward pass (after ``backward(retain_graph=True)``):
            one red box per backward rule applied (``∂ multiply``, with the
            gradient it received) beside the forward op it reverses (dotted
            line), red arrows from output gradients to input gradients, and one
            ``∂ x`` per variable that received a gradient (``viz.backward``).
            The graph of ``autograd.grad(..., create_graph=True)`` needs no
            option: its forward ops reused by the gradient ops have a thick blue
            border.
        show_shapes: label nodes with output shape and dtype.
        legend: add a ``legend`` cluster explaining the styles in the picture.
        collapse: shortest run of the same op that becomes one node
            (``multiply ×100``); ``False``/``0`` keeps every op; ``True`` means
            8.  Default (``None``): runs of 8 fold only in a graph of more than
            ``COLLAPSE_ABOVE`` = 60 nodes, so a small graph (a 20-step loop) is
            drawn whole.
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
        depth: Block scopes (``autodiff.scope.block_scope``, Gluon Blocks) are
            drawn as nested clusters labelled ``name : Kind`` with their
            parameters inside; ``depth=k`` draws only the outer ``k`` levels as
            clusters and collapses each scope deeper than ``k`` into one node
            (input and output shapes, parameter count, op count); at least
            ``viz.scopes.FOLD_MIN`` identical collapsed scopes in a row fold into
            one ``Kind ×n``.  ``None``: every scope drawn open.
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
        backward step (backward=True) ... light red #fde0dc box, red border;
                                          red arrows carry gradients
        forward op reused by the ........ thick blue #1f5fbf border
          create_graph gradient graph
        Block scope ..................... green frame 'name : Kind'
        ops fused by autograd.compile ... inside a dashed blue frame
                                          'fused loop k' (nodes with ``fused_group``)
        Edge labels: argument position at the consumer's end (ops with
        several inputs), ``[k]`` output number at a multi-output producer's
        end, ``×n`` for n merged edges.
    """
    graph = as_simple(as_graph(heads_or_graph))
    if backward:
        graph = backward_view(graph)
    if depth is not None:
        graph = collapse_scopes(graph, depth)
    if collapse is None:
        collapse = graph.number_of_nodes() > COLLAPSE_ABOVE
    min_chain = DEFAULT_MIN_CHAIN if collapse is True else (collapse or None)
    graph = collapse_graph(graph, min_chain=min_chain, max_nodes=max_nodes)
    if max_nodes is not None:
        graph = split_long_edges(graph)
    fig = build_figure(graph, show_grads=show_grads, show_shapes=show_shapes,
                       legend=legend, title=title, rankdir=rankdir,
                       program=program, timeout=timeout)
    fig.interactive = graph.number_of_nodes() >= INTERACTIVE_MIN_NODES
    return fig


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

    ``format``: ``'svg'``, ``'png'``, ``'dot'`` (the DOT source; needs no
    Graphviz program), ``'html'`` (the self-contained interactive page of
    ``viz.to_html``: pan, zoom, collapsible scopes, hover details, a slider
    through the forward and backward pass), or any other output format the
    program knows (``'jpeg'``, ``'json'``, ...).  Default: the extension of
    ``path``, else ``'svg'``.  A missing folder in ``path`` is created.
    """
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip('.').lower() or 'svg'
        if format == 'gv':
            format = 'dot'
        if format == 'htm':
            format = 'html'
    if format == 'html':
        from viz.page import to_html
        with open(path, 'w', encoding='utf-8') as f:
            f.write(to_html(heads_or_graph, **draw_options))
        return path
    fig = draw(heads_or_graph, **draw_options)
    data = fig.source.encode('utf-8') if format == 'dot' else fig.pipe(format)
    _make_folder(path)
    with open(path, 'wb') as f:
        f.write(data)
    return path
