"""Smoke test of the Gluon training workloads W7 (LeNet-5, one epoch) and W8 (MLP on
digits, 10 epochs): at a reduced size each implementation's first call agrees with the
float64 SGD reference, the runner knows them, and their targets are judged.
(Timing is the benchmarks' job: ``python -m benchmarks --only W7,W8``.)"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import check, impls, inprocess  # noqa: E402
from benchmarks.run import IN_PROCESS, parse_args  # noqa: E402
from benchmarks.workloads import w7_gluon_lenet, w8_gluon_mlp  # noqa: E402

WORKLOADS = [w7_gluon_lenet, w8_gluon_mlp]


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.ID)
@pytest.mark.parametrize("impl", ["autodiff", "autodiff.hybrid", "torch"])
def test_small_workload_matches_float64_reference(workload, impl):
    ok, why = impls.available(impl)
    if not ok:
        pytest.skip(why)
    data = workload.make_data("small")
    expected = workload.reference(data)
    result = check.compare(workload.IMPLS[impl](data)(), expected)
    # the loss and every parameter after training, all compared
    assert set(result) == set(expected) and len(result) >= 7
    assert check.all_ok(result), check.describe(impl, "reference", result)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.ID)
def test_training_moves_the_parameters(workload):
    """The check compares trained parameters: they are not the initial ones."""
    data = workload.make_data("small")
    expected = workload.reference(data)
    moved = [k for k in expected if k != "loss"
             if check.normwise_error(data[k], expected[k]) > 1e-3]
    assert len(moved) == len(expected) - 1


def test_runner_lists_the_workloads():
    assert IN_PROCESS["W7"] is w7_gluon_lenet and IN_PROCESS["W8"] is w8_gluon_mlp
    assert parse_args(["--only", "w7,W8"]).only == ["W7", "W8"]
    for w in WORKLOADS:
        assert set(w.IMPLS) <= set(impls.ORDER)


def test_targets_are_judged():
    rows = [{"impl": "autodiff", "median": 3.0, "ratio": 1.0},
            {"impl": "autodiff.hybrid", "median": 1.5, "ratio": 2.0},
            {"impl": "torch", "median": 2.0, "ratio": 1.5}]
    found = inprocess.judge_impls(w7_gluon_lenet, rows, set())
    assert found == [{"workload": "W7", "what": "median autodiff.hybrid / torch",
                      "limit": "<= 1.0", "value": 0.75, "status": "PASS"}]
    assert inprocess.judge(w7_gluon_lenet, [dict(r) for r in rows], {}, set())["status"] == "PASS"
    assert inprocess.judge(w8_gluon_mlp, rows, {}, set()) is None     # eager: no target
    miss = inprocess.judge_impls(w8_gluon_mlp, rows, {"autodiff.hybrid"})
    assert miss[0]["status"] == "INVALID (results differ)"
