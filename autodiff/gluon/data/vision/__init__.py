"""``gluon.data.vision``: image datasets read from local files, and ``transforms``."""
from .datasets import MNIST, FashionMNIST, CIFAR10, CIFAR100  # noqa: F401
from . import transforms  # noqa: F401
