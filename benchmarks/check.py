"""Numerical agreement: a benchmark of a wrong computation is worthless.

Each implementation's first outputs are compared with the workload's float64 NumPy
reference, and autodiff's directly with torch's. The error measure is normwise:
max |a - b| / max |b|, which is robust to elements near zero.
"""
import numpy

from benchmarks.impls import to_numpy

# Float32 tolerance, normwise. Gradients of these workloads agree to ~1e-6 in practice;
# a loss that is a float32 sum of 4M terms may lose more (summation order), hence looser.
TOL = {"grad": 1e-4, "loss": 1e-3}


def _tol(key):
    return TOL["loss"] if key == "loss" else TOL["grad"]


def normwise_error(a, b):
    a = numpy.asarray(a, dtype=numpy.float64)
    b = numpy.asarray(b, dtype=numpy.float64)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    scale = max(float(numpy.max(numpy.abs(b))), 1e-30)
    return float(numpy.max(numpy.abs(a - b))) / scale


def compare(outputs, expected):
    """key -> (error, ok) for every key both dicts have; dtype problems are errors too."""
    result = {}
    for key, want in expected.items():
        if key not in outputs:
            continue
        got = to_numpy(outputs[key])
        err = normwise_error(got, want)
        ok = err <= _tol(key)
        if key != "loss" and got.dtype != numpy.float32:
            ok = False
            err_note = f"dtype {got.dtype}, expected float32"
        else:
            err_note = ""
        result[key] = (err, ok, err_note)
    return result


def describe(name, against, result):
    """One line: 'autodiff vs reference: grad_x 3.1e-07 ok, loss 2.0e-08 ok'."""
    parts = []
    for key, (err, ok, note) in result.items():
        flag = "ok" if ok else f"MISMATCH (tol {_tol(key):g})"
        parts.append(f"{key} {err:.1e} {flag}" + (f" [{note}]" if note else ""))
    return f"{name} vs {against}: " + (", ".join(parts) if parts else "nothing to compare")


def all_ok(result):
    return all(ok for _, ok, _ in result.values())
