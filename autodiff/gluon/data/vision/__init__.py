"""``gluon.data.vision``: image datasets read from local files (MNIST, CIFAR, RecordIO image
records, a folder per class), and ``transforms``."""
from .datasets import MNIST, FashionMNIST, CIFAR10, CIFAR100  # noqa: F401
from .image_datasets import ImageRecordDataset, ImageFolderDataset  # noqa: F401
from . import transforms  # noqa: F401
