"""W9 per-op overhead: one tiny op at a time, where the arithmetic is nothing.

Six cases, each timed like W1-W3 (alternating, medians; ``inprocess.run``), gathered into one
table: a 4-element float32 elementwise product, a 4-element sum and a (4, 4) @ (4, 4)
matrix product, each once unrecorded (autodiff vs ``torch.mul`` / ``torch.sum`` /
``torch.matmul``) and once recorded with its backward (both operands marked, a fixed head
gradient, vs the same in torch).  ``numpy.fwd`` is NumPy's own call on the same arrays:
the floor for what any library wrapper around it can cost.  Times are per op (one call of
the step is one op, or one op plus its backward).
"""
import numpy

from benchmarks import inprocess

ID = "W9"
TITLE = "per-op overhead: 4-element mul, 4-element sum, (4,4)@(4,4); unrecorded and recorded+backward"
UNRECORDED_TARGET = 1.0   # median autodiff / torch (issue 18)
RECORDED_TARGET = 0.8
N = 4


def _data():
    rng = numpy.random.default_rng(9)
    f32 = numpy.float32
    return {"x": rng.uniform(0.5, 1.5, N).astype(f32), "w": rng.uniform(0.5, 1.5, N).astype(f32),
            "a": rng.uniform(-1, 1, (N, N)).astype(f32), "b": rng.uniform(-1, 1, (N, N)).astype(f32),
            "g": rng.uniform(-1, 1, N).astype(f32), "gm": rng.uniform(-1, 1, (N, N)).astype(f32)}


class Case:
    """One in-process workload of W9 (the interface ``inprocess.run`` expects)."""

    def __init__(self, name, title, target, impls, reference):
        self.ID = f"{ID} {name}"
        self.name = name
        self.TITLE = title
        self.TARGET = target
        self.IMPLS = impls
        self.reference = reference

    @staticmethod
    def make_data(size="full"):
        return _data()


# ---- the forward ops, unrecorded ---------------------------------------------------------

def _ad(data, fn):
    from autodiff import np

    arrays = {k: np.array(v) for k, v in data.items()}
    return lambda: {"out": fn(arrays)}


def _torch(data, fn):
    import torch

    tensors = {k: torch.tensor(v) for k, v in data.items()}
    return lambda: {"out": fn(tensors)}


def _numpy(fn):
    return lambda data: (lambda: {"out": fn(data)})


def _unrecorded(name, title, ad_fn, torch_fn, np_fn):
    def reference(data):
        return {"out": np_fn({k: v.astype(numpy.float64) for k, v in data.items()})}
    return Case(name, title, UNRECORDED_TARGET, {
        "autodiff": lambda data: _ad(data, ad_fn),
        "torch": lambda data: _torch(data, torch_fn),
        "numpy.fwd": _numpy(np_fn),
    }, reference)


# ---- recorded + backward: both operands marked, head gradient given ----------------------

def _ad_rec(data, fn, operands, head):
    from autodiff import autograd, np

    arrays = {k: np.array(v) for k, v in data.items()}
    marked = [arrays[k] for k in operands]
    for m in marked:
        m.attach_grad()
    hg = arrays[head] if head else None

    def step():
        with autograd.record():
            y = fn(arrays)
        y.backward(hg)
        return {f"grad_{k}": m.grad for k, m in zip(operands, marked)}
    return step


def _torch_rec(data, fn, operands, head):
    import torch

    tensors = {k: torch.tensor(v, requires_grad=k in operands) for k, v in data.items()}
    marked = [tensors[k] for k in operands]
    hg = tensors[head] if head else None

    def step():
        for m in marked:
            m.grad = None
        y = fn(tensors)
        y.backward(hg)
        return {f"grad_{k}": m.grad for k, m in zip(operands, marked)}
    return step


def _recorded(name, title, fn, np_fn, operands, head, reference):
    return Case(name, title, RECORDED_TARGET, {
        "autodiff": lambda data: _ad_rec(data, fn, operands, head),
        "torch": lambda data: _torch_rec(data, fn, operands, head),
        "numpy.fwd": _numpy(np_fn),
    }, lambda data: reference({k: v.astype(numpy.float64) for k, v in data.items()}))


CASES = [
    _unrecorded("mul", "x * w, 4 float32 elements, unrecorded",
                lambda t: t["x"] * t["w"], lambda t: t["x"] * t["w"],
                lambda d: numpy.multiply(d["x"], d["w"])),
    _recorded("mul rec+bwd", "x * w recorded, backward with a given head gradient",
              lambda t: t["x"] * t["w"], lambda d: numpy.multiply(d["x"], d["w"]),
              ("x", "w"), "g", lambda d: {"grad_x": d["g"] * d["w"], "grad_w": d["g"] * d["x"]}),
    _unrecorded("sum", "x.sum(), 4 float32 elements, unrecorded",
                lambda t: t["x"].sum(), lambda t: t["x"].sum(), lambda d: d["x"].sum()),
    _recorded("sum rec+bwd", "x.sum() recorded, backward (head gradient 1)",
              lambda t: t["x"].sum(), lambda d: d["x"].sum(), ("x",), None,
              lambda d: {"grad_x": numpy.ones(N)}),
    _unrecorded("matmul", "a @ b, (4,4) float32, unrecorded",
                lambda t: t["a"] @ t["b"], lambda t: t["a"] @ t["b"], lambda d: d["a"] @ d["b"]),
    _recorded("matmul rec+bwd", "a @ b recorded, backward with a given head gradient",
              lambda t: t["a"] @ t["b"], lambda d: d["a"] @ d["b"], ("a", "b"), "gm",
              lambda d: {"grad_a": d["gm"] @ d["b"].T, "grad_b": d["a"].T @ d["gm"]}),
]

COLUMNS = [("case", "case", "str")] + inprocess.COLUMNS


def run(selected, repeats, min_time, warmup, log):
    """Every case through ``inprocess.run``; one table (a row per case and implementation)."""
    rows, skipped, checks, targets, first = [], {}, [], [], {}
    for case in CASES:
        res = inprocess.run(case, selected, repeats, min_time, warmup, log)
        for row in res["rows"]:
            rows.append({"case": case.name, **row})
        for impl, why in res["skipped"].items():
            skipped[f"{impl} ({case.name})"] = why
        checks += [f"{case.name}: {c}" for c in res["checks"]]
        first[case.name] = res["first_call_s"]
        for t in res["targets"]:
            torch_row = next((r for r in res["rows"] if r["impl"] == "torch"), None)
            if torch_row and "autodiff" in [r["impl"] for r in res["rows"]]:
                ad = next(r for r in res["rows"] if r["impl"] == "autodiff")
                floor = next((r for r in res["rows"] if r["impl"] == "numpy.fwd"), None)
                t["what"] += (f" ({ad['median'] * 1e6:.2f} vs {torch_row['median'] * 1e6:.2f} us"
                              + (f"; numpy {floor['median'] * 1e6:.2f} us)" if floor else ")"))
            targets.append(t)
    return {"id": ID, "title": TITLE, "note": inprocess.NOTE + "; times are per op",
            "columns": COLUMNS, "rows": rows, "skipped": skipped, "checks": checks,
            "first_call_s": first, "targets": targets}
