"""Compile every kernel ahead of use: ``python -m autodiff.warmup``.

Numba compiles a kernel the first time it meets a new argument type and caches the
machine code on disk; on an empty cache that first use costs about a second per
kernel family.  This pays the whole bill once, with a progress bar, for the dtypes
the library uses (float32, float64, and the integer/bool ones comparisons see).
"""
import sys
import time

import numpy as _onp


def _tasks():
    from .kernels import unary, binary, reduce, nn, indexing
    f32, f64, i64, b = _onp.float32, _onp.float64, _onp.int64, _onp.bool_
    tasks = []

    def add(label, fn, *args):
        tasks.append((label, fn, args))

    for dt in (f32, f64):
        x = _onp.ones(2, dt)
        add(f'unary {dt.__name__}', unary.unary, unary.TANH, x, _onp.empty(2, dt))
        add(f'predicate {dt.__name__}', unary.predicate, unary.ISNAN, x, _onp.empty(2, b))
    for dt in (f32, f64, i64):
        x = _onp.ones(2, dt)
        s = dt(1)
        add(f'binary {dt.__name__}', binary.binary, binary.ADD, x, x, _onp.empty(2, dt))
        add(f'binary_scalar {dt.__name__}', binary.binary_scalar, binary.ADD, x, s, _onp.empty(2, dt))
        add(f'compare {dt.__name__}', binary.compare, binary.LESS, x, x, _onp.empty(2, b))
        add(f'compare_scalar {dt.__name__}', binary.compare_scalar, binary.LESS, x, s, _onp.empty(2, b))
        add(f'where {dt.__name__}', binary.where, _onp.ones(2, b), x, x, _onp.empty(2, dt))
        add(f'clip {dt.__name__}', binary.clip, x, s, s, _onp.empty(2, dt))
        m = _onp.ones((2, 2), dt)
        add(f'reduce {dt.__name__}', reduce.reduce_last, reduce.SUM, m, _onp.empty(2, dt))
        add(f'sum_first {dt.__name__}', reduce.sum_first, m, _onp.empty(2, dt))
        add(f'argmax {dt.__name__}', reduce.arg_last, True, m, _onp.empty(2, i64))
    add('compare bool', binary.compare, binary.LOGICAL_AND, _onp.ones(2, b), _onp.ones(2, b),
        _onp.empty(2, b))
    for dt in (f32, f64):
        m = _onp.ones((2, 2), dt)
        add(f'softmax {dt.__name__}', nn.softmax_last, m, _onp.empty((2, 2), dt), False)
        add(f'scatter_add {dt.__name__}', indexing.scatter_add_rows, _onp.zeros((2, 1), dt),
            _onp.zeros(2, i64), _onp.ones((2, 1), dt))
    return tasks


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


if __name__ == '__main__':
    warmup()
