"""Write ``outputs_mxnet.json``: what MXNet 1.9.1 prints for each crash-course cell.

``python tests/data/crash_course/make_oracle.py [ORACLE_PYTHON]`` (default ``~/mxref/bin/python``).
Each page runs in a fresh oracle process (``cells.py``), in a temporary working directory,
so that the automatic block names (``dense0_``...) start from zero as in a notebook. A cell
that raises is recorded as ``{"error": name, "message": ...}``. Page 6 needs matplotlib and
IPython, which the oracle environment lacks: it is not run there.
"""
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
PAGES = ['page2_create_nn.py', 'page4_components.py']


def run(python, page, module, root=None, env=None):
    """Run ``page`` in a fresh ``python``; return its ``{cell: result}``."""
    argv = [python, str(HERE / 'cells.py'), page, module] + ([str(root)] if root else [])
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
    if '@@JSON@@' not in proc.stdout:
        raise RuntimeError(f'{page} did not finish:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}')
    return json.loads(proc.stdout.split('@@JSON@@', 1)[1])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    python = argv[0] if argv else os.path.expanduser('~/mxref/bin/python')
    out = {page: run(python, page, 'mxnet') for page in PAGES}
    version = subprocess.run([python, '-c', 'import mxnet; print(mxnet.__version__)'],
                             capture_output=True, text=True).stdout.strip()
    out['mxnet_version'] = version
    path = HERE / 'outputs_mxnet.json'
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + '\n')
    print('wrote', path)


if __name__ == '__main__':
    main()
