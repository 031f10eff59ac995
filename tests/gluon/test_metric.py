"""autodiff.metric against MXNet 1.9.1 (values from ``data/make_metric_oracle.py`` on the
same arrays: two updates each)."""
import json
import math
import os

import numpy as onp
import pytest

from autodiff import np, metric
from autodiff.gluon import metric as gmetric

with open(os.path.join(os.path.dirname(__file__), 'data', 'metric_oracle.json')) as f:
    ORACLE = json.load(f)
D = {k: onp.array(v, dtype=onp.float32) for k, v in ORACLE['data'].items()}


def _two(m, a='l', b='p', lab=('1', '2')):
    m.update([np.array(D[a + lab[0]])], [np.array(D[b + lab[0]])])
    m.update(np.array(D[a + lab[1]]), np.array(D[b + lab[1]]))   # single arrays work too
    return m.get()


@pytest.mark.parametrize('key,make', [
    ('acc', lambda: metric.Accuracy()),
    ('top2', lambda: metric.TopKAccuracy(top_k=2)),
    ('ce', lambda: metric.CrossEntropy()),
    ('ppl', lambda: metric.Perplexity(ignore_label=None)),
    ('ppl_ign', lambda: metric.Perplexity(ignore_label=1)),
])
def test_classification_metrics_match_mxnet(key, make):
    name, value = _two(make())
    assert name == ORACLE[key][0]
    assert value == pytest.approx(ORACLE[key][1], rel=1e-6)


@pytest.mark.parametrize('avg', ['macro', 'micro'])
def test_f1_matches_mxnet(avg):
    name, value = _two(metric.F1(average=avg), 'b', 'q')
    assert (name, value) == (ORACLE['f1_' + avg][0], pytest.approx(ORACLE['f1_' + avg][1]))


@pytest.mark.parametrize('key', ['mae', 'mse', 'rmse'])
def test_regression_metrics_match_mxnet(key):
    name, value = _two(metric.create(key), 'r', 's')
    assert name == key and value == pytest.approx(ORACLE[key][1], rel=1e-6)


def test_composite_matches_mxnet():
    c = gmetric.CompositeEvalMetric()
    c.add('acc')
    c.add(metric.CrossEntropy())
    c.update([np.array(D['l1'])], [np.array(D['p1'])])
    names, values = c.get()
    assert names == ORACLE['comp'][0]
    assert values == pytest.approx(ORACLE['comp'][1], rel=1e-6)
    assert c.get_name_value() == list(zip(names, values))


def test_nan_before_update_reset_and_errors():
    m = metric.Accuracy()
    assert math.isnan(m.get()[1])
    m.update([np.array([1.0])], [np.array([[0.0, 1.0]])])
    assert m.get()[1] == 1.0
    m.reset()
    assert math.isnan(m.get()[1])
    with pytest.raises(ValueError, match='Shape of labels 2 does not match shape of '
                                         'predictions 1'):
        m.update([np.ones(1), np.ones(1)], [np.ones((1, 2))])
    with pytest.raises(ValueError, match='Please use Accuracy'):
        metric.TopKAccuracy(top_k=1)
    with pytest.raises(ValueError, match='Cannot find metric'):
        metric.create('nope')


def test_custom_metric_and_loss():
    m = metric.create(lambda label, pred: float(onp.abs(label - pred).sum()))
    m.update([np.array([1.0, 2.0])], [np.array([1.5, 2.0])])
    assert m.get()[1] == 0.5 and m.name.startswith('custom(')
    loss = metric.Loss()
    loss.update(None, [np.array([1.0, 3.0])])
    assert loss.get() == ('loss', 2.0)
