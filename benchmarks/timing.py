"""Alternating (round-robin) timer and summary statistics.

Every implementation of a workload is timed in turn inside each repetition, so a burst of
machine noise lands on all of them alike instead of on whichever ran during it.
"""
import gc
import math
import statistics
import time

# A pause between samples lets thread pools that spin after a parallel region (OpenMP in
# torch, OpenBLAS, XLA) go idle before the next implementation starts on the same 2 cores.
PAUSE_S = 0.005


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
    Returns name -> list of seconds per call, one entry per repetition. A callable that raises
    is dropped from the rest of the run and reported to ``on_error(name, exc)``.
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
    for rep in range(repeats):
        k = rep % len(names) if names else 0
        for name in names[k:] + names[:k]:
            if name not in times or len(times[name]) >= counts.get(name, repeats):
                continue
            fn, number = fns[name], numbers[name]
            gc.collect()
            time.sleep(PAUSE_S)
            try:
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                dt = time.perf_counter() - t0
            except Exception as exc:  # noqa: BLE001
                del times[name]
                if on_error:
                    on_error(name, exc)
                continue
            times[name].append(dt / number)
    return times, numbers


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
