"""``compile.steptimer``: one row per program step, each counted once per call, in a
program outside ``record()`` and in both halves of one inside it (where the engine did not
ask for an argument's gradient, the steps only that gradient needs do not run)."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.compile.steptimer import time_steps, format_step_times
from .helpers import marked


def _f(x, w):
    return (np.tanh(npx.convolution(x, w, None, kernel=(2, 2), num_filter=2, no_bias=True))
            * 2.0).sum()


def _arrays():
    rng = onp.random.default_rng(0)
    return rng.uniform(-1, 1, (1, 2, 4, 4)), rng.uniform(-1, 1, (2, 2, 2, 2))


def test_every_step_of_a_filling_program_is_timed_once_per_call():
    xd, wd = _arrays()
    cf = autograd.compile(_f)
    x, w = marked(xd), marked(wd)
    cf(x, w)
    rows = time_steps(cf, lambda: cf(x, w), repeat=3)
    assert [r.kind for r in rows] == [st.kind for st in cf.program.steps]
    assert all(r.calls == 3 and r.micros >= 0 for r in rows)
    assert 'convolution gradient 0' in format_step_times(rows)
    assert cf.program.calls[0].__name__ != 'step'        # (restored afterwards)


def test_a_call_inside_record_times_both_halves_and_skips_unasked_gradients():
    xd, wd = _arrays()
    cf = autograd.compile(_f)
    x, w = np.array(xd.astype('float32')), marked(wd)

    def run():
        with autograd.record():
            y = cf(x, w)
        y.backward()
    run()
    run()
    rows = time_steps(cf, run, repeat=2)
    prog = cf.program
    assert len(rows) == len(prog.steps) and len(prog.calls) + len(prog.bcalls) == len(rows)
    ran = {r.label for r in rows if r.calls == 2}
    skipped = {r.label for r in rows if r.calls == 0}
    assert 'convolution gradient 1 -> (2, 2, 2, 2)' in ran
    assert 'convolution gradient 0 -> (1, 2, 4, 4)' in skipped    # x is not marked
    assert all(r.calls in (0, 2) for r in rows)


def test_bad_arguments_are_clear_errors():
    cf = autograd.compile(_f)
    with pytest.raises(ValueError, match='no compiled program'):
        time_steps(cf, lambda: None)
    xd, wd = _arrays()
    x, w = marked(xd), marked(wd)
    cf(x, w)
    with pytest.raises(ValueError, match='repeat must be a positive int'):
        time_steps(cf, lambda: cf(x, w), repeat=0)
