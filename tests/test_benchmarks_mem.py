"""Smoke test of the memory report (MEM: benchmarks/workloads/mem_peak.py, mem_child.py):
the child measures what it says on a known allocation, runs a short W3, and the runner
turns rows into issue 18's targets (autodiff / torch <= 1.2)."""
import sys
from pathlib import Path

import numpy
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import subproc  # noqa: E402
from benchmarks.run import parse_args  # noqa: E402
from benchmarks.workloads import mem_child, mem_peak  # noqa: E402

linux = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")


@linux
def test_the_peak_reset_sees_a_known_allocation():
    mem_child.trim()
    if not mem_child.reset_peak():
        pytest.skip("this kernel does not allow resetting VmHWM")
    base = mem_child.status_mb("VmRSS")
    a = numpy.ones(40 * 2**20 // 8)          # 40 MB, touched
    del a
    peak = mem_child.status_mb("VmHWM") - base
    assert 38 <= peak <= 48, peak
    mem_child.trim()
    mem_child.reset_peak()
    assert mem_child.status_mb("VmHWM") - base < 20


@linux
def test_child_reports_w3_memory_for_autodiff():
    out = subproc.run_python([mem_peak.CHILD, "W3", "autodiff", 2], timeout=300)
    assert out["error"] is None, out["error"]
    r = out["result"]
    assert r["base_mb"] > 10 and r["maxrss_mb"] >= r["base_mb"] + r["first_mb"] - 1
    # a W3 step holds at least its 256x512 float32 activations (0.5 MB each) and the new
    # 784x512 gradient of w1 (1.5 MB)
    assert r["step_mb"] is not None and 2.0 <= r["step_mb"] < 50


def test_rows_become_targets(monkeypatch):
    fake = {("W3", "autodiff"): (170.0, 4.2), ("W3", "torch"): (240.0, 3.0),
            ("W6", "autodiff"): (175.0, 6.0), ("W6", "torch"): (250.0, 7.0),
            ("W7", "autodiff"): (400.0, 6.0), ("W7", "torch"): (300.0, 6.0)}

    def measure(wid, impl, steps, runs):
        peak, step = fake[(wid, impl)]
        return {"workload": wid, "impl": impl, "n": runs, "others": 0.0, "base_mb": 40.0,
                "first_mb": 100.0, "maxrss_mb": peak, "step_mb": step,
                "peak_ratio": None, "step_ratio": None}, None

    monkeypatch.setattr(mem_peak, "_measure", measure)
    monkeypatch.setattr(mem_peak.importlib.util, "find_spec", lambda name: object())
    res = mem_peak.run(["autodiff", "torch"], True, lambda msg: None)
    got = {t["what"]: (round(t["value"], 3), t["status"]) for t in res["targets"]}
    assert got == {"W3 peak RSS / torch": (0.708, "PASS"),
                   "W3 step working memory / torch": (1.4, "MISS"),
                   "W6 peak RSS / torch": (0.7, "PASS"),
                   "W6 step working memory / torch": (0.857, "PASS"),
                   "W7 peak RSS / torch": (1.333, "MISS"),
                   "W7 step working memory / torch": (1.0, "PASS")}


def test_cli_knows_mem():
    assert parse_args(["--only", "mem"]).only == ["MEM"]
