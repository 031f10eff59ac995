"""MEM: peak memory of W3, W6 and W7, autodiff beside PyTorch, each run in a fresh process.

The child (``mem_child.py``) builds the workload's data and step, then runs STEPS steps and
reports RSS: after imports and set-up, what the first step adds at its peak (autodiff's
includes Numba and its kernels, which load at the first op), the process's peak RSS
(VmHWM, imports included) and a step's working memory (the peak of later steps
over the RSS after the first step, freed heap given back with ``malloc_trim``).

Targets (issue 18): the peak RSS and a step's working memory, each <= 1.2x PyTorch's in
the same run. Memory does not depend on the machine's load, so two runs per entry are
enough (the median is reported; the two agree within a few hundred kB).
"""
import importlib.util
import statistics

from benchmarks import machine, subproc

ID = "MEM"
TITLE = "peak memory of W3, W6, W7 (fresh process each; autodiff beside torch)"
LIMIT = 1.2          # autodiff / torch, peak RSS and a step's working memory
WORKLOADS = ("W3", "W6", "W7")
IMPLS = ("autodiff", "torch")
STEPS = {"full": 4, "quick": 3}
RUNS = {"full": 2, "quick": 1}
CHILD = subproc.HERE / "workloads" / "mem_child.py"

COLUMNS = [
    ("workload", "workload", "str"),
    ("impl", "impl", "str"),
    ("base_mb", "after set-up", "mb"),
    ("first_mb", "+first step", "mb"),
    ("maxrss_mb", "peak RSS", "mb"),
    ("peak_ratio", "peak vs torch", "ratio"),
    ("step_mb", "step working", "mb"),
    ("step_ratio", "step vs torch", "ratio"),
    ("n", "runs", "int"),
    ("others", "others", "cores"),
]


def _measure(wid, impl, steps, runs):
    """Median of ``runs`` fresh children; (row, error)."""
    got, others = [], []
    for _ in range(runs):
        snap = machine.snapshot()
        out = subproc.run_python([CHILD, wid, impl, steps], timeout=600)
        others.append(machine.others_cores(snap, machine.snapshot()) or 0.0)
        if out["error"] or not out["result"]:
            return None, out["error"] or "no result"
        got.append(out["result"])
    row = {"workload": wid, "impl": impl, "n": len(got), "others": statistics.median(others),
           "peak_ratio": None, "step_ratio": None}
    for key in ("base_mb", "first_mb", "maxrss_mb", "step_mb"):
        vals = [r[key] for r in got if r[key] is not None]
        row[key] = statistics.median(vals) if vals else None
    return row, None


def run(selected, quick, log):
    mode = "quick" if quick else "full"
    names = [n for n in IMPLS if n in selected]
    skipped, rows, targets = {}, [], []
    for name in list(names):
        if importlib.util.find_spec(name) is None:
            skipped[name] = f"{name} is not installed"
            names.remove(name)
    for wid in WORKLOADS:
        mine = {}
        for name in names:
            row, err = _measure(wid, name, STEPS[mode], RUNS[mode])
            if err:
                skipped[f"{name} {wid}"] = f"failed: {err}"
                continue
            mine[name] = row
            rows.append(row)
        a, t = mine.get("autodiff"), mine.get("torch")
        if a and t:
            a["peak_ratio"] = a["maxrss_mb"] / t["maxrss_mb"]
            if a["step_mb"] is not None and t["step_mb"]:
                a["step_ratio"] = a["step_mb"] / t["step_mb"]
            for what, key in (("peak RSS", "peak_ratio"), ("step working memory", "step_ratio")):
                value = a[key]
                targets.append({"workload": ID, "what": f"{wid} {what} / torch",
                                "limit": f"<= {LIMIT}", "value": value,
                                "status": "n/a" if value is None else
                                ("PASS" if value <= LIMIT else "MISS")})
        log(f"  MEM {wid}: " + ", ".join(f"{n} peak {r['maxrss_mb']:.0f} MB"
                                         for n, r in mine.items()))
    if not targets:
        targets.append({"workload": ID, "what": "peak RSS / torch", "limit": f"<= {LIMIT}",
                        "value": None, "status": "n/a (autodiff or torch not run)"})
    return {
        "id": ID,
        "title": TITLE,
        "note": "after set-up = RSS once imports, data and step exist; +first step = its peak "
                "over that (autodiff's loads Numba and the kernels there); peak RSS = "
                "VmHWM of the process (imports included); step working = peak of steps 2.. over the RSS "
                "after step 1 (gc + malloc_trim)",
        "columns": COLUMNS,
        "rows": rows,
        "skipped": skipped,
        "checks": [],
        "targets": targets,
    }
