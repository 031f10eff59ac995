"""Memory child: ``mem_child.py WORKLOAD IMPL STEPS``, one fresh process per measurement.

Imports the workload module (W3, W6 or W7), builds its data and its step for IMPL (the
library is imported there), then measures RSS (Linux ``/proc/self/status``):

- ``base_mb``: VmRSS after imports and set-up (the step's arrays and parameters exist);
- ``first_mb``: the peak (VmHWM) while the first step runs, minus ``base_mb`` (autodiff's
  first step also loads its Numba kernels from the cache: machine code and Numba's target);
- ``after_first_mb``: VmRSS after the first step, a ``gc.collect()`` and glibc's
  ``malloc_trim(0)`` (what stays: kernels, caches, gradients; freed buffers go back to the
  OS, else later steps would reuse them unseen);
- ``step_mb``: the peak while steps 2..STEPS run minus ``after_first_mb``: the working
  memory of a step (its intermediate buffers and the recorded graph), the peak being reset
  after the first step by writing 5 to ``/proc/self/clear_refs``;
- ``maxrss_mb``: the process's peak RSS, imports included: the largest VmHWM of the three
  phases (set-up, first step, later steps).  Not ``getrusage``'s ``ru_maxrss``: that
  survives ``exec`` and would report the parent's size when the runner is the larger.

Prints ``@@BENCH {json}`` as its last line.
"""
import gc
import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository root

from benchmarks.workloads.proc_mem import malloc_trim as trim, reset_peak, status_mb  # noqa: E402

MODULES = {"W3": "benchmarks.workloads.w3_mlp", "W6": "benchmarks.workloads.w6_lenet",
           "W7": "benchmarks.workloads.w7_gluon_lenet"}
SIZES = {"W3": None, "W6": "full", "W7": "small"}   # W7 small: 2 batches of 64 per step


def main(wid, impl, steps):
    mod = importlib.import_module(MODULES[wid])
    data = mod.make_data(SIZES[wid]) if SIZES[wid] else mod.make_data()
    step = mod.IMPLS[impl](data)
    gc.collect()
    base = status_mb("VmRSS")
    setup_peak = status_mb("VmHWM")
    resettable = reset_peak()
    out = step()
    del out
    first = status_mb("VmHWM") - base
    gc.collect()
    trim()
    after_first = status_mb("VmRSS")
    reset_peak()
    for _ in range(steps - 1):
        out = step()
        del out
    end_peak = status_mb("VmHWM")
    step_mb = end_peak - after_first if resettable else None
    maxrss = max(setup_peak, base + first, end_peak)
    return {"base_mb": base, "first_mb": first, "after_first_mb": after_first,
            "step_mb": step_mb, "maxrss_mb": maxrss}


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    sys.stdout.flush()
    print("@@BENCH " + json.dumps(result), flush=True)
