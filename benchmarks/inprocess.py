"""Run one in-process workload (W1-W3): set up every implementation, check it, time it."""
from benchmarks import check, impls, timing

COLUMNS = [
    ("impl", "implementation", "str"),
    ("median", "median", "time"),
    ("iqr", "IQR", "time_range"),
    ("number", "calls/sample", "int"),
    ("ratio", "autodiff/impl", "ratio"),
    ("ratio_iqr", "paired IQR", "ratio_range"),
    ("target", "target", "str"),
    ("status", "status", "str"),
]


def run(workload, selected, repeats, min_time, warmup, log):
    """Returns the workload's result dict (see report.py for its shape)."""
    data = workload.make_data()
    expected = workload.reference(data)
    steps, skipped, checks, outputs = {}, {}, [], {}

    for name in [n for n in impls.ORDER if n in workload.IMPLS and n in selected]:
        ok, info = impls.available(name)
        if not ok:
            skipped[name] = info
            continue
        try:
            step = workload.IMPLS[name](data)
            outputs[name] = step()  # first call: compiles whatever needs compiling
        except Exception as exc:  # noqa: BLE001 - report, keep the others running
            skipped[name] = f"failed: {type(exc).__name__}: {exc}"
            continue
        steps[name] = step

    wrong = set()
    for name, out in outputs.items():
        res = check.compare(out, expected)
        line = check.describe(name, "float64 reference", res)
        checks.append(line)
        if not check.all_ok(res):
            wrong.add(name)
            log(f"  CHECK {workload.ID}: {line}")
    if "autodiff" in outputs and "torch" in outputs:
        torch_np = {k: impls.to_numpy(v) for k, v in outputs["torch"].items()}
        res = check.compare(outputs["autodiff"], torch_np)
        line = check.describe("autodiff", "torch", res)
        checks.append(line)
        log(f"  check {workload.ID}: {line}")
        if not check.all_ok(res):
            wrong.add("autodiff")
    elif "autodiff" in outputs:
        log(f"  check {workload.ID}: torch not available; autodiff checked against the float64 reference only")
    outputs.clear()

    def on_error(name, exc):
        skipped[name] = f"failed while timing: {type(exc).__name__}: {exc}"
        steps.pop(name, None)

    times, numbers = timing.alternate(
        steps, repeats=repeats, min_time=min_time, warmup=warmup, on_error=on_error
    )

    rows = []
    base = times.get("autodiff")
    base_med = timing.summarize(base)["median"] if base else None
    for name, samples in times.items():
        s = timing.summarize(samples)
        row = {"impl": name, **s, "iqr": (s["p25"], s["p75"]), "number": numbers[name],
               "samples": samples, "ratio": None, "ratio_iqr": None, "target": "", "status": ""}
        if base_med:
            row["ratio"] = base_med / s["median"]
            pr = timing.paired_ratios(base, samples)
            row["ratio_iqr"] = (timing.quantile(pr, 0.25), timing.quantile(pr, 0.75))
        if name in wrong:
            row["status"] = "WRONG RESULT"
        rows.append(row)

    targets = []
    torch_row = next((r for r in rows if r["impl"] == "torch"), None)
    target = {"workload": workload.ID, "what": "median autodiff / torch",
              "limit": f"<= {workload.TARGET}", "value": None, "status": ""}
    if base_med is None:
        target["status"] = "n/a (autodiff " + ("skipped" if "autodiff" in skipped else "not selected") + ")"
    elif torch_row is None:
        target["status"] = "n/a (torch " + ("skipped" if "torch" in skipped else "not selected") + ")"
    else:
        target["value"] = torch_row["ratio"]
        if wrong & {"autodiff", "torch"}:
            target["status"] = "INVALID (results differ)"
        else:
            target["status"] = "PASS" if torch_row["ratio"] <= workload.TARGET else "MISS"
        torch_row["target"] = f"<= {workload.TARGET}"
        torch_row["status"] = target["status"]
    targets.append(target)

    return {
        "id": workload.ID,
        "title": workload.TITLE,
        "note": "ratio = autodiff median / this implementation's median (>1: autodiff slower); "
                "paired IQR = quartiles of the per-repetition ratios",
        "columns": COLUMNS,
        "rows": rows,
        "skipped": skipped,
        "checks": checks,
        "targets": targets,
    }
