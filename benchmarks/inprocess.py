"""Run one in-process workload (W1-W3): set up every implementation, check it, time it."""
import time

from benchmarks import check, impls, timing

COLUMNS = [
    ("impl", "implementation", "str"),
    ("median", "median", "time"),
    ("iqr", "IQR", "time_range"),
    ("number", "calls/sample", "int"),
    ("ratio", "autodiff/impl", "ratio"),
    ("ratio_iqr", "paired IQR", "ratio_range"),
    ("others", "others", "cores"),
    ("clean", "clean", "str"),
    ("target", "target", "str"),
    ("status", "status", "str"),
]
NOTE = ("ratio = autodiff median / this implementation's median (>1: autodiff slower); "
        "paired IQR = quartiles of the per-repetition ratios; others = cores other processes "
        "used during its samples (median); clean = samples with others < "
        f"{timing.CLEAN_LIMIT} cores, the only ones used when there are >= 3")


def _median(values):
    values = [v for v in values if v is not None]
    return timing.summarize(values)["median"] if values else None


def _clean_text(others):
    n_clean = sum(1 for o in others if o is None or o < timing.CLEAN_LIMIT)
    used_all = len(timing.clean_indices(others)) == len(others) and n_clean < len(others)
    return f"{n_clean}/{len(others)}" + (" (all used)" if used_all else "")


def setup_all(workload, data, selected, skipped, first_call=None):
    """name -> step for every selected, available implementation, and each one's first outputs.

    ``first_call`` (a dict, if given) gets each implementation's set-up plus first step in
    seconds: where Numba loads or compiles kernels, ``jax.jit`` traces and
    ``autodiff.compile`` records and generates its kernel (its compile time)."""
    steps, outputs = {}, {}
    for name in [n for n in impls.ORDER if n in workload.IMPLS and n in selected]:
        ok, info = impls.available(name)
        if not ok:
            skipped[name] = info
            continue
        try:
            start = time.perf_counter()
            step = workload.IMPLS[name](data)
            outputs[name] = step()  # first call: compiles whatever needs compiling
            if first_call is not None:
                first_call[name] = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - report, keep the others running
            skipped[name] = f"failed: {type(exc).__name__}: {exc}"
            continue
        steps[name] = step
    return steps, outputs


def check_all(workload, outputs, expected, log):
    """Compare every output with the float64 reference and autodiff's with torch's.
    Returns (description lines, names whose results are wrong)."""
    lines, wrong = [], set()
    for name, out in outputs.items():
        res = check.compare(out, expected)
        lines.append(check.describe(name, "float64 reference", res))
        if not check.all_ok(res):
            wrong.add(name)
            log(f"  CHECK {workload.ID}: {lines[-1]}")
    if "autodiff" in outputs and "torch" in outputs:
        torch_np = {k: impls.to_numpy(v) for k, v in outputs["torch"].items()}
        res = check.compare(outputs["autodiff"], torch_np)
        lines.append(check.describe("autodiff", "torch", res))
        log(f"  check {workload.ID}: {lines[-1]}")
        if not check.all_ok(res):
            wrong.add("autodiff")
    elif "autodiff" in outputs:
        log(f"  check {workload.ID}: torch not available; autodiff checked against the float64 reference only")
    return lines, wrong


def make_rows(times, numbers, others, wrong):
    """One row per implementation; statistics over its clean samples (see timing.clean_indices)."""
    rows = []
    keep = {name: timing.clean_indices(others[name]) for name in times}
    base = times.get("autodiff")
    base_med = timing.summarize([base[i] for i in keep["autodiff"]])["median"] if base else None
    for name, samples in times.items():
        s = timing.summarize([samples[i] for i in keep[name]])
        row = {"impl": name, **s, "iqr": (s["p25"], s["p75"]), "number": numbers[name],
               "samples": samples, "others": _median(others[name]), "others_samples": others[name],
               "clean": _clean_text(others[name]),
               "ratio": None, "ratio_iqr": None, "target": "", "status": ""}
        if base_med:
            row["ratio"] = base_med / s["median"]
            both = sorted(set(keep[name]) & set(keep["autodiff"])) or range(len(samples))
            pr = timing.paired_ratios([base[i] for i in both], [samples[i] for i in both])
            row["ratio_iqr"] = (timing.quantile(pr, 0.25), timing.quantile(pr, 0.75))
        if name in wrong:
            row["status"] = "WRONG RESULT"
        rows.append(row)
    return rows


def judge(workload, rows, skipped, wrong):
    """The workload's target: median autodiff / torch against workload.TARGET."""
    if workload.TARGET is None:   # (W8: only the hybridized run has a target)
        return None
    target = {"workload": workload.ID, "what": "median autodiff / torch",
              "limit": f"<= {workload.TARGET}", "value": None, "status": ""}
    have = {r["impl"]: r for r in rows}
    for name in ("autodiff", "torch"):
        if name not in have:
            target["status"] = f"n/a ({name} " + ("skipped" if name in skipped else "not selected") + ")"
            return target
    torch_row = have["torch"]
    target["value"] = torch_row["ratio"]
    if wrong & {"autodiff", "torch"}:
        target["status"] = "INVALID (results differ)"
    else:
        target["status"] = "PASS" if torch_row["ratio"] <= workload.TARGET else "MISS"
    torch_row["target"], torch_row["status"] = target["limit"], target["status"]
    return target


def judge_compiled(workload, rows, wrong):
    """Issue 8's target, where the workload sets one: median autodiff.compile / torch."""
    limit = getattr(workload, "COMPILE_TARGET", None)
    have = {r["impl"]: r for r in rows}
    if limit is None or "autodiff.compile" not in have or "torch" not in have:
        return None
    value = have["autodiff.compile"]["median"] / have["torch"]["median"]
    status = ("INVALID (results differ)" if wrong & {"autodiff.compile", "torch"}
              else "PASS" if value <= limit else "MISS")
    return {"workload": workload.ID, "what": "median autodiff.compile / torch",
            "limit": f"<= {limit}", "value": value, "status": status}


def judge_impls(workload, rows, wrong):
    """The targets of other autodiff entries (``workload.IMPL_TARGETS``: ``{impl: limit}``,
    W7/W8's ``autodiff.hybrid``): median impl / torch. Missing rows give no target."""
    have = {r["impl"]: r for r in rows}
    found = []
    for impl, limit in getattr(workload, "IMPL_TARGETS", {}).items():
        if impl not in have or "torch" not in have:
            continue
        value = have[impl]["median"] / have["torch"]["median"]
        status = ("INVALID (results differ)" if wrong & {impl, "torch"}
                  else "PASS" if value <= limit else "MISS")
        found.append({"workload": workload.ID, "what": f"median {impl} / torch",
                      "limit": f"<= {limit}", "value": value, "status": status})
    return found


def run(workload, selected, repeats, min_time, warmup, log):
    """Returns the workload's result dict (see report.py for its shape)."""
    data = workload.make_data()
    skipped = {}
    first_call = {}
    steps, outputs = setup_all(workload, data, selected, skipped, first_call)
    log(f"  first call {workload.ID} (set-up + compile/trace + one step): " + ", ".join(
        f"{name} {seconds * 1e3:.0f} ms" for name, seconds in first_call.items()))
    checks, wrong = check_all(workload, outputs, workload.reference(data), log)
    outputs.clear()

    def on_error(name, exc):
        skipped[name] = f"failed while timing: {type(exc).__name__}: {exc}"

    times, numbers, others = timing.alternate(
        steps, repeats=repeats, min_time=min_time, warmup=warmup, on_error=on_error)
    rows = make_rows(times, numbers, others, wrong)
    return {"id": workload.ID, "title": workload.TITLE, "note": NOTE, "columns": COLUMNS,
            "rows": rows, "skipped": skipped, "checks": checks, "first_call_s": first_call,
            "targets": [t for t in (judge(workload, rows, skipped, wrong),
                                    judge_compiled(workload, rows, wrong),
                                    *judge_impls(workload, rows, wrong)) if t]}
