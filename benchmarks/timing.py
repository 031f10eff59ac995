"""Alternating (round-robin) timer and summary statistics.

Every implementation of a workload is timed in turn inside each repetition, so a burst of
machine noise lands on all of them alike instead of on whichever ran during it.
"""
import gc
import math
import statistics
import time

from benchmarks import machine

# Thread pools spin for a while after their work: OpenBLAS's workers (numpy's GEMM, so HIPS
# autograd, NumPy and autodiff's matmul) for up to ~0.1-0.2 s here, OpenMP (torch) and XLA
# less. On 2 cores a spinning pool halves the speed of whatever runs next, so before each
# sample we wait until the process uses (almost) no CPU: measured, this took torch's W3 step
# after a NumPy GEMM from 5.6 ms back to its 2.5 ms.
SETTLE_WINDOW_S = 0.01
SETTLE_BUSY = 0.05  # fraction of one core the process may still use and count as idle
SETTLE_MAX_S = 1.0


def settle():
    """Sleep until this process's threads are idle (or SETTLE_MAX_S passed); returns seconds waited."""
    t_start = time.perf_counter()
    while True:
        c0 = time.process_time()
        time.sleep(SETTLE_WINDOW_S)
        busy = (time.process_time() - c0) / SETTLE_WINDOW_S
        waited = time.perf_counter() - t_start
        if busy < SETTLE_BUSY or waited > SETTLE_MAX_S:
            return waited


def calibrate(fn, min_time, max_number=10_000):
    """Calls per sample so that one sample lasts about ``min_time`` seconds (fn already warm)."""
    if min_time <= 0:
        return 1
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    if once <= 0:
        return max_number
    return max(1, min(max_number, math.ceil(min_time / once)))


def alternate(fns, repeats, min_time=0.0, warmup=1, counts=None, on_error=None):
    """Time each zero-argument callable in ``fns`` (name -> fn) round-robin.

    Each repetition visits every implementation once, in an order rotated by one place per
    repetition (so none is always first), and runs it ``number`` times back to back, where
    ``number`` is calibrated once per implementation from ``min_time``. ``counts`` may cap how
    many samples a name gets (an expensive entry sampled in the first repetitions only).
    Returns (name -> list of seconds per call, one entry per repetition; name -> calls per
    sample; name -> list of the cores other processes used during each sample). A callable
    that raises is dropped from the rest of the run and reported to ``on_error(name, exc)``.
    """
    names = list(fns)
    for name in list(names):
        try:
            for _ in range(warmup):
                fns[name]()
        except Exception as exc:  # noqa: BLE001 - a failing peer must not stop the run
            names.remove(name)
            if on_error:
                on_error(name, exc)
    numbers = {}
    for name in list(names):
        try:
            numbers[name] = calibrate(fns[name], min_time)
        except Exception as exc:  # noqa: BLE001
            names.remove(name)
            if on_error:
                on_error(name, exc)
    counts = counts or {}
    times = {name: [] for name in names}
    others = {name: [] for name in names}
    for rep in range(repeats):
        k = rep % len(names) if names else 0
        for name in names[k:] + names[:k]:
            if name not in times or len(times[name]) >= counts.get(name, repeats):
                continue
            fn, number = fns[name], numbers[name]
            gc.collect()
            settle()
            try:
                snap = machine.snapshot()
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                dt = time.perf_counter() - t0
                others[name].append(machine.others_cores(snap, machine.snapshot()))
            except Exception as exc:  # noqa: BLE001
                del times[name]
                if on_error:
                    on_error(name, exc)
                continue
            times[name].append(dt / number)
    return times, numbers, {n: v for n, v in others.items() if n in times}


def quantile(values, q):
    """Linear-interpolated quantile of a non-empty list, q in [0, 1]."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    pos = q * (len(s) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summarize(values):
    """Median, quartiles, min and count of a list of samples."""
    return {
        "median": statistics.median(values),
        "p25": quantile(values, 0.25),
        "p75": quantile(values, 0.75),
        "min": min(values),
        "n": len(values),
    }


def paired_ratios(num, den):
    """Per-repetition ratios num[i] / den[i]: both were timed within the same repetition."""
    return [a / b for a, b in zip(num, den) if b > 0]


CLEAN_LIMIT = 0.25  # cores other processes may use during a sample for it to count as clean


def clean_indices(others, limit=CLEAN_LIMIT, min_keep=3):
    """Indices of the samples during which other processes used < ``limit`` cores (unknown
    counts as clean), or of all samples if fewer than ``min_keep`` are clean."""
    keep = [i for i, o in enumerate(others) if o is None or o < limit]
    return keep if len(keep) >= min_keep else list(range(len(others)))
