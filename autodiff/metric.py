"""``autodiff.metric`` (also ``gluon.metric``): MXNet 1.9.1's online evaluation metrics.

``m.update(labels, preds)`` takes an array or a list of arrays each (autodiff or NumPy);
``m.get()`` returns ``(name, value)``: ``sum_metric / num_inst`` (NaN before any update).
The regression metrics (MAE/MSE/RMSE) average one value per ``update`` call's array, as
1.9.1 does; ``F1`` and ``MCC`` are binary, ``average='macro'`` averaging per-update
scores and ``'micro'`` pooling the counts; ``PCC`` is the multiclass Matthews correlation
of a growing confusion matrix; ``PearsonCorrelation`` ('micro' pools every update with
Welford's exact batch updates).
"""
import math

import numpy as _onp

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'Accuracy', 'TopKAccuracy', 'F1', 'MAE',
           'MSE', 'RMSE', 'CrossEntropy', 'Perplexity', 'Loss', 'CustomMetric', 'create',
           'check_label_shapes', 'np', 'MCC', 'PCC', 'PearsonCorrelation',
           'NegativeLogLikelihood']

_REGISTRY = {}


def _register(*names):
    def deco(klass):
        _REGISTRY[klass.__name__.lower()] = klass
        for n in names:
            _REGISTRY[n] = klass
        return klass
    return deco


def _np(a):
    return _onp.asarray(a._data if hasattr(a, '_data') else a)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Raise ``ValueError`` when the numbers (or shapes) of labels and predictions differ."""
    if wrap:
        labels, preds = _as_list(labels), _as_list(preds)
    a, b = (len(labels), len(preds)) if not shape else (labels.shape, preds.shape)
    if a != b:
        raise ValueError(f"Shape of labels {a} does not match shape of predictions {b}")
    return labels, preds


class EvalMetric:
    """Base class: accumulates ``sum_metric`` over ``num_inst`` instances."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return f"EvalMetric: {dict(self.get_name_value())}"

    def update(self, labels, preds):
        """Add a batch (override)."""
        raise NotImplementedError()

    def update_dict(self, label, pred):
        """``update`` from ``{name: array}`` dicts (``output_names``/``label_names``)."""
        pred = [pred[n] for n in self.output_names] if self.output_names else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names else \
            list(label.values())
        self.update(label, pred)

    def reset(self):
        """Forget everything accumulated."""
        self.num_inst = 0
        self.sum_metric = 0.0

    reset_local = reset

    def get(self):
        """``(name, value)``; value NaN before any update."""
        if self.num_inst == 0:
            return self.name, float('nan')
        return self.name, self.sum_metric / self.num_inst

    def get_name_value(self):
        """``[(name, value), ...]``."""
        name, value = self.get()
        names = name if isinstance(name, list) else [name]
        values = value if isinstance(value, list) else [value]
        return list(zip(names, values))

    def get_config(self):
        """The arguments that recreate this metric."""
        config = dict(self._kwargs)
        config.update({'metric': self.__class__.__name__, 'name': self.name,
                       'output_names': self.output_names, 'label_names': self.label_names})
        return config


@_register('composite')
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` returns lists of names and values."""

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        self.metrics = [create(m) for m in (metrics or [])]
        super().__init__(name, output_names, label_names)

    def add(self, metric):
        """Add a metric (an instance or a name)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at ``index``."""
        try:
            return self.metrics[index]
        except IndexError:
            raise ValueError(f"Metric index {index} is out of range 0 and "
                             f"{len(self.metrics)}") from None

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        for m in self.metrics:
            m.update(labels, preds)

    def reset(self):
        """Forget everything accumulated."""
        for m in getattr(self, 'metrics', []):
            m.reset()

    def get(self):
        """``(name, value)``; NaN before any update."""
        names, values = [], []
        for m in self.metrics:
            n, v = m.get()
            names.extend(n if isinstance(n, list) else [n])
            values.extend(v if isinstance(v, list) else [v])
        return names, values


@_register('acc')
class Accuracy(EvalMetric):
    """Fraction of predictions (argmax along ``axis`` when shapes differ) equal to labels."""

    def __init__(self, axis=1, name='accuracy', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names, axis=axis)
        self.axis = axis

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p, lab = _np(pred), _np(label)
            if p.shape != lab.shape:
                p = _onp.argmax(p, axis=self.axis)
            p = p.astype('int32').ravel()
            lab = lab.astype('int32').ravel()
            check_label_shapes(lab, p)
            self.sum_metric += int((p == lab).sum())
            self.num_inst += len(p)


@_register('top_k_accuracy', 'top_k_acc')
class TopKAccuracy(EvalMetric):
    """Fraction of labels among the ``top_k`` highest scores (``top_k > 1``)."""

    def __init__(self, top_k=1, name='top_k_accuracy', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names, top_k=top_k)
        self.top_k = top_k
        if top_k <= 1:
            raise ValueError("Please use Accuracy if top_k is no more than 1")
        self.name += f'_{top_k}'

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p = _np(pred).astype('float32')
            if p.ndim > 2:
                raise ValueError("Predictions should be no more than 2 dims")
            lab = _np(label).astype('int32').ravel()
            if p.ndim == 1:
                # MXNet's 1-d case: argpartition of the scores compared with the labels
                part = _onp.argpartition(p, -min(self.top_k, p.shape[0]))
                self.sum_metric += int((part == lab).sum())
            else:
                k = min(p.shape[1], self.top_k)
                top = _onp.argsort(-p, axis=1, kind='stable')[:, :k]
                self.sum_metric += int((top == lab[:, None]).any(axis=1).sum())
            self.num_inst += p.shape[0]


@_register()
class F1(EvalMetric):
    """Binary F1 of ``argmax(pred, axis=1)`` against labels in {0, 1}."""

    def __init__(self, name='f1', output_names=None, label_names=None, average='macro'):
        self.average = average
        self._counts = [0, 0, 0]       # tp, fp, fn
        self._total = 0
        super().__init__(name, output_names, label_names, average=average)

    def _fscore(self):
        tp, fp, fn = self._counts
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        return 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            lab = _np(label).astype('int32').ravel()
            p = _np(pred)
            if len(_onp.unique(lab)) > 2:
                raise ValueError("F1 currently only supports binary classification.")
            pl = _onp.argmax(p, axis=1) == 1
            lt = lab == 1
            self._counts[0] += int((pl & lt).sum())
            self._counts[1] += int((pl & ~lt).sum())
            self._counts[2] += int((~pl & lt).sum())
            self._total += len(lab)
        if self.average == 'macro':
            self.sum_metric += self._fscore()
            self.num_inst += 1
            self._counts, self._total = [0, 0, 0], 0
        else:
            self.sum_metric = self._fscore() * self._total
            self.num_inst = self._total

    def reset(self):
        """Forget everything accumulated."""
        super().reset()
        self._counts, self._total = [0, 0, 0], 0


class _Regression(EvalMetric):
    def _pairs(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            lab, p = _np(label).astype(_onp.float64), _np(pred).astype(_onp.float64)
            if lab.ndim == 1:
                lab = lab.reshape(lab.shape[0], 1)
            if p.ndim == 1:
                p = p.reshape(p.shape[0], 1)
            yield lab, p

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        for lab, p in self._pairs(labels, preds):
            self.sum_metric += float(self._error(lab, p))
            self.num_inst += 1


@_register()
class MAE(_Regression):
    """Mean absolute error (one mean per array, averaged over updates)."""

    def __init__(self, name='mae', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(lab, p):
        return _onp.abs(lab - p).mean()


@_register()
class MSE(_Regression):
    """Mean squared error (one mean per array, averaged over updates)."""

    def __init__(self, name='mse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(lab, p):
        return ((lab - p) ** 2).mean()


@_register()
class RMSE(_Regression):
    """Root mean squared error (one per array, averaged over updates)."""

    def __init__(self, name='rmse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(lab, p):
        return _onp.sqrt(((lab - p) ** 2).mean())


@_register('ce')
class CrossEntropy(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over samples (``pred`` holds probabilities)."""

    def __init__(self, eps=1e-12, name='cross-entropy', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names, eps=eps)
        self.eps = eps

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            lab = _np(label).ravel()
            p = _np(pred)
            if lab.shape[0] != p.shape[0]:
                raise ValueError(f"CrossEntropy: {lab.shape[0]} labels for {p.shape[0]} "
                                 "predictions")
            prob = p[_onp.arange(lab.shape[0]), lab.astype(_onp.int64)].astype(_onp.float64)
            self.sum_metric += float((-_onp.log(prob + self.eps)).sum())
            self.num_inst += lab.shape[0]


@_register()
class Perplexity(EvalMetric):
    """``exp`` of the mean of ``-log(max(1e-10, p[label]))``, skipping ``ignore_label``."""

    def __init__(self, ignore_label, axis=-1, name='perplexity', output_names=None,
                 label_names=None):
        super().__init__(name, output_names, label_names, ignore_label=ignore_label,
                         axis=axis)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = _as_list(labels), _as_list(preds)
        if len(labels) != len(preds):
            raise ValueError("Perplexity: as many labels as predictions are needed")
        loss, num = 0.0, 0
        for label, pred in zip(labels, preds):
            p = _onp.moveaxis(_np(pred), self.axis, -1)
            lab = _np(label).reshape(-1).astype(_onp.int64)
            if lab.size != p.size // p.shape[-1]:
                raise ValueError(f"shape mismatch: {_np(label).shape} vs. {_np(pred).shape}")
            picked = p.reshape(-1, p.shape[-1])[_onp.arange(lab.size), lab].astype(_onp.float64)
            if self.ignore_label is not None:
                ignore = lab == self.ignore_label
                num -= int(ignore.sum())
                picked = _onp.where(ignore, 1.0, picked)
            loss -= float(_onp.log(_onp.maximum(1e-10, picked)).sum())
            num += picked.size
        self.sum_metric += loss
        self.num_inst += num

    def get(self):
        """``(name, value)``; NaN before any update."""
        if self.num_inst == 0:
            return self.name, float('nan')
        return self.name, math.exp(self.sum_metric / self.num_inst)


@_register()
class Loss(EvalMetric):
    """Mean of the loss values passed as ``preds`` (labels ignored)."""

    def __init__(self, name='loss', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def update(self, _, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        for pred in _as_list(preds):
            p = _np(pred)
            self.sum_metric += float(p.sum())
            self.num_inst += p.size


@_register('nll_loss')
class NegativeLogLikelihood(CrossEntropy):
    """Mean of ``-log(p[label] + eps)`` (CrossEntropy's arithmetic, MXNet's name
    'nll-loss'; ``create('nll_loss')``)."""

    def __init__(self, eps=1e-12, name='nll-loss', output_names=None, label_names=None):
        super().__init__(eps=eps, name=name, output_names=output_names,
                         label_names=label_names)


def _mcc_binary(tp, fp, fn, tn):
    """Matthews correlation; zero factors of the denominator are left out (MXNet)."""
    if tp + fp + fn + tn == 0:
        return 0.0
    denom = 1.0
    for t in (tp + fp, tp + fn, tn + fp, tn + fn):
        if t != 0:
            denom *= t
    return (tp * tn - fp * fn) / math.sqrt(denom)


@_register()
class MCC(EvalMetric):
    """Binary Matthews correlation coefficient of ``argmax(pred, axis=1)`` against labels
    in {0, 1}; ``average`` as F1's."""

    def __init__(self, name='mcc', output_names=None, label_names=None, average='macro'):
        self._average = average
        self._counts = [0, 0, 0, 0]        # tp, fp, fn, tn
        super().__init__(name, output_names, label_names, average=average)

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            lab = _np(label).astype('int32').ravel()
            p = _np(pred)
            if len(_onp.unique(lab)) > 2:
                raise ValueError("MCC currently only supports binary classification.")
            pt, lt = _onp.argmax(p, axis=1) == 1, lab == 1
            for i, m in enumerate((pt & lt, pt & ~lt, ~pt & lt, ~pt & ~lt)):
                self._counts[i] += int(m.sum())
        if self._average == 'macro':
            self.sum_metric += _mcc_binary(*self._counts)
            self.num_inst += 1
            self._counts = [0, 0, 0, 0]
        else:
            total = sum(self._counts)
            self.sum_metric = _mcc_binary(*self._counts) * total
            self.num_inst = total

    def reset(self):
        """Forget everything accumulated."""
        super().reset()
        self._counts = [0, 0, 0, 0]


@_register()
class PCC(EvalMetric):
    """Multiclass Matthews correlation (Gorodkin's R_K) of the confusion matrix of
    predicted classes (``argmax`` of probabilities, or labels) against labels; NaN when
    every prediction or every label is one class."""

    def __init__(self, name='pcc', output_names=None, label_names=None,
                 has_global_stats=True):
        self._cm = _onp.zeros((2, 2))
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _calc(cm):
        n = cm.sum()
        x, y = cm.sum(axis=1), cm.sum(axis=0)
        cov_xx, cov_yy = _onp.sum(x * (n - x)), _onp.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float('nan')
        cov_xy = _onp.sum(cm.diagonal() * n - x * y)
        return float(cov_xy / (cov_xx * cov_yy) ** 0.5)

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            lab = _np(label).astype(_onp.int64)
            p = _np(pred)
            p = p.argmax(axis=1) if p.shape != lab.shape else p.astype(_onp.int64)
            lab, p = lab.ravel(), p.ravel()
            k = int(max(p.max(), lab.max())) + 1
            if k > self._cm.shape[0]:
                grow = k - self._cm.shape[0]
                self._cm = _onp.pad(self._cm, ((0, grow), (0, grow)))
            _onp.add.at(self._cm, (p, lab), 1)
        self.num_inst += 1
        self.sum_metric = self._calc(self._cm) * self.num_inst

    def reset(self):
        """Forget everything accumulated."""
        super().reset()
        self._cm = _onp.zeros((2, 2))


@_register()
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels (flattened): 'macro' averages one
    ``corrcoef`` per array, 'micro' pools every value seen (Welford's batch updates)."""

    def __init__(self, name='pearsonr', output_names=None, label_names=None,
                 average='macro'):
        self.average = average
        super().__init__(name, output_names, label_names, average=average)

    def reset(self):
        """Forget everything accumulated."""
        super().reset()
        self._n, self._mean_l, self._mean_p = 0, 0.0, 0.0
        self._sse_l, self._sse_p, self._cov = 0.0, 0.0, 0.0

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(_np(label), _np(pred), False, True)
            lab = _np(label).ravel().astype(_onp.float64)
            p = _np(pred).ravel().astype(_onp.float64)
            self.num_inst += 1
            if self.average == 'macro':
                self.sum_metric += float(_onp.corrcoef(p, lab)[0, 1])
                continue
            n = self._n + lab.size
            d_l = lab - self._mean_l
            self._mean_l += float(_onp.sum(d_l / n))
            self._sse_l += float(_onp.sum(d_l * (lab - self._mean_l)))
            self._cov += float(_onp.sum((lab - self._mean_l) * (p - self._mean_p)))
            d_p = p - self._mean_p
            self._mean_p += float(_onp.sum(d_p / n))
            self._sse_p += float(_onp.sum(d_p * (p - self._mean_p)))
            self._n = n

    def get(self):
        """``(name, value)``; NaN before any update."""
        if self.num_inst == 0:
            return self.name, float('nan')
        if self.average == 'macro':
            return self.name, self.sum_metric / self.num_inst
        return self.name, self._cov / math.sqrt(self._sse_p * self._sse_l)


class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred) -> value`` (or ``(sum, count)``) on NumPy arrays."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None,
                 label_names=None):
        if name is None:
            name = feval.__name__
            if name.find('<') != -1:
                name = f'custom({name})'
        super().__init__(name, output_names, label_names)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        """Add a batch: ``labels`` and ``preds`` are arrays or lists of arrays."""
        labels, preds = _as_list(labels), _as_list(preds)
        if not self._allow_extra_outputs:
            check_label_shapes(labels, preds)
        for label, pred in zip(labels, preds):
            r = self._feval(_np(label), _np(pred))
            if isinstance(r, tuple):
                s, n = r
                self.sum_metric += s
                self.num_inst += n
            else:
                self.sum_metric += r
                self.num_inst += 1


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A ``CustomMetric`` from a function of NumPy arrays."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


def create(metric, *args, **kwargs):
    """A metric from an instance, a name ('acc', 'mse', ...), a function or a list."""
    if isinstance(metric, EvalMetric):
        return metric
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        comp = CompositeEvalMetric()
        for m in metric:
            comp.add(create(m, *args, **kwargs))
        return comp
    if isinstance(metric, str):
        key = metric.lower()
        if key not in _REGISTRY:
            raise ValueError(f"Cannot find metric {metric}; known: {sorted(_REGISTRY)}")
        return _REGISTRY[key](*args, **kwargs)
    raise TypeError(f"metric must be an EvalMetric, a name, a function or a list, got "
                    f"{type(metric).__name__}")
