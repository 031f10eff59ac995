"""Compile every kernel ahead of use: ``python -m autodiff.warmup``.

Numba compiles a kernel the first time it meets a new argument type and caches the
machine code on disk; on an empty cache that first use costs about a second per
kernel family.  This pays the whole bill once, with a progress bar, for the dtypes
the library uses (float32, float64, and the integer/bool ones comparisons see).
"""
import sys
import time

import numpy as _onp

from .kernels import binary, reduce, nn, indexing
from .ops.elementwise import ROWS
from .ops import unary as _unary_rows, binary as _binary_rows  # noqa: F401  (the rows)


def _tasks():
    """(label, kernel, example args) for every signature the ops call kernels with.

    Floats are float32 and float64; integers int64 (and bools, which integer ops turn
    into int64); the arrays are 1-D C-contiguous and writable, as the ops pass them.
    ``tests/test_warmup.py`` checks that the seed page then compiles nothing new.
    """
    f32, f64, i64, b = _onp.float32, _onp.float64, _onp.int64, _onp.bool_
    tasks = []

    def add(label, fn, *args):
        tasks.append((label, fn, args))

    for dt in (f32, f64):
        add(f'sum_flat {dt.__name__}', reduce.sum_flat, _onp.ones(2, dt), 0, 2, _onp.float64(0))
    _row_tasks(add)
    for dt in (f32, f64, i64):
        x = _onp.ones(2, dt)
        s = dt(1)
        name = dt.__name__
        add(f'where {name}', binary.where, _onp.ones(2, b), x, x, _onp.empty(2, dt))
        add(f'clip {name}', binary.clip, x, s, s, _onp.empty(2, dt))
        m = _onp.ones((2, 2), dt)
        add(f'argmax {name}', reduce.arg_last, True, m, _onp.empty(2, i64))
    for dt in (f32, f64):                 # float reductions: float64 accumulator inside
        m = _onp.ones((2, 2), dt)
        add(f'reduce {dt.__name__}', reduce.reduce_last, reduce.SUM, m, _onp.empty(2, dt))
        add(f'sum_first {dt.__name__}', reduce.sum_first, m, _onp.empty(2, dt))
    # integer (and bool) reductions accumulate exactly in int64 / uint64: the 4th argument
    for dt, acc in ((i64, i64), (b, i64)):
        m = _onp.ones((2, 2), dt)
        name = dt.__name__
        add(f'reduce {name}', reduce.reduce_last, reduce.SUM, m, _onp.empty(2, acc), acc(0))
        add(f'sum_first {name}', reduce.sum_first, m, _onp.empty(2, acc), acc(0))
        add(f'sum_flat {name}', reduce.sum_flat, m.reshape(-1), 0, 4, acc(0))
    for dt in (f32, f64):
        m = _onp.ones((2, 2), dt)
        add(f'softmax {dt.__name__}', nn.softmax_last, m, _onp.empty((2, 2), dt), False)
        add(f'scatter_add {dt.__name__}', indexing.scatter_add_rows, _onp.zeros((2, 1), dt),
            _onp.zeros(2, i64), _onp.ones((2, 1), dt))
    return tasks


class _RowKernel:
    """A row's kernel of one form, compiled (or loaded) when first called."""

    def __init__(self, row, form):
        self.row, self.form = row, form

    def __call__(self, *args):
        return self.row.kernel(self.form)(*args)


def _row_tasks(add):
    """The elementwise rows' kernels (``ops/elementwise.py``): float32 and float64 for every
    form the ops call, int64 for the rows that keep integers, bool for the logical rows."""
    f32, f64, i64, b = _onp.float32, _onp.float64, _onp.int64, _onp.bool_
    for name, row in ROWS.items():
        out_dt = row.out_dtype
        if getattr(row, 'op', None) is None and out_dt is None:
            continue                           # (integer-only and other rare rows: on use)
        if row.arity == 1:
            dts = (f32, f64) + ((i64,) if row.ints is not None else ())
            if out_dt is not None and name == 'logical_not':
                dts = (f32, f64, b)
            for dt in dts:
                form = 'f_int' if dt is i64 and row.int_expr is not None else 'f'
                add(f'{name} {dt.__name__}', _RowKernel(row, form), _onp.ones(2, dt),
                    _onp.empty(2, out_dt or dt))
            continue
        compare = out_dt is not None
        dts = (f32, f64) + ((i64,) if compare or row.ints == 'keep' else ())
        if name.startswith('logical'):
            dts += (b,)
        forms = ('aa', 'as_') + (() if row.commutative else ('sa',))
        if name in ('tanh_grad', 'sigmoid_grad'):
            forms = ('aa', 'sa')               # (g broadcast from a sum: the scalar form)
        for dt in dts:
            suffix = '_int' if dt is i64 and row.int_expr is not None else ''
            x, s = _onp.ones(2, dt), dt(1)
            for form in forms:
                args = {'aa': (x, x), 'as_': (x, s), 'sa': (s, x)}[form]
                add(f'{name} {form} {dt.__name__}', _RowKernel(row, form + suffix), *args,
                    _onp.empty(2, out_dt or dt))


def warmup(out=sys.stderr):
    """Compile (or load from the cache) every kernel signature the library uses."""
    tasks = _tasks()
    start = time.perf_counter()
    width = 30
    for i, (label, fn, args) in enumerate(tasks, 1):
        fn(*args)
        done = int(width * i / len(tasks))
        out.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{len(tasks)} {label:<24}")
        out.flush()
    out.write(f"\nautodiff: {len(tasks)} kernel signatures ready in "
              f"{time.perf_counter() - start:.1f} s\n")
    return len(tasks)


def main(argv=None):
    """``python -m autodiff.warmup [--help]``: compile every kernel with a progress bar."""
    import argparse
    parser = argparse.ArgumentParser(
        prog='python -m autodiff.warmup',
        description="Compile every Numba kernel autodiff uses ahead of time (or load it from "
                    "the on-disk cache), with a progress bar, so that the first use of the "
                    "library in a new process does not pay the compile time. The cache is "
                    "Numba's: beside the package's sources, or in NUMBA_CACHE_DIR when set.")
    parser.parse_args(argv)
    warmup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
