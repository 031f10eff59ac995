"""Pictures and text dumps of recorded autograd graphs.

``viz`` only reads a ``networkx.DiGraph`` describing a recorded tape (the
contract is in ``viz.contract``); given arrays instead, it asks
``autodiff.autograd.get_graph`` for that graph.

    draw(y)                      # graphviz.Digraph, shows as SVG in Jupyter
    render(y, 'graph.svg')       # or .png / .dot
    print(to_text(y))            # one line per op, jaxpr style

Modules: ``picture`` (draw, render), ``dot`` (DOT writing), ``styles`` (colours
and shapes), ``labels`` (node text), ``collapse`` (shrinking big graphs),
``ghosts`` (copies instead of long edges), ``text`` (the text dump), ``engine`` / ``figure`` (running ``dot`` or
``graphviz-pure``), ``graphs`` (reading the graph), ``contract`` (checker).
"""

from viz.collapse import collapse_graph
from viz.contract import check_graph, graph_problems
from viz.engine import EngineNotFoundError, RenderError, find_program
from viz.figure import GraphFigure
from viz.ghosts import split_long_edges
from viz.picture import draw, render
from viz.text import to_text

__all__ = ['draw', 'render', 'to_text', 'collapse_graph', 'split_long_edges',
           'check_graph', 'graph_problems', 'GraphFigure', 'find_program',
           'EngineNotFoundError', 'RenderError']
