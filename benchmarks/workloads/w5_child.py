"""W5 child: ``w5_child.py IMPL N REPS`` with IMPL autodiff or torch. Standard library,
``proc_mem`` and the implementation under test.

Records a chain of N ops ``y = y * 1.0001`` on a (2, 3) float32 array, sums it, runs backward,
then drops the head. Prints ``@@BENCH {json}``: median record and backward times over REPS, and
from the first repetition (the clean one) RSS at start, with the graph held, peak, after
backward, after the head is dropped, after gc.collect(), and after glibc's malloc_trim(0)
(memory freed but kept by the allocator shows up as the difference between the last two).
"""
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository root

from benchmarks.workloads.proc_mem import malloc_trim, reset_peak, status_mb  # noqa: E402

impl, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
C = 1.0001
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def peak_mb():
    return status_mb("VmHWM")


if impl == "autodiff":
    import numpy

    from autodiff import autograd, np

    x = np.array(numpy.full((2, 3), 0.5, dtype=numpy.float32))
    x.attach_grad()

    def record(k):
        with autograd.record():
            y = x
            for _ in range(k):
                y = y * C
            s = y.sum()
        return s, y

    def grad():
        return x.grad.asnumpy()

elif impl == "torch":
    import torch

    x = torch.full((2, 3), 0.5, dtype=torch.float32, requires_grad=True)

    def record(k):
        x.grad = None
        y = x
        for _ in range(k):
            y = y * C
        return y.sum(), y

    def grad():
        return x.grad.numpy()

else:
    raise SystemExit(f"unknown implementation {impl!r}")

for _ in range(3):  # warm-up: compile or load kernels, fill allocator caches
    s, y = record(100)
    s.backward()
del s, y
gc.collect()

# Float32 reference of the gradient: C rounded to float32, raised to the n-th power.
c32 = float(__import__("numpy").float32(C))
expected = c32**n
rec_t, bwd_t, mem = [], [], {}
for rep in range(reps):
    gc.collect()
    start = rss_mb()
    have_peak = reset_peak()
    t0 = time.perf_counter()
    s, y = record(n)
    t1 = time.perf_counter()
    held = rss_mb()
    s.backward()
    t2 = time.perf_counter()
    rec_t.append(t1 - t0)
    bwd_t.append(t2 - t1)
    if rep == 0:
        mem = {"rss_start_mb": start, "graph_held_mb": held - start,
               "peak_mb": (peak_mb() - start) if have_peak else None,
               "after_backward_mb": rss_mb() - start}
        g = grad()
        mem["grad_rel_err"] = float(abs(g - expected).max() / expected)
    del s, y
    if rep == 0:
        mem["after_drop_mb"] = rss_mb() - start
        gc.collect()
        mem["after_gc_mb"] = rss_mb() - start
        mem["after_trim_mb"] = (rss_mb() - start) if malloc_trim() else None

# Diagnostic: the same chain with Python's cyclic GC off. A gap to the times above is the
# cost of full collections walking a graph of GC-tracked objects, which grows with the chain.
gc.collect()
gc.disable()
t0 = time.perf_counter()
s, y = record(n)
s.backward()
nogc = time.perf_counter() - t0
del s, y
gc.enable()

print("@@BENCH " + json.dumps({"impl": impl, "n": n, "reps": reps,
                               "record": statistics.median(rec_t),
                               "backward": statistics.median(bwd_t), "total_nogc": nogc,
                               **mem}), flush=True)
