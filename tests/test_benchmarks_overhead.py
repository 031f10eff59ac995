"""Smoke test of the per-op overhead (W9) and higher-order (W10, W10b) workloads: every
implementation's first step agrees with the float64 reference (W10 at a reduced size),
and the runner knows the workloads.  No timing: that is the benchmarks' job."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import check, impls, inprocess  # noqa: E402
from benchmarks.run import IN_PROCESS, parse_args  # noqa: E402
from benchmarks.workloads import w9_overhead, w10_hvp, w10b_third  # noqa: E402


@pytest.mark.parametrize("case", w9_overhead.CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("impl", ["autodiff", "torch", "numpy.fwd"])
def test_w9_case_matches_float64_reference(case, impl):
    ok, why = impls.available(impl)
    if not ok:
        pytest.skip(why)
    data = case.make_data()
    step = case.IMPLS[impl](data)
    step()                              # a second step must give the same (write, not add)
    expected = case.reference(data)
    result = check.compare(step(), expected)
    if impl == "numpy.fwd":             # the floor computes the forward op only
        assert result == {} or check.all_ok(result)
        return
    assert len(result) == len(expected) and check.all_ok(result), \
        check.describe(impl, "reference", result)


def test_w9_run_gives_one_table_and_a_target_per_case():
    res = w9_overhead.run(["autodiff", "numpy.fwd"], repeats=1, min_time=0, warmup=0,
                          log=lambda msg: None)
    assert [r["case"] for r in res["rows"]] == [c.name for c in w9_overhead.CASES for _ in (0, 1)]
    assert all(r["median"] > 0 for r in res["rows"])
    # without torch each target says so instead of a value
    assert [t["workload"] for t in res["targets"]] == [c.ID for c in w9_overhead.CASES]
    assert all(t["status"].startswith("n/a (torch") for t in res["targets"])
    assert res["columns"][0][0] == "case" and res["columns"][1:] == inprocess.COLUMNS


@pytest.mark.parametrize("workload", [w10_hvp, w10b_third], ids=lambda w: w.ID)
@pytest.mark.parametrize("impl", ["autodiff", "torch"])
def test_w10_small_matches_float64_reference(workload, impl):
    ok, why = impls.available(impl)
    if not ok:
        pytest.skip(why)
    data = workload.make_data("small")
    step = workload.IMPLS[impl](data)
    step()
    result = check.compare(step(), workload.reference(data))
    assert len(result) >= 2 and check.all_ok(result), check.describe(impl, "reference", result)


def test_w10b_reference_is_the_third_derivative():
    """The jets against a central difference of the analytic first derivative (float64)."""
    data = {"x": 1.2, "steps": 3}
    h = 1e-3

    def d1(x):
        return w10b_third.reference({"x": x, "steps": 3})["d1"]
    want = w10b_third.reference(data)["d3"]
    fd = (d1(1.2 + h) - 2 * d1(1.2) + d1(1.2 - h)) / h ** 2
    assert abs(fd - want) <= 1e-4 * max(1.0, abs(want))


def test_runner_lists_the_workloads():
    assert IN_PROCESS["W10"] is w10_hvp and IN_PROCESS["W10b"] is w10b_third
    assert parse_args(["--only", "w9,W10,w10b"]).only == ["W9", "W10", "W10b"]
    for case in w9_overhead.CASES:
        assert set(case.IMPLS) <= set(impls.ORDER)
