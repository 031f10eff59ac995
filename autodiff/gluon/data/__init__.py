"""``gluon.data``: datasets, samplers, ``DataLoader`` and ``vision``."""
from .dataset import Dataset, SimpleDataset, ArrayDataset, RecordFileDataset  # noqa: F401
from . import recordio  # noqa: F401
from .sampler import (Sampler, SequentialSampler, RandomSampler, BatchSampler,  # noqa: F401
                      IntervalSampler, FilterSampler)
from .dataloader import DataLoader, default_batchify_fn  # noqa: F401
from . import vision  # noqa: F401
