"""npx ops that compute the identity still return a new array (MXNet 1.9.1, checked with the
oracle: after ``y = npx.dropout(x)`` outside training, or ``npx.sequence_mask(x)`` without
lengths, ``y is not x`` and writing into ``y`` leaves ``x`` unchanged)."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd

IDENTITY_CASES = {
    'dropout, predict mode': lambda x: npx.dropout(x, p=0.5),
    'dropout, p=0 in training': lambda x: npx.dropout(x, p=0.0, mode='always'),
    'sequence_mask without lengths': lambda x: npx.sequence_mask(x),
}


@pytest.mark.parametrize('name', list(IDENTITY_CASES))
def test_identity_results_do_not_alias_their_input(name):
    x = np.ones((2, 3))
    y = IDENTITY_CASES[name](x)
    assert y is not x
    y[0, 0] = 7
    assert float(x[0, 0]) == 1.0


@pytest.mark.parametrize('name', list(IDENTITY_CASES))
def test_identity_results_pass_the_gradient(name):
    x = np.array(onp.arange(6.0).reshape(2, 3))
    x.attach_grad()
    with autograd.record(train_mode=False):      # (predict mode: dropout is the identity)
        y = IDENTITY_CASES[name](x)
        z = (y * y).sum()
    z.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.arange(6.0).reshape(2, 3))
