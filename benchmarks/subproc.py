"""Run a child Python process for the start-up (W4) and scale (W5) workloads.

Children are plain scripts run by path (not ``-m benchmarks...``), so nothing of this
package or its imports is loaded before what the child measures. The repository root is put
on PYTHONPATH so that ``import autodiff`` finds the working tree.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
RESULT_PREFIX = "@@BENCH "


def child_env(**extra):
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("JAX_PLATFORMS", "cpu")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_python(args, env=None, timeout=600):
    """Run ``python ARGS``; returns wall seconds (spawn to exit), return code, the child's
    ``@@BENCH {json}`` result (or None) and the tail of its stderr for error messages."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, *map(str, args)], env=env or child_env(),
                              cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"wall": time.perf_counter() - t0, "rc": None, "result": None,
                "error": f"timed out after {timeout} s"}
    wall = time.perf_counter() - t0
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
    error = None
    if proc.returncode != 0:
        tail = [l for l in proc.stderr.strip().splitlines() if l.strip()][-1:] or ["(no stderr)"]
        error = f"exit code {proc.returncode}: {tail[0][:300]}"
    return {"wall": wall, "rc": proc.returncode, "result": result, "error": error}
