"""Smoke test of benchmarks/: the harness works and every workload computes the right thing.

Fast (a few seconds): no timing loops of substance, and of the subprocess workloads only the
children's quickest modes.
"""
import re
import sys
import time
from pathlib import Path

import numpy
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # plain ``pytest`` does not put the repository root on the path
    sys.path.insert(0, str(ROOT))

from benchmarks import check, impls, report, subproc, timing  # noqa: E402
from benchmarks.run import parse_args  # noqa: E402
from benchmarks.workloads import w1_chain, w2_elementwise, w3_mlp, w4_startup, w5_scale  # noqa: E402

IN_PROCESS = [w1_chain, w2_elementwise, w3_mlp]


def test_alternate_times_every_callable_round_robin():
    order = []
    fns = {name: (lambda name=name: order.append(name)) for name in "abc"}
    times, numbers, others = timing.alternate(fns, repeats=3, warmup=0)
    assert all(len(v) == 3 for v in others.values())
    assert set(times) == {"a", "b", "c"} and all(len(v) == 3 for v in times.values())
    assert order == list("abc") + list("bca") + list("cab")  # rotated start each repetition
    assert numbers == {"a": 1, "b": 1, "c": 1}


def test_alternate_drops_a_failing_callable():
    errors = {}

    def bad():
        raise ValueError("boom")

    times, _, _ = timing.alternate({"ok": lambda: None, "bad": bad}, repeats=2,
                                on_error=lambda n, e: errors.setdefault(n, e))
    assert list(times) == ["ok"] and isinstance(errors["bad"], ValueError)


def test_settle_returns_quickly_when_idle():
    t0 = time.perf_counter()
    timing.settle()
    assert time.perf_counter() - t0 < 0.5


def test_summary_and_table():
    s = timing.summarize([3.0, 1.0, 2.0, 4.0])
    assert s["median"] == 2.5 and s["min"] == 1.0 and s["n"] == 4
    text = report.table([("impl", "impl", "str"), ("median", "median", "time")],
                        [{"impl": "x", "median": 0.0012}])
    assert "1.2 ms" in text


@pytest.mark.parametrize("workload", IN_PROCESS, ids=lambda w: w.ID)
@pytest.mark.parametrize("impl", ["numpy.fwd", "autodiff"])
def test_workload_matches_float64_reference(workload, impl):
    ok, why = impls.available(impl)
    if not ok:
        pytest.skip(why)
    data = workload.make_data()
    result = check.compare(workload.IMPLS[impl](data)(), workload.reference(data))
    assert result and check.all_ok(result), check.describe(impl, "reference", result)


def test_every_workload_lists_the_same_implementation_names():
    for workload in IN_PROCESS:
        assert set(workload.IMPLS) <= set(impls.ORDER)
        assert {"autodiff", "torch", "autograd", "jax", "jax.jit", "numpy.fwd"} <= set(workload.IMPLS)


def test_cli_options():
    args = parse_args(["--only", "w1,W3", "--quick", "--json", "out.json"])
    assert args.only == ["W1", "W3"] and args.quick and args.json == "out.json"
    with pytest.raises(SystemExit):
        parse_args(["--only", "W99"])


def test_seed_page_is_the_seed_cells():
    seed = ROOT / "tests" / "data" / "seed_autograd_page.md"   # a copy of the seed page
    cells = re.findall(r"```\{\.python \.input\s+n=\d+\}\n(.*?)```", seed.read_text(), re.S)
    page = (ROOT / "benchmarks" / "seed_page.py").read_text()
    for code in cells:
        assert code.replace("mxnet", "autodiff").rstrip() in page


def test_w4_child_reports_time_and_rss():
    out = subproc.run_python([w4_startup.CHILD, "pass"], timeout=60)
    assert out["error"] is None and out["result"]["maxrss_mb"] > 0


def test_w5_child_runs_a_short_chain():
    ok, why = impls.available("autodiff")
    if not ok:
        pytest.skip(why)
    out = subproc.run_python([w5_scale.CHILD, "autodiff", 200, 1], timeout=120)
    assert out["error"] is None, out["error"]
    r = out["result"]
    assert r["grad_rel_err"] < 1e-3 and r["record"] > 0 and r["backward"] > 0
    assert numpy.isfinite(r["after_gc_mb"])


def test_compile_time_reports_both_caches_and_the_memory_plan(capsys):
    from benchmarks import compile_time
    assert compile_time.main(["W1"]) is None
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("W1"))
    cold, warm = (float(t) for t in line.split()[1:5:2])
    assert cold > 0 and warm > 0 and "group" in line and "MB shared" in line


def test_w4_ratio_targets_against_import_torch():
    rows = [{"label": "autodiff: import autodiff (warm cache)", "ratio": 0.3},
            {"label": "autodiff: seed page (warm cache)", "ratio": 0.4},
            {"label": "autodiff: seed page (empty cache)", "ratio": None}]   # torch missing
    got = {t["what"]: (t["limit"], t["status"]) for t in w4_startup.ratio_targets(rows)}
    assert got == {"import autodiff (warm cache) / import torch": ("<= 0.25", "MISS"),
                   "seed page (warm cache) / import torch": ("<= 0.5", "PASS")}


def test_compile_time_targets_are_issue_18s():
    from benchmarks import compile_time
    m = {"cold": {"first_call": 0.9}, "warm": {"first_call": 0.5},
         "started_cold": {"first_call": 0.2}, "started_warm": {"first_call": 0.05}}
    got = [(t["limit"], t["status"]) for t in compile_time.targets(m)]
    assert got == [("<= 1.0 s", "PASS"), ("<= 0.3 s", "MISS"), ("<= 0.3 s", "PASS")]
    failed = compile_time.targets({"error": "boom"})
    assert len(failed) == 1 and "boom" in failed[0]["status"]
