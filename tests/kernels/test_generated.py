"""Kernels generated from the op rows are real files (Numba caches them on disk), shared by
processes, and an unusable kernel folder only warns (kernels then compile in memory)."""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent

CHILD = r'''
import warnings, sys
warnings.simplefilter('always')
from autodiff import np
with warnings.catch_warnings(record=True) as w:
    y = np.hypot(np.array([3., 5.]), 4.)
    z = np.hypot(np.array([6.]), np.array([8.]))
print(y.asnumpy().tolist(), z.asnumpy().tolist(), len([x for x in w if 'kernel folder' in str(x.message)]))
'''


def _run(env):
    proc = subprocess.run([sys.executable, '-c', CHILD], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, 'PYTHONPATH': str(ROOT), **env})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_generated_kernels_are_files_that_numba_caches(tmp_path):
    env = {'AUTODIFF_KERNEL_DIR': str(tmp_path / 'k'), 'NUMBA_CACHE_DIR': str(tmp_path / 'n')}
    assert _run(env) == '[5.0, 6.4031243324279785] [10.0] 0'
    files = list((tmp_path / 'k').glob('autodiff_kernel_hypot_*.py'))
    assert len(files) == 1 and 'np.hypot(a_, b_)' in files[0].read_text()
    index = list((tmp_path / 'n').rglob('*hypot*.nbi'))
    assert index, "Numba saved no cache index for the generated kernels"
    stamp = files[0].stat().st_mtime_ns
    assert _run(env) == '[5.0, 6.4031243324279785] [10.0] 0'    # a second process reuses it
    assert files[0].stat().st_mtime_ns == stamp                  # (never rewritten)


def test_an_unusable_kernel_folder_warns_once_and_computes(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('not a folder')
    assert _run({'AUTODIFF_KERNEL_DIR': str(blocker / 'k')}) == \
        '[5.0, 6.4031243324279785] [10.0] 1'
