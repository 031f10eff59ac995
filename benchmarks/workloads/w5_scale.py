"""W5 scale: chains of 1,000 / 10,000 / 100,000 ops (``y = y * 1.0001`` on a (2, 3) array),
one fresh subprocess per implementation and length so that RSS is clean.

Reports record + backward time per op (must stay flat as the chain grows), the RSS the graph
and the backward pass take at their peak, and what is left once backward has returned and the
head is dropped (should be back near the start). torch runs the same chains for reference.
"""
import importlib.util

from benchmarks import machine, subproc

ID = "W5"
TITLE = "scale: chains of 1k/10k/100k ops on (2,3), per-op time and memory (fresh process each)"
SIZES = (1_000, 10_000, 100_000)
REPS = {"full": {1_000: 20, 10_000: 5, 100_000: 3}, "quick": {1_000: 5, 10_000: 2, 100_000: 1}}
FLAT_LIMIT = 1.5  # per-op time at any length <= 1.5 x per-op time at the shortest
MEM_LIMIT_MB = 5.0  # ... or 10% of the peak, whichever is larger, left after the head is dropped
TIMEOUT_S = 180
CHILD = subproc.HERE / "workloads" / "w5_child.py"
IMPLS = ("autodiff", "torch")

COLUMNS = [
    ("impl", "impl", "str"),
    ("n", "ops", "int"),
    ("per_op", "per op (rec+bwd)", "time"),
    ("record_op", "record/op", "time"),
    ("backward_op", "backward/op", "time"),
    ("growth", "vs 1k", "ratio"),
    ("per_op_nogc", "per op, gc off", "time"),
    ("peak_mb", "peak dRSS", "mb"),
    ("bytes_per_op", "peak/op", "bytes"),
    ("after_drop_mb", "dRSS dropped", "mb"),
    ("after_gc_mb", "dRSS +gc", "mb"),
    ("after_trim_mb", "+trim", "mb"),
    ("others", "others", "cores"),
    ("status", "status", "str"),
]


def run(selected, quick, log):
    reps = REPS["quick" if quick else "full"]
    skipped, rows = {}, []
    names = [n for n in IMPLS if n in selected]
    for name in list(names):
        if importlib.util.find_spec(name) is None:
            skipped[name] = f"{name} is not installed"
            names.remove(name)
    for size in SIZES:  # round-robin over implementations within each length
        for name in names:
            if name in skipped:
                continue
            snap = machine.snapshot()
            out = subproc.run_python([CHILD, name, size, reps[size]], timeout=TIMEOUT_S)
            others = machine.others_cores(snap, machine.snapshot())
            if out["error"] or not out["result"]:
                skipped[name] = f"failed at {size:,} ops: {out['error'] or 'no result'}"
                continue
            r = out["result"]
            rows.append({
                "impl": name, "n": size, "per_op": (r["record"] + r["backward"]) / size,
                "record_op": r["record"] / size, "backward_op": r["backward"] / size,
                "per_op_nogc": r["total_nogc"] / size,
                "peak_mb": r["peak_mb"], "after_drop_mb": r["after_drop_mb"],
                "after_gc_mb": r["after_gc_mb"], "after_trim_mb": r["after_trim_mb"],
                "graph_held_mb": r["graph_held_mb"],
                "after_backward_mb": r["after_backward_mb"], "rss_start_mb": r["rss_start_mb"],
                "grad_rel_err": r["grad_rel_err"], "reps": r["reps"],
                "bytes_per_op": (r["peak_mb"] * 2**20 / size) if r["peak_mb"] is not None else None,
                "growth": None, "others": others, "status": "",
            })
            if r["grad_rel_err"] > 1e-2:
                rows[-1]["status"] = f"WRONG GRADIENT (rel err {r['grad_rel_err']:.1e})"

    targets = []
    for name in names:
        mine = [r for r in rows if r["impl"] == name]
        if not mine:
            continue
        first = mine[0]["per_op"]
        for r in mine:
            r["growth"] = r["per_op"] / first
        worst = max(r["growth"] for r in mine)
        last = mine[-1]
        limit = max(MEM_LIMIT_MB, 0.1 * (last["peak_mb"] or 0.0))
        if last["after_drop_mb"] <= limit:
            mem_status = "PASS"
        elif last["after_gc_mb"] <= limit:
            mem_status = "PASS only after gc.collect()"
        elif last["after_trim_mb"] is not None and last["after_trim_mb"] <= limit:
            mem_status = "PASS only after malloc_trim (freed, kept by the allocator)"
        else:
            mem_status = "MISS"
        flat_status = "PASS" if worst <= FLAT_LIMIT and len(mine) == len(SIZES) else "MISS"
        if len(mine) < len(SIZES):
            flat_status = f"MISS (only {mine[-1]['n']:,} ops ran)"
        short = {"PASS": "PASS", "MISS": "MISS"}.get(mem_status, "PASS after " + (
            "gc" if "gc.collect" in mem_status else "trim"))
        last["status"] = last["status"] or f"flat {flat_status.split()[0]}, memory {short}"
        if name == "autodiff":
            targets += [
                {"workload": ID, "what": f"per-op time, worst / {mine[0]['n']:,}-op chain",
                 "limit": f"<= {FLAT_LIMIT}", "value": worst, "status": flat_status},
                {"workload": ID, "what": f"dRSS after head dropped, {last['n']:,} ops (MB)",
                 "limit": f"<= {limit:.1f} MB", "value": last["after_drop_mb"], "status": mem_status},
            ]
    if "autodiff" in skipped or "autodiff" not in selected:
        targets.append({"workload": ID, "what": "flat per-op cost", "limit": f"<= {FLAT_LIMIT}",
                        "value": None, "status": "n/a (autodiff not run)"})
    return {
        "id": ID,
        "title": TITLE,
        "note": "dRSS = RSS minus RSS at the start of the run (first repetition; peak via VmHWM); "
                "'dropped' = after backward and del of the head, before any gc.collect(); "
                "+trim = then glibc malloc_trim(0); gc off = one more run with gc.disable() (diagnostic)",
        "columns": COLUMNS,
        "rows": rows,
        "skipped": skipped,
        "checks": [],
        "targets": targets,
    }
