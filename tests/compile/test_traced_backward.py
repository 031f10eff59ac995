"""The compiler takes the differentiated graph: the backward program is the eager backward rules'
recorded ops (``create_graph=True`` under the tracer), lowered like the forward; the compiler
owns no derivative of its own (issue 13).

References: eager mode (record + backward) on the same values, with the same rules.
"""
import numpy as onp

from autodiff import np, autograd
from autodiff.errors import GraphError
from autodiff._state import state
from autodiff.ndarray import wrap
from .helpers import marked, eager, compiled_run, assert_close


def _two_calls(cf, datas):
    """Record on ``datas`` shifted, then replay on ``datas``: (value, grads) of the replay."""
    compiled_run(cf, *[d + 0.25 for d in datas])
    return compiled_run(cf, *datas)


def test_backward_program_holds_the_rules_recorded_ops():
    cf = autograd.compile(lambda x, w: (np.tanh(x @ w) * 2.0).sum())
    rng = onp.random.default_rng(0)
    datas = [rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4, 2))]
    v, g = _two_calls(cf, datas)
    assert cf.compiled, cf.fallback_reason
    bwd = {val.origin.op.name for val in cf.program.values if val.backward and val.origin}
    # tanh's rule is tanh_grad; matmul's the transposed products (swapaxes = transpose)
    assert {'tanh_grad', 'matmul'} <= bwd, bwd
    ev, eg = eager(lambda x, w: (np.tanh(x @ w) * 2.0).sum(), *datas)
    assert_close(v, ev)
    for a, b in zip(g, eg):
        assert_close(a, b)


def test_a_changed_eager_rule_changes_the_compiled_gradient(monkeypatch):
    # sin's rule replaced by a deliberately different one (g * 3): the compiled program must
    # follow it, because its backward is the rule's recorded ops
    monkeypatch.setattr(np.sin.op, 'backward', lambda node, grads, needs: (grads[0] * 3.0,))
    cf = autograd.compile(lambda x: (np.sin(x) * x).sum())
    rng = onp.random.default_rng(1)
    d = rng.uniform(-1, 1, (5,))
    v, (g,) = _two_calls(cf, [d])
    assert cf.compiled, cf.fallback_reason
    assert_close(g, 3.0 * d + onp.sin(d))      # d/dx (sin(x) x) with sin' := 3


def test_a_rule_reading_a_forward_value_without_history_falls_back(monkeypatch):
    # wrap(node.outputs[0]) has no history: lowered, it would be the recording's data
    def bad_rule(node, grads, needs):
        return (grads[0] * wrap(node.outputs[0]),)
    monkeypatch.setattr(np.exp.op, 'backward', bad_rule)
    cf = autograd.compile(lambda x: np.exp(x).sum())
    d = onp.array([0.5, -1.0, 2.0])
    v, (g,) = _two_calls(cf, [d])
    assert not cf.compiled
    assert 'without its history' in cf.fallback_reason, cf.fallback_reason
    assert_close(g, onp.exp(d))


def test_a_rule_refusing_create_graph_falls_back_with_eager_gradients(monkeypatch):
    def rule(node, grads, needs):
        if state.recording:
            raise GraphError("no higher order here")
        return (grads[0] * 2.0,)
    monkeypatch.setattr(np.cos.op, 'backward', rule)
    cf = autograd.compile(lambda x: np.cos(x).sum())
    d = onp.array([0.5, -1.0, 2.0])
    v, (g,) = _two_calls(cf, [d])
    assert not cf.compiled
    assert 'backward could not be recorded' in cf.fallback_reason, cf.fallback_reason
    assert_close(g, onp.full(3, 2.0))


def test_a_transposed_operand_is_folded_into_the_gemm_call():
    def f(x, w):
        return (x @ w.T).sum()
    cf = autograd.compile(f)
    rng = onp.random.default_rng(2)
    datas = [rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (5, 4))]
    v, g = _two_calls(cf, datas)
    assert cf.compiled, cf.fallback_reason
    mm = [st.value for st in cf.program.steps if st.kind == 'matmul']
    assert mm and all(a.kind != 'transpose' for m in mm for a in m.args)
    assert any(m.attrs != (False, False) for m in mm)
    ev, eg = eager(f, *datas)
    for a, b in zip(g, eg):
        assert_close(a, b)
