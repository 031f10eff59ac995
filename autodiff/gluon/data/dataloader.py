"""``DataLoader`` (MXNet 1.9.1's arguments): batches of a Dataset.

``batchify_fn`` (default ``default_batchify_fn``) turns a list of samples into a batch:
arrays are stacked, tuples are batchified field by field, numbers become an array (Python
numbers keep NumPy's dtype, e.g. int64 labels; float numbers float32).  ``num_workers > 0``
loads batches on that many threads (ahead of the consumer, in order; MXNet uses processes,
whose start-up would dominate here); ``prefetch`` bounds how many are in flight.
"""
from concurrent.futures import ThreadPoolExecutor
from collections import deque

import numpy as _onp

from ... import np
from ...ndarray import ndarray
from .sampler import SequentialSampler, RandomSampler, BatchSampler

__all__ = ['DataLoader', 'default_batchify_fn']


def default_batchify_fn(data):
    """Stack a list of samples into a batch (see the module docstring)."""
    first = data[0]
    if isinstance(first, ndarray):
        return np.stack(data)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(field)) for field in zip(*data)]
    arr = _onp.asarray(data)
    if arr.dtype == _onp.float64 and not isinstance(first, _onp.ndarray):
        arr = arr.astype(_onp.float32)
    return np.array(arr, dtype=arr.dtype)


class DataLoader:
    """Iterate over ``dataset`` in mini-batches.

    ``batch_size``; ``shuffle`` (a ``RandomSampler``) or ``sampler``; ``last_batch``
    'keep' / 'discard' / 'rollover'; or a ``batch_sampler`` yielding lists of indices
    instead of all four; ``batchify_fn``; ``num_workers`` threads; ``prefetch``.
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120,
                 try_nopython=None):
        self._dataset = dataset
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                sampler = RandomSampler(len(dataset)) if shuffle else \
                    SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = BatchSampler(sampler, batch_size,
                                         last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        if num_workers < 0:
            raise ValueError(f"num_workers must be >= 0, got {num_workers}")
        self._num_workers = num_workers
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn

    def _load(self, indices):
        return self._batchify_fn([self._dataset[i] for i in indices])

    def __iter__(self):
        if self._num_workers == 0:
            for batch in self._batch_sampler:
                yield self._load(batch)
            return
        with ThreadPoolExecutor(self._num_workers) as pool:
            pending = deque()
            ahead = max(1, self._prefetch)
            for batch in self._batch_sampler:
                pending.append(pool.submit(self._load, batch))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def __len__(self):
        return len(self._batch_sampler)
