"""Profile autodiff's step of an in-process workload: where does the per-op time go?

    python -m benchmarks.prof W1 W2 [--top 15] [--seconds 3] [--pyinstrument]

cProfile (default) lists the top functions by own time (tottime); cProfile's own overhead
inflates many-small-call code such as W1, so read the ranking, not the absolute times.
``--pyinstrument`` (if installed) prints a sampled call tree instead, with low overhead.
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.workloads import w1_chain, w2_elementwise, w3_mlp, w10_hvp, w10b_third  # noqa: E402

WORKLOADS = {m.ID: m for m in (w1_chain, w2_elementwise, w3_mlp, w10_hvp, w10b_third)}


def make_step(wid, impl="autodiff"):
    workload = WORKLOADS[wid]
    step = workload.IMPLS[impl](workload.make_data())
    for _ in range(3):  # compile / load kernels outside the profile
        step()
    return step


def calls_for(step, seconds):
    best = float("inf")
    for _ in range(5):  # the fastest of a few: one slow call must not shrink the profile
        t0 = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - t0)
    return max(1, int(seconds / max(best, 1e-9)))


def cprofile_text(step, calls, top):
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        step()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def pyinstrument_text(step, calls):
    from pyinstrument import Profiler

    prof = Profiler(interval=0.0002)
    prof.start()
    for _ in range(calls):
        step()
    prof.stop()
    return prof.output_text(unicode=False, color=False, show_all=False)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.prof", description=__doc__.splitlines()[0])
    p.add_argument("workloads", nargs="*", default=["W1", "W2"], help="W1, W2, W3, W10 and/or W10b")
    p.add_argument("--impl", default="autodiff", help="implementation to profile (default autodiff)")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--seconds", type=float, default=3.0, help="roughly how long to profile each")
    p.add_argument("--pyinstrument", action="store_true")
    args = p.parse_args(argv)
    for wid in args.workloads:
        wid = {w.upper(): w for w in WORKLOADS}.get(wid.upper(), wid)
        step = make_step(wid, args.impl)
        calls = calls_for(step, args.seconds)
        print(f"== {wid} ({WORKLOADS[wid].TITLE}): {args.impl}, {calls} steps profiled")
        if args.pyinstrument:
            print(pyinstrument_text(step, calls))
        else:
            print(cprofile_text(step, calls, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
