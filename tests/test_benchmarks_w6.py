"""Smoke test of the convolution workloads W6 (LeNet-5 step) and W6b (one convolution):
each implementation's first step agrees with the float64 reference at a reduced size, and
the runner knows the workloads.  (Sizes are small; timing is the benchmarks' job.)"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import check, impls  # noqa: E402
from benchmarks.run import IN_PROCESS, parse_args  # noqa: E402
from benchmarks.workloads import w6_lenet, w6b_conv  # noqa: E402


@pytest.mark.parametrize("workload", [w6_lenet, w6b_conv], ids=lambda w: w.ID)
@pytest.mark.parametrize("impl", ["autodiff", "torch"])
def test_small_workload_matches_float64_reference(workload, impl):
    ok, why = impls.available(impl)
    if not ok:
        pytest.skip(why)
    data = workload.make_data("small")
    result = check.compare(workload.IMPLS[impl](data)(), workload.reference(data))
    assert len(result) >= 3 and check.all_ok(result), check.describe(impl, "reference", result)


def test_small_lenet_compiles_and_matches_float64_reference():
    data = w6_lenet.make_data("small")
    step = w6_lenet.IMPLS["autodiff.compile"](data)
    first, second = step(), step()          # the recording call, then a replay
    assert step.compiled.fallback_reason is None
    for out in (first, second):
        result = check.compare(out, w6_lenet.reference(data))
        assert len(result) >= 3 and check.all_ok(result), check.describe("compile", "ref", result)


def test_runner_lists_the_workloads():
    assert IN_PROCESS["W6"] is w6_lenet and IN_PROCESS["W6b"] is w6b_conv
    assert parse_args(["--only", "w6,W6B"]).only == ["W6", "W6b"]
    assert set(w6_lenet.IMPLS) <= set(impls.ORDER) and set(w6b_conv.IMPLS) <= set(impls.ORDER)
