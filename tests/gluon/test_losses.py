"""gluon.loss against PyTorch (same arithmetic) and NumPy formulas; one value per sample;
sample_weight / weight; gradients by central differences; a bad label names the loss."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import ShapeError
from autodiff.gluon import loss as gloss
from helpers import check_grads


def _x(*shape, seed=0, lo=-2, hi=2):
    return onp.random.default_rng(seed).uniform(lo, hi, shape).astype(onp.float32)


def _t():
    return pytest.importorskip('torch')


def _per_sample(t, values):
    return values.reshape(values.shape[0], -1).mean(axis=1)


def test_l2_l1_match_torch_per_sample():
    torch = _t()
    F = torch.nn.functional
    p, y = _x(4, 3), _x(4, 3, seed=1)
    l2 = gloss.L2Loss()(np.array(p), np.array(y)).asnumpy()
    want = F.mse_loss(torch.tensor(p), torch.tensor(y), reduction='none').numpy().mean(1) / 2
    onp.testing.assert_allclose(l2, want, rtol=1e-6)
    l1 = gloss.L1Loss()(np.array(p), np.array(y)).asnumpy()
    want = F.l1_loss(torch.tensor(p), torch.tensor(y), reduction='none').numpy().mean(1)
    onp.testing.assert_allclose(l1, want, rtol=1e-6)
    assert l2.shape == (4,)


def test_label_reshaped_to_pred_and_wrong_size_is_an_error():
    p = np.array(_x(4, 1))
    y = np.array(_x(4, seed=1))
    onp.testing.assert_allclose(gloss.L2Loss()(p, y).asnumpy(),
                                0.5 * (y.asnumpy() - p.asnumpy()[:, 0]) ** 2, rtol=1e-6)
    with pytest.raises(ShapeError, match=r"l2loss\d*: label of shape \(5,\) does not fit pred"):
        gloss.L2Loss()(p, np.ones(5))


def test_weight_and_sample_weight():
    p, y = _x(3, 2), _x(3, 2, seed=1)
    sw = onp.array([[1.0], [0.0], [2.0]], dtype=onp.float32)
    got = gloss.L1Loss(weight=3.0)(np.array(p), np.array(y), np.array(sw)).asnumpy()
    onp.testing.assert_allclose(got, 3.0 * (onp.abs(p - y) * sw).mean(1), rtol=1e-6)
    got = gloss.L2Loss(weight=4.0)(np.array(p), np.array(y), np.array(sw)).asnumpy()
    onp.testing.assert_allclose(got, 2.0 * ((p - y) ** 2 * sw).mean(1), rtol=1e-6)


def test_softmax_ce_sparse_matches_torch():
    torch = _t()
    logits = _x(5, 4)
    label = onp.array([0, 3, 1, 1, 2])
    got = gloss.SoftmaxCrossEntropyLoss()(np.array(logits), np.array(label)).asnumpy()
    want = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(label),
                                             reduction='none').numpy()
    onp.testing.assert_allclose(got, want, rtol=1e-5)
    # float labels (MXNet's default dtype) and a (N, 1) label work too
    got2 = gloss.SoftmaxCELoss()(np.array(logits), np.array(label.reshape(5, 1).tolist()))
    onp.testing.assert_allclose(got2.asnumpy(), want, rtol=1e-5)


def test_softmax_ce_dense_label_from_logits_and_axis():
    logits = _x(3, 4)
    dist = onp.random.default_rng(2).dirichlet(onp.ones(4), 3).astype(onp.float32)
    logp = logits - onp.log(onp.exp(logits).sum(1, keepdims=True))
    got = gloss.SoftmaxCrossEntropyLoss(sparse_label=False)(np.array(logits), np.array(dist))
    onp.testing.assert_allclose(got.asnumpy(), -(logp * dist).sum(1), rtol=1e-5)
    got = gloss.SoftmaxCrossEntropyLoss(from_logits=True)(np.array(logp),
                                                          np.array([1.0, 0.0, 3.0]))
    onp.testing.assert_allclose(got.asnumpy(), -logp[[0, 1, 2], [1, 0, 3]], rtol=1e-6)
    # axis=1 of (N, C, T): per-sample mean over T
    x = _x(2, 3, 4)
    lab = onp.array([[0, 1, 2, 0], [2, 2, 1, 0]])
    got = gloss.SoftmaxCrossEntropyLoss(axis=1)(np.array(x), np.array(lab)).asnumpy()
    lp = x - onp.log(onp.exp(x).sum(1, keepdims=True))
    want = -onp.take_along_axis(lp, lab[:, None, :], 1)[:, 0].mean(1)
    onp.testing.assert_allclose(got, want, rtol=1e-5)


def test_softmax_ce_bad_label_names_the_loss():
    with pytest.raises(ShapeError, match="softmaxcrossentropyloss0: sparse label of shape"):
        gloss.SoftmaxCrossEntropyLoss()(np.ones((4, 3)), np.ones(5))


def test_softmax_ce_gradient():
    label = np.array([2.0, 0.0, 1.0])
    check_grads(lambda z: gloss.SoftmaxCrossEntropyLoss()(z, label), _x(3, 3), rtol=1e-6)


def test_sigmoid_bce_matches_torch_and_pos_weight():
    torch = _t()
    F = torch.nn.functional
    z, y = _x(4, 3) * 3, (_x(4, 3, seed=1) > 0).astype(onp.float32)
    got = gloss.SigmoidBinaryCrossEntropyLoss()(np.array(z), np.array(y)).asnumpy()
    want = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y),
                                              reduction='none').numpy().mean(1)
    onp.testing.assert_allclose(got, want, rtol=1e-5)
    pw = onp.array([1.0, 2.0, 0.5], dtype=onp.float32)
    got = gloss.SigmoidBCELoss()(np.array(z), np.array(y), None, np.array(pw)).asnumpy()
    want = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y),
                                              pos_weight=torch.tensor(pw),
                                              reduction='none').numpy().mean(1)
    onp.testing.assert_allclose(got, want, rtol=1e-5)
    prob = 1 / (1 + onp.exp(-z))
    got = gloss.SigmoidBCELoss(from_sigmoid=True)(np.array(prob), np.array(y)).asnumpy()
    want = F.binary_cross_entropy(torch.tensor(prob), torch.tensor(y),
                                  reduction='none').numpy().mean(1)
    onp.testing.assert_allclose(got, want, rtol=1e-4)
    check_grads(lambda a: gloss.SigmoidBCELoss()(a, np.array(y, dtype='float64')), z)


def test_kldiv_matches_torch_sum_per_sample():
    torch = _t()
    logits = _x(3, 4)
    logp = logits - onp.log(onp.exp(logits).sum(1, keepdims=True))
    q = onp.random.default_rng(1).dirichlet(onp.ones(4), 3).astype(onp.float32)
    got = gloss.KLDivLoss()(np.array(logp), np.array(q)).asnumpy()
    want = torch.nn.functional.kl_div(torch.tensor(logp), torch.tensor(q),
                                      reduction='none').numpy().sum(1)
    onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    got = gloss.KLDivLoss(from_logits=False)(np.array(logits), np.array(q)).asnumpy()
    onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_huber_matches_torch_smooth_l1():
    torch = _t()
    p, y = _x(4, 5) * 2, _x(4, 5, seed=1)
    got = gloss.HuberLoss(rho=0.7)(np.array(p), np.array(y)).asnumpy()
    want = torch.nn.functional.huber_loss(torch.tensor(p), torch.tensor(y), delta=0.7,
                                          reduction='none').numpy() / 0.7
    onp.testing.assert_allclose(got, want.mean(1), rtol=1e-5)
    check_grads(lambda a: gloss.HuberLoss()(a, np.array(y, dtype='float64')), p)


def test_hinge_squared_hinge_logistic():
    p = _x(4, 3)
    y = onp.where(_x(4, 3, seed=1) > 0, 1.0, -1.0).astype(onp.float32)
    got = gloss.HingeLoss(margin=0.5)(np.array(p), np.array(y)).asnumpy()
    onp.testing.assert_allclose(got, onp.maximum(0, 0.5 - p * y).mean(1), rtol=1e-6)
    got = gloss.SquaredHingeLoss()(np.array(p), np.array(y)).asnumpy()
    onp.testing.assert_allclose(got, (onp.maximum(0, 1 - p * y) ** 2).mean(1), rtol=1e-6)
    got = gloss.LogisticLoss()(np.array(p), np.array(y)).asnumpy()
    onp.testing.assert_allclose(got, onp.log1p(onp.exp(-p * y)).mean(1), rtol=1e-5)
    got = gloss.LogisticLoss(label_format='binary')(np.array(p), np.array((y + 1) / 2))
    onp.testing.assert_allclose(got.asnumpy(), onp.log1p(onp.exp(-p * y)).mean(1), rtol=1e-5)
    with pytest.raises(ValueError, match="label_format can only be signed or binary"):
        gloss.LogisticLoss(label_format='odd')


def test_triplet_matches_formula_and_torch():
    torch = _t()
    a, pos, neg = _x(4, 3), _x(4, 3, seed=1), _x(4, 3, seed=2)
    got = gloss.TripletLoss(margin=1.0)(np.array(a), np.array(pos), np.array(neg)).asnumpy()
    want = onp.maximum(0, ((pos - a) ** 2).sum(1) - ((neg - a) ** 2).sum(1) + 1.0)
    onp.testing.assert_allclose(got, want, rtol=1e-5)
    # torch's triplet loss with squared distances is not available; compare the distances
    d = torch.nn.functional.pairwise_distance(torch.tensor(a), torch.tensor(pos), eps=0)
    onp.testing.assert_allclose((d ** 2).numpy(), ((pos - a) ** 2).sum(1), rtol=1e-5)


def test_cosine_embedding_matches_torch():
    torch = _t()
    a, b = _x(5, 3), _x(5, 3, seed=1)
    y = onp.array([1, -1, 1, -1, -1], dtype=onp.float32)
    got = gloss.CosineEmbeddingLoss(margin=0.1)(np.array(a), np.array(b), np.array(y))
    want = torch.nn.functional.cosine_embedding_loss(torch.tensor(a), torch.tensor(b),
                                                     torch.tensor(y), margin=0.1,
                                                     reduction='none').numpy()
    onp.testing.assert_allclose(got.asnumpy()[:, 0], want, rtol=1e-5, atol=1e-6)


def test_poisson_nll_matches_torch():
    torch = _t()
    p, t = _x(4, 3), onp.abs(_x(4, 3, seed=1)) * 3
    got = float(gloss.PoissonNLLLoss()(np.array(p), np.array(t)))
    want = float(torch.nn.functional.poisson_nll_loss(torch.tensor(p), torch.tensor(t)))
    assert abs(got - want) < 1e-5


def test_backward_of_per_sample_loss_sums():
    p = np.array(_x(4, 2))
    p.attach_grad()
    y = np.array(_x(4, 2, seed=1))
    with autograd.record():
        loss = gloss.L2Loss()(p, y)
    loss.backward()
    onp.testing.assert_allclose(p.grad.asnumpy(), (p.asnumpy() - y.asnumpy()) / 2, rtol=1e-6)


def test_repr():
    assert repr(gloss.L2Loss()) == 'L2Loss(batch_axis=0, w=1.0)'
    assert repr(gloss.SoftmaxCrossEntropyLoss()) == \
        'SoftmaxCrossEntropyLoss(batch_axis=0, w=None)'


def test_ctc_matches_torch():
    torch = _t()
    T, N, C = 6, 3, 5
    logits = _x(N, T, C, seed=4)
    label = onp.array([[0, 1, 1], [2, -1, -1], [3, 0, -1]], dtype=onp.float32)
    got = gloss.CTCLoss()(np.array(logits), np.array(label)).asnumpy()
    lengths = [3, 1, 2]
    tl = torch.tensor(logits.transpose(1, 0, 2)).log_softmax(-1)
    targets = torch.tensor([0, 1, 1, 2, 3, 0])
    want = torch.nn.functional.ctc_loss(tl, targets, [T] * N, lengths, blank=C - 1,
                                        reduction='none').numpy()
    onp.testing.assert_allclose(got, want, rtol=1e-5)
    # TNC layout, explicit lengths, shorter predictions
    plen = onp.array([6, 4, 5], dtype=onp.float32)
    got = gloss.CTCLoss(layout='TNC')(np.array(logits.transpose(1, 0, 2)), np.array(label),
                                      np.array(plen), np.array([3.0, 1.0, 2.0])).asnumpy()
    want = torch.nn.functional.ctc_loss(tl, targets, [6, 4, 5], lengths, blank=C - 1,
                                        reduction='none').numpy()
    onp.testing.assert_allclose(got, want, rtol=1e-5)


def test_ctc_gradient():
    label = np.array([[0.0, 1.0], [1.0, -1.0]])
    check_grads(lambda z: gloss.CTCLoss()(z, label), _x(2, 4, 3, seed=5), rtol=1e-5)
