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
        add(f'sum_first {dt.__name__}', reduce.sum_first, m, _onp.empty(2, dt), _onp.empty(2, f64))
        add(f'sum_rows {dt.__name__}', reduce.sum_rows, m, _onp.empty(2, dt), _onp.float64(0))
        add(f'cumsum {dt.__name__}', reduce.scan_last, reduce.SUM, m, _onp.empty((2, 2), dt))
    # integer (and bool) reductions accumulate exactly in int64 / uint64: the 4th argument
    for dt, acc in ((i64, i64), (b, i64)):
        m = _onp.ones((2, 2), dt)
        name = dt.__name__
        add(f'reduce {name}', reduce.reduce_last, reduce.SUM, m, _onp.empty(2, acc), acc(0))
        add(f'sum_first {name}', reduce.sum_first, m, _onp.empty(2, acc), _onp.empty(2, acc))
        add(f'sum_rows {name}', reduce.sum_rows, m, _onp.empty(2, acc), acc(0))
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

    def dispatcher(self):
        """The Numba dispatcher (its generated module is written and imported here)."""
        return self.row.kernel(self.form)


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
        if name in ('tanh_grad', 'sigmoid_grad', 'sin_grad', 'cos_grad'):
            forms = ('aa', 'sa')               # (g broadcast from a sum: the scalar form)
        for dt in dts:
            suffix = '_int' if dt is i64 and row.int_expr is not None else ''
            x, s = _onp.ones(2, dt), dt(1)
            for form in forms:
                args = {'aa': (x, x), 'as_': (x, s), 'sa': (s, x)}[form]
                add(f'{name} {form} {dt.__name__}', _RowKernel(row, form + suffix), *args,
                    _onp.empty(2, out_dt or dt))


def _state_of(fn, before):
    """How the last call got its machine code: 'cache' (loaded from Numba's disk cache),
    'compiled' (no usable cache entry), or 'in memory' (this process had it already)."""
    hits = sum(getattr(fn, '_cache_hits', {}).values())
    misses = sum(getattr(fn, '_cache_misses', {}).values())
    if hits > before[0]:
        return 'cache'
    if misses > before[1] or len(fn.signatures) > before[2]:
        return 'compiled'
    return 'in memory'


def _signature(args):
    """A short type list of a task's arguments: 'f4[:], f4, i8'."""
    def one(a):
        if isinstance(a, _onp.ndarray):
            return f"{a.dtype.str[1:]}[{', '.join([':'] * a.ndim)}]"
        if isinstance(a, _onp.generic):
            return a.dtype.str[1:]
        return type(a).__name__
    return ', '.join(one(a) for a in args)


def warmup(out=sys.stderr, listing=False):
    """Compile (or load from the cache) every kernel signature the library uses.

    With ``listing`` one line per signature says what it cost and how it was obtained
    (loaded from the disk cache, compiled, or already in memory) instead of the progress
    bar; the summary line counts each kind either way.
    """
    tasks = _tasks()
    start = time.perf_counter()
    width = 30
    kinds = {'cache': 0, 'compiled': 0, 'in memory': 0}
    for i, (label, fn, args) in enumerate(tasks, 1):
        if isinstance(fn, _RowKernel):
            fn = fn.dispatcher()
        before = (sum(getattr(fn, '_cache_hits', {}).values()),
                  sum(getattr(fn, '_cache_misses', {}).values()), len(fn.signatures))
        t0 = time.perf_counter()
        fn(*args)
        took = time.perf_counter() - t0
        how = _state_of(fn, before)
        kinds[how] += 1
        if listing:
            call = f"{fn.__name__}({_signature(args)})"
            out.write(f"{label:<22} {call:<50} {how:<9} {took * 1e3:8.1f} ms\n")
        else:
            done = int(width * i / len(tasks))
            out.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{len(tasks)} {label:<24}")
        out.flush()
    out.write(f"{'' if listing else chr(10)}autodiff: {len(tasks)} kernel signatures ready in "
              f"{time.perf_counter() - start:.1f} s ({kinds['compiled']} compiled, "
              f"{kinds['cache']} loaded from the cache, {kinds['in memory']} already loaded)\n")
    return len(tasks)


def main(argv=None):
    """``python -m autodiff.warmup [--list]``: compile every kernel with a progress bar."""
    import argparse
    parser = argparse.ArgumentParser(
        prog='python -m autodiff.warmup',
        description="Compile every Numba kernel autodiff uses ahead of time (or load it from "
                    "the on-disk cache), with a progress bar, so that the first use of the "
                    "library in a new process does not pay the compile time. The cache is "
                    "Numba's: beside the package's sources, or in NUMBA_CACHE_DIR when set.")
    parser.add_argument('--list', action='store_true',
                        help="one line per kernel signature: its argument types, whether it "
                             "was compiled or loaded from the cache, and how long it took")
    args = parser.parse_args(argv)
    warmup(listing=args.list)
    return 0


if __name__ == '__main__':
    sys.exit(main())
