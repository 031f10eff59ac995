"""Command line: time every workload on autodiff and on every installed peer.

    python -m benchmarks [--quick] [--only W1,W3] [--impls autodiff,torch] [--json PATH]
    python benchmarks/run.py ...   (same)
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

# The timed workloads measure compiled programs, so a new path compiles before its first
# call returns (as in the test suite) instead of on autograd.compile's background thread,
# whose eager tier would otherwise run the first samples; ``benchmarks.compile_time``
# measures the tiers themselves.
os.environ.setdefault("AUTODIFF_COMPILE_BACKGROUND", "0")

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``autodiff`` importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import compile_time, impls, inprocess, machine, report  # noqa: E402
from benchmarks.workloads import w1_chain, w2_elementwise, w3_mlp, w4_startup, w5_scale  # noqa: E402
from benchmarks.workloads import w6_lenet, w6b_conv, w7_gluon_lenet, w8_gluon_mlp  # noqa: E402
from benchmarks.workloads import w9_overhead, w10_hvp, w10b_third, mem_peak  # noqa: E402

IN_PROCESS = {m.ID: m for m in (w1_chain, w2_elementwise, w3_mlp, w6_lenet, w6b_conv,
                                w7_gluon_lenet, w8_gluon_mlp, w10_hvp, w10b_third)}
ALL = ["W1", "W2", "W3", "W4", "W5", "W6", "W6b", "W7", "W8", "W9", "W10", "W10b", "MEM", "CT"]
SETTINGS = {  # repetitions (samples per implementation), seconds per sample, warm-up calls
    "full": {"repeats": 15, "min_time": 0.05, "warmup": 2, "w4_repeats": 5, "w4_cold": 3},
    "quick": {"repeats": 5, "min_time": 0.02, "warmup": 1, "w4_repeats": 2, "w4_cold": 1},
}


def _canonical(wid):
    """'w6b' -> 'W6b' (ids are matched case-insensitively)."""
    return next((w for w in ALL if w.lower() == wid.lower()), wid.upper())


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(ALL), help="comma-separated workloads (default: all)")
    p.add_argument("--impls", default=",".join(impls.ORDER),
                   help=f"comma-separated implementations (default: all of {','.join(impls.ORDER)})")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (about a third of the time)")
    p.add_argument("--repeats", type=int, help="override the repetitions of W1-W3 (and W4)")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                   help="before each workload, wait up to SECONDS for other processes to go idle")
    p.add_argument("--json", metavar="PATH", help="also write the results to PATH as JSON")
    args = p.parse_args(argv)
    args.only = [_canonical(w.strip()) for w in args.only.split(",") if w.strip()]
    args.impls = [i.strip() for i in args.impls.split(",") if i.strip()]
    for w in args.only:
        if w not in ALL:
            p.error(f"unknown workload {w!r}; choose from {','.join(ALL)}")
    for i in args.impls:
        if i not in impls.ORDER:
            p.error(f"unknown implementation {i!r}; choose from {','.join(impls.ORDER)}")
    return args


def blas_info():
    try:
        import threadpoolctl

        parts = []
        for i in threadpoolctl.threadpool_info():
            words = [i.get("internal_api"), i.get("version"), i.get("architecture"),
                     f"threads={i.get('num_threads')}", f"({Path(i['filepath']).name})"]
            parts.append(" ".join(str(w) for w in words if w))
        return "; ".join(parts)
    except Exception as exc:  # noqa: BLE001
        return f"threadpoolctl unavailable ({exc})"


def metadata(args, settings):
    meta = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "libraries": impls.versions(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
        "threads": f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS', '(default)')}",
        "load average at start": "%.2f %.2f %.2f" % os.getloadavg(),
        "other processes' CPU at start (cores)": round(machine.others_now() or 0.0, 2),
        "settings": {"mode": "quick" if args.quick else "full", **settings},
    }
    if impls.available("torch")[0]:
        import torch

        meta["threads"] += f", torch.get_num_threads()={torch.get_num_threads()} (torch default)"
    try:
        import numba

        meta["threads"] += f", numba.get_num_threads()={numba.get_num_threads()}"
    except Exception:  # noqa: BLE001
        pass
    meta["blas (numpy/scipy)"] = blas_info()
    return meta


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = dict(SETTINGS["quick" if args.quick else "full"])
    if args.repeats:
        settings["repeats"] = settings["w4_repeats"] = args.repeats
    t_start = time.perf_counter()
    meta = metadata(args, settings)
    print(report.header_text(meta), flush=True)
    busy = meta["other processes' CPU at start (cores)"]
    if busy is not None and busy > 0.2:
        print(f"  NOTE: other processes are using {busy:.1f} of the {os.cpu_count()} cores: "
              "expect noisy numbers", flush=True)
    ok, why = impls.available("autodiff")
    if not ok and "autodiff" in args.impls:
        print(f"  NOTE: autodiff entries are skipped: {why}", flush=True)

    def log(msg):
        print(msg, flush=True)

    results = []
    for wid in args.only:
        log(f"\n.. running {wid}")
        if args.wait_quiet > 0:
            waited, busy = machine.wait_quiet(args.wait_quiet)
            if waited >= 1.5:
                log(f"  waited {waited:.0f} s for a quiet machine (others now at {busy or 0:.2f} cores)")
        t0, snap = time.perf_counter(), machine.snapshot()
        if wid in IN_PROCESS:
            res = inprocess.run(IN_PROCESS[wid], args.impls, settings["repeats"],
                                settings["min_time"], settings["warmup"], log)
        elif wid == "W9":
            res = w9_overhead.run(args.impls, settings["repeats"], settings["min_time"],
                                  settings["warmup"], log)
        elif wid == "W4":
            res = w4_startup.run(args.impls, settings["w4_repeats"], settings["w4_cold"], log)
        elif wid == "MEM":
            res = mem_peak.run(args.impls, args.quick, log)
        elif wid == "CT":
            res = compile_time.run(args.impls, args.quick, log)
        else:
            res = w5_scale.run(args.impls, args.quick, log)
        res["seconds"] = time.perf_counter() - t0
        res["others_cores"] = machine.others_cores(snap, machine.snapshot())
        results.append(res)
        print(report.workload_text(res), flush=True)
        if (res["others_cores"] or 0) > 0.2:
            for t in res["targets"]:
                if t["status"].split()[0] in ("PASS", "MISS"):
                    t["status"] += " (machine busy)"
            print(f"   NOTE: other processes used {res['others_cores']:.1f} cores on average during "
                  f"{wid}: its numbers are less reliable (W1-W3 leave out the samples they hit, see "
                  "'clean'); rerun on a quiet machine to be sure", flush=True)

    print()
    print(report.targets_text(results))
    total = time.perf_counter() - t_start
    print(f"\ntotal {total:.0f} s; load average at the end %.2f %.2f %.2f" % os.getloadavg())
    meta["total_seconds"] = total
    if args.json:
        report.write_json(args.json, meta, results)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
