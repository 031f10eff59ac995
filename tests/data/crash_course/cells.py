"""Read a crash-course page's cells and run them the way a notebook does.

Shared by ``tests/test_crash_course.py`` (autodiff) and ``make_oracle.py`` (MXNet 1.9.1),
so both run the same code: each cell runs in one namespace, and when a cell ends with an
expression its ``repr`` is printed after the cell's own output, as Jupyter shows it.
"""
import ast
import contextlib
import io
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
_HEAD = re.compile(r'^# %% cell (\d+)(?: (\w+):? ?(.*))?$')


def read_cells(page):
    """``[(n, tag, note, source)]`` of ``HERE/page`` (tag: None, 'skip', 'raises', 'root', 'ipython', 'reflowed')."""
    cells, current = [], None
    for line in (HERE / page).read_text().splitlines():
        m = _HEAD.match(line)
        if m:
            current = [int(m.group(1)), m.group(2), m.group(3) or '', []]
            cells.append(current)
        elif current is not None:
            current[3].append(line)
    return [(n, tag, note, '\n'.join(lines) + '\n') for n, tag, note, lines in cells]


def with_import(source, module):
    """``source`` with ``mxnet`` replaced by ``module`` in its import statements."""
    if module == 'mxnet':
        return source
    out = []
    for line in source.splitlines():
        s = line.lstrip()
        if s.startswith('import mxnet') or s.startswith('from mxnet'):
            line = line.replace('mxnet', module, 1)
        out.append(line)
    return '\n'.join(out) + '\n'


def run_cell(source, namespace):
    """Run one cell in ``namespace``; return what it printed (with the repr of a last expression)."""
    tree = ast.parse(source)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(tree, '<cell>', 'exec'), namespace)
        if last is not None:
            value = eval(compile(last, '<cell>', 'eval'), namespace)
            if value is not None:
                print(repr(value))
    return buf.getvalue()


# IPython 8 removed ``IPython.display.set_matplotlib_formats`` (the page predates it): the one
# line of page 6 changed for this reason calls the function where it lives now.
IPYTHON_CHANGE = ("display.set_matplotlib_formats('svg')",
                  "__import__('matplotlib_inline.backend_inline').backend_inline"
                  ".set_matplotlib_formats('svg')")


def with_root(source, root):
    """``source`` with ``root=root`` given to each ``FashionMNIST(`` call (the 'root' cells)."""
    return source.replace('FashionMNIST(train=', f'FashionMNIST(root={str(root)!r}, train=')


def write_fashion_mnist(root, n_train=512, n_test=256, seed=0):
    """A small Fashion-MNIST in the real format (gzipped idx files) under ``root``."""
    import gzip
    import os
    import struct

    import numpy

    rng = numpy.random.default_rng(seed)
    os.makedirs(root, exist_ok=True)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        labels = rng.integers(0, 10, n).astype(numpy.uint8)
        # learnable: each class a bright band at its own rows, plus noise
        images = rng.integers(0, 60, (n, 28, 28)).astype(numpy.uint8)
        for i, c in enumerate(labels):
            images[i, 2 * c + 4: 2 * c + 7, 3:25] = 230
        for name, arr in ((f'{prefix}-images-idx3-ubyte.gz', images),
                          (f'{prefix}-labels-idx1-ubyte.gz', labels)):
            with gzip.open(os.path.join(root, name), 'wb') as f:
                f.write(struct.pack('>HBB', 0, 8, arr.ndim))
                f.write(struct.pack('>' + 'I' * arr.ndim, *arr.shape))
                f.write(arr.tobytes())


def run_page(page, module, root=None, workdir='.'):
    """Run every cell of ``page`` (but the 'skip' ones) with ``mxnet`` imported as ``module``.

    Returns ``{cell number (str): {'stdout': text} or {'error': name, 'message': text}}``;
    a cell that raises does not stop the later ones (as in a notebook).
    """
    import os
    import warnings

    os.chdir(workdir)
    try:
        import matplotlib
        matplotlib.use('Agg')
    except ImportError:
        pass
    namespace, got = {'__name__': '__main__'}, {}
    for n, tag, _, source in read_cells(page):
        if tag == 'skip':
            continue
        source = with_import(source, module)
        if tag == 'root':
            source = with_root(source, root)
        elif tag == 'ipython':
            source = source.replace(*IPYTHON_CHANGE)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                got[str(n)] = {'stdout': run_cell(source, namespace)}
        except Exception as exc:  # noqa: BLE001 - recorded, as a notebook shows it
            got[str(n)] = {'error': type(exc).__name__, 'message': str(exc)[:400]}
    return got


if __name__ == '__main__':   # python cells.py PAGE MODULE [ROOT]: one page, fresh process, JSON out
    import json
    import sys
    import tempfile

    page, module = sys.argv[1], sys.argv[2]
    root = sys.argv[3] if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as tmp:
        result = run_page(page, module, root, tmp)
    sys.stdout.write('\n@@JSON@@' + json.dumps(result))
