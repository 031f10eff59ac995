"""``gluon.metric``: the metrics of ``autodiff.metric`` (MXNet 2.x keeps them here)."""
from ..metric import (EvalMetric, CompositeEvalMetric, Accuracy, TopKAccuracy, F1,  # noqa: F401
                      MAE, MSE, RMSE, CrossEntropy, Perplexity, Loss, CustomMetric, create,
                      check_label_shapes, np)
