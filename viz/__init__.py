"""Pictures and text dumps of recorded autograd graphs.

``viz`` only reads a ``networkx.DiGraph`` describing a recorded tape (the
contract is in ``viz.contract``); given arrays instead, it asks
``autodiff.autograd.get_graph`` for that graph.

    draw(y)                      # graphviz.Digraph, shows as SVG in Jupyter
    render(y, 'graph.svg')       # or .png / .dot
    print(to_text(y))            # one line per op, jaxpr style
    render(y, 'graph.html')      # interactive page (also to_html(y))

Modules: ``picture`` (draw, render), ``dot`` (DOT writing), ``styles`` (colours
and shapes), ``labels`` (node text), ``collapse`` (shrinking big graphs),
``ghosts`` (copies instead of long edges), ``scopes`` (Block clusters, depth
collapse), ``backward`` (the backward-pass view), ``page`` (the interactive HTML
page), ``text`` (the text dump), ``engine`` / ``figure`` (running ``dot`` or
``graphviz-pure``), ``graphs`` (reading the graph), ``contract`` (checker).
"""

from viz.collapse import collapse_graph
from viz.contract import check_graph, graph_problems
from viz.engine import EngineNotFoundError, RenderError, find_program
from viz.figure import GraphFigure
from viz.ghosts import split_long_edges
from viz.page import to_html
from viz.picture import draw, render
from viz.text import to_text

__all__ = ['draw', 'render', 'to_text', 'to_html', 'collapse_graph', 'split_long_edges',
           'check_graph', 'graph_problems', 'GraphFigure', 'find_program',
           'EngineNotFoundError', 'RenderError']
