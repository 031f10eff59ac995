"""MCC, PCC, PearsonCorrelation, NegativeLogLikelihood against MXNet 1.9.1 (values written
down by ``data/make_breadth_oracle.py``), plus NumPy/SciPy references."""
import json
import os

import numpy as onp
import pytest

from autodiff import metric, np

with open(os.path.join(os.path.dirname(__file__), 'data', 'breadth_oracle.json')) as _f:
    ORACLE = json.load(_f)['metrics']
D = {k: onp.array(v, dtype=onp.float32) for k, v in ORACLE['data'].items()}

CASES = {
    'mcc_macro': (lambda: metric.MCC(), 'b', 'q'),
    'mcc_micro': (lambda: metric.MCC(average='micro'), 'b', 'q'),
    'pcc_probs': (lambda: metric.PCC(), 'm', 'p'),
    'pcc_labels': (lambda: metric.PCC(), 'm', 'plabels'),
    'pcc_binary': (lambda: metric.PCC(), 'b', 'q'),
    'pearson_macro': (lambda: metric.PearsonCorrelation(), 'r', 's'),
    'pearson_micro': (lambda: metric.PearsonCorrelation(average='micro'), 'r', 's'),
    'nll': (lambda: metric.NegativeLogLikelihood(), 'm', 'p'),
    'nll_by_name': (lambda: metric.create('nll_loss'), 'm', 'p'),
}


def _data(prefix, i):
    if prefix == 'plabels':
        return D[f'p{i}'].argmax(1).astype(onp.float32)
    return D[f'{prefix}{i}']


@pytest.mark.parametrize('key', sorted(CASES))
def test_metric_matches_mxnet_1_9_1(key):
    make, lab, pred = CASES[key]
    m = make()
    want = ORACLE[key]
    m.update([np.array(_data(lab, 1))], [np.array(_data(pred, 1))])
    assert m.get()[0] == want[0][0]
    assert m.get()[1] == pytest.approx(want[0][1], rel=1e-6)
    m.update([np.array(_data(lab, 2))], [np.array(_data(pred, 2))])
    assert m.get()[1] == pytest.approx(want[1][1], rel=1e-6)


def test_pearson_micro_is_the_pooled_correlation_and_pcc_is_binary_mcc():
    m = metric.PearsonCorrelation(average='micro')
    rng = onp.random.default_rng(0)
    xs = [rng.uniform(size=(n,)) for n in (5, 1, 9)]
    ys = [x + rng.uniform(-0.5, 0.5, x.shape) for x in xs]
    for x, y in zip(xs, ys):
        m.update(np.array(x, dtype='float64'), np.array(y, dtype='float64'))
    want = onp.corrcoef(onp.concatenate(ys), onp.concatenate(xs))[0, 1]
    assert m.get()[1] == pytest.approx(want, rel=1e-12)
    # on two classes PCC is the binary MCC pooled over all updates
    pcc, mcc = metric.PCC(), metric.MCC(average='micro')
    for i in (1, 2):
        pcc.update(np.array(D[f'b{i}']), np.array(D[f'q{i}']))
        mcc.update(np.array(D[f'b{i}']), np.array(D[f'q{i}']))
    assert pcc.get()[1] == pytest.approx(mcc.get()[1], rel=1e-12)
    assert onp.isnan(metric.PCC().get()[1])
    with pytest.raises(ValueError, match='binary'):
        metric.MCC().update(np.array([0., 1., 2.]), np.array(onp.eye(3)))
