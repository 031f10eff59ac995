"""``autodiff.optimizer``: MXNet 1.9.1's optimizers (``mx.optimizer``), their update
arithmetic, ``create('sgd', ...)`` and ``Updater``."""
from .base import Optimizer, register, create, Updater, get_updater  # noqa: F401
from .sgd import SGD, NAG, Signum  # noqa: F401
from .adaptive import Adam, AdaGrad, RMSProp, AdaDelta, Adamax, Nadam, Ftrl, LAMB  # noqa: F401
from .large_batch import SGLD, DCASGD, FTML, LARS, LBSGD, ccSGD  # noqa: F401

__all__ = ['Optimizer', 'register', 'create', 'Updater', 'get_updater', 'SGD', 'NAG',
           'Signum', 'Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Adamax', 'Nadam', 'Ftrl',
           'LAMB', 'SGLD', 'DCASGD', 'FTML', 'LARS', 'LBSGD', 'ccSGD']
