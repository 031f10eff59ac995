"""``GraphFigure``: a ``graphviz.Digraph`` that renders through ``viz.engine``.

python-graphviz runs the program called ``dot`` by name.  This subclass pipes
its source through whichever program ``viz.engine`` chose instead (system
``dot`` or ``graphviz-pure``), so Jupyter display (``_repr_mimebundle_`` ->
``pipe``), ``pipe()`` and ``render()`` all work when only ``graphviz-pure``
is installed.
"""

import os

import graphviz

from viz import engine as _engine


class GraphFigure(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering uses ``viz.engine.run``.

    ``program``: the Graphviz program to run (``None``: choose as
    ``viz.engine.find_program`` does, at render time).  ``timeout``: seconds
    before a render is abandoned.  Displays as SVG in Jupyter.
    """

    def __init__(self, *args, program=None, timeout=_engine.DEFAULT_TIMEOUT, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.timeout = timeout

    interactive = False     # set by viz.draw for big graphs: Jupyter shows the HTML page

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """Jupyter display: the SVG, or for a big graph (``interactive``) the
        interactive page of ``viz.page`` in an iframe."""
        if self.interactive and getattr(self, 'drawn_graph', None) is not None:
            from viz.page import iframe, page_html
            return {'text/html': iframe(page_html(self))}
        return super()._repr_mimebundle_(include, exclude, **kwargs)

    def __repr__(self):
        # stable text (no memory address), so re-executed notebooks diff cleanly
        return f"<viz.GraphFigure: {self.source.count(' -> ')} edges>"

    def _copy_kwargs(self, **kwargs):
        # graphviz.Dot._copy_kwargs drops extra keywords: add ours afterwards
        result = super()._copy_kwargs(**kwargs)
        result.update(program=self.program, timeout=self.timeout,
                      format=self.format, engine=self.engine)
        return result

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None,
             quiet=False, *, engine=None, encoding=None):
        """Return the rendered graph as bytes (or str when ``encoding`` is
        given), e.g. ``fig.pipe('svg', encoding='utf-8')``."""
        fmt = format or self.format
        if renderer:
            fmt += f':{renderer}' + (f':{formatter}' if formatter else '')
        data = _engine.run(self.source, fmt, program=self.program,
                           layout=engine or self.engine, timeout=self.timeout)
        return data.decode(encoding) if encoding is not None else data

    def render(self, filename=None, directory=None, view=False, cleanup=False,
               format=None, renderer=None, formatter=None, neato_no_op=None,
               quiet=False, quiet_view=False, *, outfile=None, engine=None,
               raise_if_result_exists=False, overwrite_source=False):
        """Like ``graphviz.Digraph.render``: save the DOT source, write the
        rendered file beside it (or to ``outfile``) and return its path."""
        if outfile is not None:
            outfile = os.fspath(outfile)
            fmt = format or os.path.splitext(outfile)[1].lstrip('.') or self.format
            if filename is None and directory is None:
                filename = os.path.splitext(outfile)[0] + '.gv'
        else:
            fmt = format or self.format
        source_path = self.save(filename, directory=directory)
        target = outfile if outfile is not None else f'{source_path}.{fmt}'
        if raise_if_result_exists and os.path.exists(target):
            raise graphviz.FileExistsError(f'output file exists: {target!r}')
        data = self.pipe(fmt, renderer, formatter, engine=engine)
        with open(target, 'wb') as f:
            f.write(data)
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(target, quiet=quiet_view)
        return target
