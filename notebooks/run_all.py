"""Run every notebook headless and save what it made: ``python notebooks/run_all.py [OUT]``.

Each ``notebooks/NN_*.ipynb`` runs top to bottom on a fresh kernel of *this*
interpreter (``sys.executable``, whatever kernelspecs are installed elsewhere),
with ``notebooks/`` as its working directory and the project root on
``PYTHONPATH`` (so it also works from a checkout that is not pip-installed).
Written to ``OUT`` (default ``out/``):

    OUT/NN_name.ipynb             the executed copy, with its outputs
    OUT/NN_name/cellKK_J.svg      every SVG a cell displayed (the graph pictures)
    OUT/NN_name/cellKK_J.png      every PNG a cell displayed (the matplotlib plots)

``--update`` also saves each executed notebook over its source (to refresh the
outputs stored in the repository).  Prints each file written; exits 1 if a cell raised (the other notebooks still
run, and the executed copy keeps the traceback), 0 otherwise.
"""
import argparse
import base64
import os
import pathlib
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
CELL_TIMEOUT = 300   # seconds per cell; a cell that hangs fails instead of blocking CI


def notebook_paths(folder=HERE):
    """The notebooks to run, in order: ``NN_*.ipynb`` directly in ``folder``."""
    return sorted(p for p in pathlib.Path(folder).glob('[0-9][0-9]_*.ipynb'))


class ThisPythonKernel(KernelManager):
    """A kernel manager that always starts ``sys.executable -m ipykernel_launcher``.

    A notebook names the kernel ``python3``; Jupyter resolves that name through
    kernelspec folders, where a user-level spec may point at another Python.
    Tests must run the notebooks with the interpreter (and packages) they run in.
    """

    @property
    def kernel_spec(self):
        if self._kernel_spec is None:
            path = os.pathsep.join(p for p in (str(ROOT), os.environ.get('PYTHONPATH')) if p)
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
                display_name='Python 3 (ipykernel)', language='python',
                env={'PYTHONPATH': path})
        return self._kernel_spec


def execute(path, timeout=CELL_TIMEOUT):
    """Run the notebook at ``path`` on a fresh kernel; return ``(notebook, error or None)``.

    ``error`` is the ``CellExecutionError`` of the first cell that raised (the
    notebook is returned as far as it ran, traceback included).
    """
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_manager_class=ThisPythonKernel,
                            record_timing=False,   # no timestamps: stored copies diff cleanly
                            resources={'metadata': {'path': str(pathlib.Path(path).parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        return nb, err
    return nb, None


def pictures(nb):
    """``[(cell number, k, extension, bytes)]`` for each SVG/PNG displayed by a code cell."""
    found = []
    code_cells = [c for c in nb.cells if c.cell_type == 'code']
    for n, cell in enumerate(code_cells, 1):
        k = 0
        for output in cell.get('outputs', []):
            data = output.get('data', {})
            if 'image/svg+xml' in data:
                svg = data['image/svg+xml']
                svg = ''.join(svg) if isinstance(svg, list) else svg
                k += 1
                found.append((n, k, 'svg', svg.encode('utf-8')))
            elif 'image/png' in data:
                k += 1
                found.append((n, k, 'png', base64.b64decode(data['image/png'])))
    return found


def write_outputs(nb, stem, out_dir):
    """Save the executed notebook and its pictures under ``out_dir``; return the paths."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / f'{stem}.ipynb']
    nbformat.write(nb, str(written[0]))
    found = pictures(nb)
    if found:
        pic_dir = out_dir / stem
        pic_dir.mkdir(exist_ok=True)
        for n, k, ext, data in found:
            target = pic_dir / f'cell{n:02d}_{k}.{ext}'
            target.write_bytes(data)
            written.append(target)
    return written


def run_all(out_dir='out', paths=None, echo=print, update=False):
    """Execute the notebooks (default: all) into ``out_dir``.

    ``update``: also save each notebook that ran without error over its source
    (this is how the stored outputs are refreshed).  Returns
    ``{notebook stem: (written paths, error or None)}``.
    """
    results = {}
    for path in (paths or notebook_paths()):
        path = pathlib.Path(path)
        start = time.perf_counter()
        nb, err = execute(path)
        written = write_outputs(nb, path.stem, out_dir)
        if update and err is None:
            nbformat.write(nb, str(path))
            written.append(path)
        status = 'ok' if err is None else 'FAILED'
        echo(f'{path.name}: {status} in {time.perf_counter() - start:.1f} s')
        for p in written:
            echo(f'  wrote {p}')
        if err is not None:
            echo(str(err))
        results[path.stem] = (written, err)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', nargs='?', default='out',
                        help='folder for the executed notebooks and pictures (default: out/)')
    parser.add_argument('notebooks', nargs='*',
                        help='notebooks to run (default: notebooks/NN_*.ipynb)')
    parser.add_argument('--update', action='store_true',
                        help='also save the executed notebooks over the sources '
                             '(refreshes the outputs stored in notebooks/)')
    args = parser.parse_args(argv)
    results = run_all(args.out, args.notebooks or None, update=args.update)
    failed = [name for name, (_, err) in results.items() if err is not None]
    if failed:
        print(f'FAILED: {", ".join(failed)}', file=sys.stderr)
        return 1
    print(f'all {len(results)} notebooks ran; outputs in {args.out}/')
    return 0


if __name__ == '__main__':
    sys.exit(main())
