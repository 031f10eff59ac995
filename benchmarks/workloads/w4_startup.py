"""W4 start-up, each in a fresh subprocess: ``import autodiff`` alone, and the seed page
(benchmarks/seed_page.py) with the Numba kernel cache warm and with it empty.

The cache is pointed at directories this benchmark owns (NUMBA_CACHE_DIR): one warmed by a
first, untimed run of the seed page; a new empty one for every empty-cache run. The peer is
``import torch`` in a fresh process. Floors: ``python`` doing nothing, and ``import numba``
(which autodiff cannot start faster than). Times are wall-clock, spawn to exit: what a user
waits for.

The untimed first runs also write Python's bytecode (``__pycache__``), as any first run or
``pip install`` does: they run without ``PYTHONDONTWRITEBYTECODE`` (set in some shells and
CI images), else every timed run of a source checkout would compile autodiff's ~110
modules from source (~0.15 s CPU) while the installed peer loads its bytecode.
"""
import importlib.util
import shutil
import statistics
import tempfile

from benchmarks import impls, subproc, timing

ID = "W4"
TITLE = "start-up in a fresh process (wall time, spawn to exit)"
TARGET_S = 1.0  # seed page, warm cache, absolute seconds
# issue 18: wall time / import torch's, measured in the same run
RATIO_TARGETS = {"autodiff: import autodiff (warm cache)": 0.25,
                 "autodiff: seed page (warm cache)": 0.5,
                 "autodiff: seed page (empty cache)": 1.5}
CHILD = subproc.HERE / "workloads" / "w4_child.py"
SEED = subproc.HERE / "seed_page.py"

COLUMNS = [
    ("label", "entry", "str"),
    ("median", "median wall", "time"),
    ("iqr", "IQR", "time_range"),
    ("inproc", "in-process", "time"),
    ("maxrss_mb", "peak RSS", "mb"),
    ("n", "runs", "int"),
    ("others", "others", "cores"),
    ("ratio", "vs import torch", "ratio"),
    ("target", "target", "str"),
    ("status", "status", "str"),
]


def _installed(module):
    return importlib.util.find_spec(module) is not None


def run(selected, repeats, cold_repeats, log):
    warm_dir = tempfile.mkdtemp(prefix="bench_numba_warm_")
    skipped, entries = {}, {}  # label -> (args, env-maker)

    def fixed_env(**extra):
        env = subproc.child_env(**extra)
        return lambda: (env, None)

    def warming_env(**extra):      # (the untimed runs: they may write bytecode)
        env = subproc.child_env(**extra)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def fresh_cache_env():
        d = tempfile.mkdtemp(prefix="bench_numba_cold_")
        return subproc.child_env(NUMBA_CACHE_DIR=d), d

    entries["floor: python, nothing imported"] = (["pass"], fixed_env())
    if _installed("numba"):
        entries["floor: import numba"] = (["import", "numba"], fixed_env())
    if "torch" in selected:
        if _installed("torch"):
            entries["torch: import torch"] = (["import", "torch"], fixed_env())
        else:
            skipped["torch"] = "torch is not installed"
    ok, why = impls.available("autodiff") if "autodiff" in selected else (False, "")
    if "autodiff" in selected and not ok:
        skipped["autodiff"] = why
    elif "autodiff" in selected:
        first = subproc.run_python([CHILD, "seed", SEED], env=warming_env(NUMBA_CACHE_DIR=warm_dir))
        if first["error"]:
            probe = subproc.run_python([CHILD, "import", "autodiff"])
            if probe["error"]:
                skipped["autodiff"] = f"import autodiff failed ({probe['error']})"
            else:
                entries["autodiff: import autodiff (warm cache)"] = (
                    ["import", "autodiff"], fixed_env(NUMBA_CACHE_DIR=warm_dir))
                skipped["autodiff seed page"] = f"seed page failed ({first['error']})"
        else:
            log(f"  W4: first seed-page run, filling an empty cache: {first['wall']:.2f} s")
            entries["autodiff: import autodiff (warm cache)"] = (
                ["import", "autodiff"], fixed_env(NUMBA_CACHE_DIR=warm_dir))
            entries["autodiff: seed page (warm cache)"] = (["seed", SEED], fixed_env(NUMBA_CACHE_DIR=warm_dir))
            entries["autodiff: seed page (empty cache)"] = (["seed", SEED], fresh_cache_env)

    measured = {label: [] for label in entries}
    errors = {}

    def make_fn(label, args, env_maker):
        def fn():
            env, tmp = env_maker()
            try:
                out = subproc.run_python([CHILD, *args], env=env)
            finally:
                if tmp:
                    shutil.rmtree(tmp, ignore_errors=True)
            if out["error"]:
                raise RuntimeError(out["error"])
            measured[label].append((out["wall"], out["result"]["inproc"], out["result"]["maxrss_mb"]))
        return fn

    fns = {label: make_fn(label, *spec) for label, spec in entries.items()}
    # One untimed import of each library first, so every entry starts with its files in the
    # OS page cache (the seed page already had its untimed first run above).
    for label, (args, _) in entries.items():
        if args[0] == "import":
            subproc.run_python([CHILD, *args], env=warming_env(NUMBA_CACHE_DIR=warm_dir))
    counts = {label: cold_repeats for label in entries if "empty cache" in label}
    _, _, others = timing.alternate(fns, repeats=repeats, warmup=0, counts=counts,
                     on_error=lambda name, exc: errors.setdefault(name, str(exc)))
    shutil.rmtree(warm_dir, ignore_errors=True)

    rows = []
    for label, samples in measured.items():
        if not samples:
            continue
        walls = [s[0] for s in samples]
        st = timing.summarize(walls)
        rows.append({"label": label, **st, "iqr": (st["p25"], st["p75"]), "walls": walls,
                     "inproc": statistics.median(s[1] for s in samples),
                     "maxrss_mb": max((s[2] for s in samples if s[2] is not None), default=None),
                     "others": timing.summarize([o for o in others.get(label, []) if o is not None]
                                                 or [0.0])["median"],
                     "ratio": None, "target": "", "status": ""})
    for label, err in errors.items():
        skipped[label] = f"failed: {err}"

    torch_row = next((r for r in rows if r["label"].startswith("torch:")), None)
    for row in rows:
        if torch_row and row["label"].startswith("autodiff:"):
            row["ratio"] = row["median"] / torch_row["median"]
    seed = next((r for r in rows if r["label"] == "autodiff: seed page (warm cache)"), None)
    target = {"workload": ID, "what": "seed page, warm cache, wall (s)",
              "limit": f"<= {TARGET_S} s", "value": None, "status": "n/a (not measured)"}
    if seed:
        target["value"] = seed["median"]
        target["status"] = "PASS" if seed["median"] <= TARGET_S else "MISS"
        seed["target"], seed["status"] = target["limit"], target["status"]
    targets = [target] + ratio_targets(rows)
    return {
        "id": ID,
        "title": TITLE,
        "note": "in-process = time inside the child for the import or the page; "
                "vs import torch = this median / torch's import median",
        "columns": COLUMNS,
        "rows": rows,
        "skipped": skipped,
        "checks": [],
        "targets": targets,
    }


def ratio_targets(rows):
    """Issue 18's targets: each listed entry's median wall time / ``import torch``'s."""
    targets = []
    for label, limit in RATIO_TARGETS.items():
        row = next((r for r in rows if r["label"] == label), None)
        if row is None or row["ratio"] is None:
            continue
        targets.append({"workload": ID, "what": label.split(": ", 1)[1] + " / import torch",
                        "limit": f"<= {limit}", "value": row["ratio"],
                        "status": "PASS" if row["ratio"] <= limit else "MISS"})
    return targets
