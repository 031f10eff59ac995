"""W4 child: ``w4_child.py pass | import MODULE | seed PATH``. Standard library only.

Times the import (or the whole seed page, its ``import autodiff`` included) inside this
fresh process and prints ``@@BENCH {"inproc": s, "maxrss_mb": MB}`` as its last line. Peak RSS
is VmHWM, which execve resets (getrusage's ru_maxrss survives exec: it would report the
parent's size).
"""
import importlib
import json
import runpy
import sys
import time

mode = sys.argv[1]
t0 = time.perf_counter()
if mode == "import":
    importlib.import_module(sys.argv[2])
elif mode == "seed":
    runpy.run_path(sys.argv[2], run_name="__main__")
elif mode != "pass":
    raise SystemExit(f"unknown mode {mode!r}")
inproc = time.perf_counter() - t0
maxrss_mb = None
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith("VmHWM:"):
            maxrss_mb = int(line.split()[1]) / 1024
sys.stdout.flush()
print("@@BENCH " + json.dumps({"inproc": inproc, "maxrss_mb": maxrss_mb}), flush=True)
