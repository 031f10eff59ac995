"""Choosing and running the Graphviz program that turns DOT into SVG/PNG.

Order of choice: the ``program`` argument, else the ``AUTODIFF_DOT``
environment variable (a command name or a path), else the system ``dot`` on
PATH, else ``graphviz-pure`` (``pip install graphviz-pure``: a self-contained
dot-compatible binary; also looked up next to the running Python, so it is
found in a virtualenv that was not activated, e.g. from a Jupyter kernel).
"""

import os
import shutil
import subprocess
import sys
import sysconfig

ENV_VAR = 'AUTODIFF_DOT'
CANDIDATES = ('dot', 'graphviz-pure')
DEFAULT_TIMEOUT = 120.0

NOT_FOUND = (
    'No Graphviz program found to render the graph: neither `dot` nor '
    '`graphviz-pure` is on PATH. Install one of them: `apt-get install graphviz` '
    '(or your system\'s graphviz package), or `pip install graphviz-pure`. '
    f'To use a specific program, set {ENV_VAR}=/path/to/dot. '
    '(viz.to_text and format="dot" need no program.)'
)


class EngineNotFoundError(RuntimeError):
    """No usable Graphviz program (``dot`` or ``graphviz-pure``) was found."""


class RenderError(RuntimeError):
    """The Graphviz program failed or did not finish in time."""


def find_program(program=None):
    """Return the path of the Graphviz program to run (see module docstring).

    Raises ``EngineNotFoundError`` with install instructions if none is found.
    """
    requested = program or os.environ.get(ENV_VAR) or None
    if requested:
        path = _which(requested)
        if path is None:
            source = 'program argument' if program else f'${ENV_VAR}'
            raise EngineNotFoundError(
                f'Graphviz program {requested!r} (from the {source}) was not found. '
                + NOT_FOUND)
        return path
    for name in CANDIDATES:
        path = _which(name)
        if path is not None:
            return path
    raise EngineNotFoundError(NOT_FOUND)


def _which(name):
    """``shutil.which``, also looking beside the running interpreter."""
    if os.path.dirname(name):
        return name if os.path.isfile(name) and os.access(name, os.X_OK) else None
    found = shutil.which(name)
    if found:
        return found
    for folder in (os.path.dirname(sys.executable), sysconfig.get_path('scripts')):
        if folder:
            found = shutil.which(name, path=folder)
            if found:
                return found
    return None


def run(source, fmt, *, program=None, layout='dot', timeout=DEFAULT_TIMEOUT):
    """Pipe DOT ``source`` (str) through the program; return the output bytes.

    ``fmt`` is a Graphviz output format (``'svg'``, ``'png'``, ...), ``layout``
    the layout engine (``-K``).  Raises ``RenderError`` on failure or after
    ``timeout`` seconds (the program is killed, so a call never hangs).
    """
    exe = find_program(program)
    cmd = [exe, f'-K{layout or "dot"}', f'-T{fmt}']
    try:
        proc = subprocess.run(cmd, input=source.encode('utf-8'),
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(
            f'{" ".join(cmd)} did not finish within {timeout:g} s; draw with a '
            'smaller max_nodes (or a smaller collapse threshold)') from None
    if proc.returncode != 0:
        message = proc.stderr.decode('utf-8', 'replace').strip()
        raise RenderError(f'{" ".join(cmd)} failed (exit {proc.returncode}): {message}')
    return proc.stdout
